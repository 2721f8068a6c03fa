package dev.tracelake.query;

import dev.tracelake.lake.AppendResult;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Statements a hostile SQL user would send, shared by the embedded engine's tests and the gRPC
 * QueryService's tests (ingest, through this module's test jar). Every one tries to change a file
 * under the warehouse, a relation the engine built, or to read a file by path. Each runs against
 * {@link Fixture}: an events table of three appends by three runs, a tag on the first snapshot.
 */
public final class AttackCorpus {
  private AttackCorpus() {}

  /**
   * One attack.
   *
   * @param name a short name for the test report
   * @param template the SQL, with {@code {file}} (a data file of the head), {@code {old}} (the data
   *     file of the first snapshot), {@code {snap}} (the first snapshot's id), {@code {warehouse}}
   *     and {@code {outside}} (a directory outside the warehouse) to fill in
   * @param kind the status the guard answers with
   * @param message part of the guard's message
   */
  public record Attack(String name, String template, QueryErrorKind kind, String message) {
    /** Returns the SQL for a fixture. */
    public String sql(Fixture f) {
      return template
          .replace("{file}", f.headFile().toString())
          .replace("{old}", f.oldFile().toString())
          .replace("{snap}", Long.toString(f.oldSnapshot()))
          .replace("{warehouse}", f.warehouse().toString())
          .replace("{outside}", f.outside().toString());
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static Attack denied(String name, String template, String message) {
    return new Attack(name, template, QueryErrorKind.PERMISSION_DENIED, message);
  }

  /** Every attack. */
  public static List<Attack> attacks() {
    return List.of(
        denied(
            "COPY in a CTE over a data file",
            "WITH c AS (COPY (SELECT 1 AS event_id) TO '{file}' (FORMAT parquet, USE_TMP_FILE"
                + " false)) SELECT count(*) FROM events",
            "COPY inside a query (in WITH c) is not allowed"),
        denied(
            "COPY in a CTE forging an old snapshot",
            "WITH c AS (COPY (SELECT event_id, user, amount * 1000 AS amount FROM events FOR"
                + " VERSION AS OF {snap}) TO '{old}' (FORMAT parquet, USE_TMP_FILE false)) SELECT"
                + " sum(amount) FROM events FOR VERSION AS OF {snap}",
            "COPY inside a query (in WITH c) is not allowed"),
        denied(
            "INSERT in a CTE into runs",
            "WITH x AS (INSERT INTO runs (run_id) VALUES ('forged') RETURNING *) SELECT * FROM x",
            "INSERT inside a query (in WITH x) is not allowed"),
        denied(
            "UPDATE in a CTE of runs",
            "WITH x AS (UPDATE runs SET run_id = 'forged' RETURNING *) SELECT count(*) FROM x",
            "UPDATE inside a query (in WITH x) is not allowed"),
        denied(
            "DELETE in a CTE from a metadata table",
            "WITH x AS (DELETE FROM \"events$snapshots\" RETURNING *) SELECT count(*) FROM x",
            "DELETE inside a query (in WITH x) is not allowed"),
        denied(
            "INSERT in a CTE into the refs table",
            "WITH x AS (INSERT INTO \"events$refs\" VALUES ('forged', 'TAG', 1) RETURNING *)"
                + " SELECT * FROM x",
            "INSERT inside a query (in WITH x) is not allowed"),
        denied(
            "INSERT in a CTE into a table's view",
            "WITH x AS (INSERT INTO events (event_id) VALUES (1) RETURNING *) SELECT * FROM x",
            "INSERT inside a query (in WITH x) is not allowed"),
        denied(
            "COPY in a CTE of a subquery",
            "SELECT * FROM (WITH c AS (COPY (SELECT 1 AS event_id) TO '{file}' (FORMAT parquet,"
                + " USE_TMP_FILE false)) SELECT count(*) AS n FROM events) s",
            "COPY inside a query (in WITH c) is not allowed"),
        denied(
            "DELETE in a CTE of a UNION branch",
            "SELECT count(*) FROM events UNION ALL (WITH d AS (DELETE FROM runs RETURNING 1)"
                + " SELECT count(*) FROM d)",
            "DELETE inside a query (in WITH d) is not allowed"),
        denied(
            "COPY two CTEs deep",
            "WITH a AS (WITH b AS (COPY (SELECT 1 AS event_id) TO '{file}' (FORMAT parquet,"
                + " USE_TMP_FILE false)) SELECT * FROM events) SELECT count(*) FROM a",
            "COPY inside a query (in WITH a > b) is not allowed"),
        denied(
            "UPDATE in a scalar subquery's CTE",
            "SELECT (WITH u AS (UPDATE runs SET run_id = 'forged' RETURNING 1) SELECT count(*)"
                + " FROM u) AS n FROM events LIMIT 1",
            "UPDATE inside a query (in WITH u) is not allowed"),
        denied(
            "DELETE in an EXISTS subquery's CTE",
            "SELECT count(*) FROM events WHERE EXISTS (WITH d AS (DELETE FROM \"events$refs\""
                + " RETURNING 1) SELECT * FROM d)",
            "DELETE inside a query (in WITH d) is not allowed"),
        denied(
            "COPY in a lateral subquery's CTE",
            "SELECT * FROM events, LATERAL (WITH c AS (COPY (SELECT 1 AS event_id) TO '{file}'"
                + " (FORMAT parquet, USE_TMP_FILE false)) SELECT 1 AS one) l",
            "COPY inside a query (in WITH c) is not allowed"),
        denied(
            "COPY in a macro argument",
            "SELECT * FROM lineage_upstream('events', (WITH c AS (COPY (SELECT 1 AS event_id) TO"
                + " '{file}' (FORMAT parquet, USE_TMP_FILE false)) SELECT 'r'))",
            "COPY inside a query (in WITH c) is not allowed"),
        denied(
            "COPY in parallel into the table's data directory",
            "WITH c AS (COPY (SELECT * FROM events, range(2000)) TO '{warehouse}/default/events/"
                + "data/extra' (FORMAT parquet, PER_THREAD_OUTPUT true)) SELECT 1",
            "COPY inside a query (in WITH c) is not allowed"),
        denied(
            "COPY out of the warehouse",
            "WITH c AS (COPY (SELECT * FROM events) TO '{outside}/leak.csv') SELECT 1",
            "COPY inside a query (in WITH c) is not allowed"),
        denied(
            "COPY statement over a data file",
            "COPY (SELECT 1 AS event_id) TO '{file}' (FORMAT parquet, USE_TMP_FILE false)",
            "COPY statements are not allowed"),
        denied(
            "EXPORT DATABASE into the warehouse",
            "EXPORT DATABASE '{warehouse}/default/events/data'",
            "EXPORT statements are not allowed"),
        denied("ATTACH a data file", "ATTACH '{file}' AS x", "ATTACH statements are not allowed"),
        denied(
            "ATTACH a new database in the warehouse",
            "ATTACH '{warehouse}/evil.duckdb' AS x",
            "ATTACH statements are not allowed"),
        denied(
            "a SELECT then a COPY",
            "SELECT count(*) FROM events; COPY (SELECT 1 AS event_id) TO '{file}' (FORMAT"
                + " parquet)",
            "Only one statement per query is allowed"),
        denied(
            "read_parquet of a data file",
            "SELECT * FROM read_parquet('{file}')",
            "Table function read_parquet is not allowed"),
        new Attack(
            "a replacement scan of a data file",
            "SELECT count(*) FROM '{file}'",
            QueryErrorKind.NOT_FOUND,
            "does not exist"),
        new Attack(
            "a replacement scan of the catalog",
            "SELECT * FROM '{warehouse}/catalog.db'",
            QueryErrorKind.NOT_FOUND,
            "does not exist"));
  }

  /** The lake the attacks run against, and what it must still say afterwards. */
  public record Fixture(
      Path warehouse, Path outside, Path headFile, Path oldFile, long oldSnapshot) {

    /** Three appends of 100 rows by runs run-1..run-3, tag v1 on the first snapshot. */
    public static Fixture build(
        Lake lake, Path warehouse, Path outside, BufferAllocator allocator) {
      LakeTable table = lake.createTable(TableName.parse("events"), QueryTestBase.EVENTS);
      long first = 0;
      for (int run = 1; run <= 3; run++) {
        try (VectorSchemaRoot root = batch(table, allocator, (run - 1) * 100L, 100)) {
          AppendResult r =
              table.append(
                  Provenance.builder()
                      .codeCommit("abc123")
                      .model("fraud", "v" + run)
                      .runId("run-" + run)
                      .producer("attack-corpus")
                      .build(),
                  root);
          if (run == 1) {
            first = r.snapshotId();
          }
        }
      }
      table.createTag("v1", first);
      Path old = Path.of(table.scan().atSnapshot(first).plan().files().get(0).localPath());
      Path head =
          table.scan().plan().files().stream()
              .map(f -> Path.of(f.localPath()))
              .filter(p -> !p.equals(old))
              .findFirst()
              .orElseThrow();
      return new Fixture(warehouse, outside, head, old, first);
    }

    private static VectorSchemaRoot batch(
        LakeTable table, BufferAllocator allocator, long from, int count) {
      VectorSchemaRoot root = VectorSchemaRoot.create(QueryTestBase.EVENTS, allocator);
      root.allocateNew();
      for (int i = 0; i < count; i++) {
        long v = from + i;
        ((BigIntVector) root.getVector("event_id")).setSafe(i, v);
        ((VarCharVector) root.getVector("user"))
            .setSafe(i, ("u" + (v % 3)).getBytes(StandardCharsets.UTF_8));
        ((Float8Vector) root.getVector("amount")).setSafe(i, v * 1.5);
      }
      root.setRowCount(count);
      return root;
    }

    /** Queries whose answers must not change, with those answers. */
    public Map<String, Object> invariants() {
      Map<String, Object> expected = new TreeMap<>();
      expected.put("SELECT count(*) FROM events", 300L);
      expected.put("SELECT CAST(sum(amount) AS BIGINT) FROM events FOR VERSION AS OF 'v1'", 7425L);
      expected.put(
          "SELECT CAST(sum(amount) AS BIGINT) FROM events FOR VERSION AS OF " + oldSnapshot, 7425L);
      expected.put("SELECT count(*) FROM runs WHERE run_id LIKE 'run-%'", 3L);
      expected.put("SELECT count(*) FROM runs WHERE run_id = 'forged'", 0L);
      expected.put("SELECT count(*) FROM \"events$snapshots\"", 3L);
      expected.put("SELECT count(*) FROM \"events$refs\"", 2L);
      return expected;
    }

    /** Returns the SHA-256 of every file under the warehouse, by path. */
    public Map<Path, String> digests() {
      Map<Path, String> digests = new TreeMap<>();
      try (Stream<Path> files = Files.walk(warehouse)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          digests.put(
              f,
              HexFormat.of()
                  .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      return digests;
    }

    /** Returns every file under the directory outside the warehouse. */
    public List<Path> outsideFiles() {
      try (Stream<Path> files = Files.walk(outside)) {
        return files.filter(Files::isRegularFile).toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
