package dev.tracelake.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.lake.AppendResult;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table of 2.4M rows written by 24 runs (more than the 16 provenances read as a union), queried
 * under a 64 MiB memory limit: reading a version costs memory independent of its row count, and a
 * query larger than memory spills to its private directory, which is gone afterwards. Answers are
 * computed from how the rows were generated, not by the engine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LargeTableSqlTest {
  private static final int APPENDS = 24;
  private static final int ROWS_PER_APPEND = 100_000;
  private static final long ROWS = (long) APPENDS * ROWS_PER_APPEND;
  private static final int COUNTRIES = 7;
  private static final Schema SCHEMA =
      new Schema(
          List.of(
              new Field("event_id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
              new Field("country", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
              new Field(
                  "amount",
                  FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                  null)));

  private RootAllocator allocator;
  private Lake lake;
  private SqlEngine engine;
  private long halfway;

  @BeforeAll
  void writeTable(@TempDir Path warehouse, @TempDir Path spill) {
    allocator = new RootAllocator();
    lake = Lake.open(LakeConfig.embedded(warehouse));
    LakeTable table = lake.createTable(TableName.parse("big"), SCHEMA);
    for (int a = 0; a < APPENDS; a++) {
      Provenance run =
          Provenance.builder()
              .codeCommit("c" + a)
              .model("m", "v" + (a % 3))
              .runId("run-" + a)
              .producer("large-table-test")
              .build();
      try (PendingAppend append = table.newAppend(run);
          VectorSchemaRoot batch = batch((long) a * ROWS_PER_APPEND, ROWS_PER_APPEND)) {
        append.write(batch);
        AppendResult r = append.commit();
        if (a == APPENDS / 2 - 1) {
          halfway = r.snapshotId();
        }
      }
    }
    engine =
        SqlEngine.create(
            lake,
            SqlEngineConfig.defaults()
                .withMemoryLimitBytes(64L << 20)
                .withThreads(2)
                .withSpillRoot(spill));
  }

  @AfterAll
  void close() {
    engine.close();
    lake.close();
    allocator.close();
  }

  private VectorSchemaRoot batch(long from, int count) {
    VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
    root.allocateNew();
    for (int i = 0; i < count; i++) {
      long id = from + i;
      ((BigIntVector) root.getVector("event_id")).setSafe(i, id);
      ((VarCharVector) root.getVector("country"))
          .setSafe(i, ("c" + (id % COUNTRIES)).getBytes(StandardCharsets.UTF_8));
      ((Float8Vector) root.getVector("amount")).setSafe(i, id % 1000);
    }
    root.setRowCount(count);
    return root;
  }

  @Test
  void countAggregateAndTimeTravelRunInSixtyFourMebibytes() {
    assertThat(value("SELECT count(*) FROM big")).isEqualTo(ROWS);

    List<List<Object>> byCountry =
        rows("SELECT country, count(*), sum(amount) FROM big GROUP BY country ORDER BY country");
    List<List<Object>> expected = new ArrayList<>();
    for (int c = 0; c < COUNTRIES; c++) {
      long n = 0;
      double sum = 0;
      for (long id = c; id < ROWS; id += COUNTRIES) {
        n++;
        sum += id % 1000;
      }
      expected.add(List.of("c" + c, n, sum));
    }
    assertThat(byCountry).isEqualTo(expected);

    long half = ROWS / 2;
    assertThat(
            rows(
                "SELECT count(*), CAST(sum(event_id) AS BIGINT) FROM big FOR VERSION AS OF "
                    + halfway))
        .containsExactly(List.of(half, half * (half - 1) / 2));
    // provenance comes from the files' partition values, per file, not per row
    List<List<Object>> byRun =
        rows("SELECT _run_id, count(*) FROM big GROUP BY _run_id ORDER BY count(*), _run_id");
    assertThat(byRun).hasSize(APPENDS);
    assertThat(byRun).allSatisfy(r -> assertThat(r.get(1)).isEqualTo((long) ROWS_PER_APPEND));
    assertThat(value("SELECT count(*) FROM big WHERE _model_version = 'v1'")).isEqualTo(ROWS / 3);
  }

  @Test
  void aQueryLargerThanMemorySpillsToAPrivateDirectoryThatIsRemovedAfterwards(@TempDir Path spill)
      throws Exception {
    try (SqlEngine own =
        SqlEngine.create(
            lake,
            SqlEngineConfig.defaults().withMemoryLimitBytes(64L << 20).withSpillRoot(spill))) {
      Path root = engineSpillRoot(spill);
      assertThat(Files.getPosixFilePermissions(root))
          .containsExactlyInAnyOrder(
              java.nio.file.attribute.PosixFilePermission.OWNER_READ,
              java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
              java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
      // two million groups do not fit in 64 MiB
      assertThat(
              drain(
                      own,
                      "SELECT count(*) FROM (SELECT event_id, count(*) FROM big GROUP BY event_id)")
                  .get(0)
                  .get(0))
          .isEqualTo(ROWS);
    }
    try (Stream<Path> left = Files.list(spill)) {
      assertThat(left.toList()).as("spill directories left behind").isEmpty();
    }
  }

  @Test
  void aQueryPastBothLimitsSaysWhatTheyAreAndHowToRaiseThem(@TempDir Path spill) {
    try (SqlEngine tight =
        SqlEngine.create(
            lake,
            SqlEngineConfig.defaults()
                .withMemoryLimitBytes(32L << 20)
                .withMaxSpillBytes(1L << 20)
                .withSpillRoot(spill))) {
      assertThatThrownBy(
              () ->
                  drain(
                      tight,
                      "SELECT count(*) FROM (SELECT event_id, count(*) FROM big GROUP BY"
                          + " event_id)"))
          .isInstanceOf(QueryException.class)
          .hasMessageContaining("Query needs more than its limits of 32 MiB of memory and 1 MiB")
          .hasMessageContaining(SqlEngineConfig.MEMORY_LIMIT_VARIABLE)
          .hasMessageContaining(SqlEngineConfig.SPILL_LIMIT_VARIABLE)
          .hasMessageNotContaining("temp_directory")
          .hasMessageNotContaining("PRAGMA")
          .extracting(e -> ((QueryException) e).kind())
          .isEqualTo(QueryErrorKind.RESOURCE_EXHAUSTED);
    }
    try (Stream<Path> left = Files.walk(spill)) {
      assertThat(left.filter(Files::isRegularFile).toList()).isEmpty();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Path engineSpillRoot(Path parent) throws IOException {
    try (Stream<Path> dirs = Files.list(parent)) {
      return dirs.filter(p -> p.getFileName().toString().startsWith("tracelake-sql-"))
          .findFirst()
          .orElseThrow();
    }
  }

  private Object value(String sql) {
    return rows(sql).get(0).get(0);
  }

  private List<List<Object>> rows(String sql) {
    return drain(engine, sql);
  }

  private static List<List<Object>> drain(SqlEngine engine, String sql) {
    try (QueryResult result = engine.execute(sql)) {
      List<List<Object>> rows = new ArrayList<>();
      while (result.reader().loadNextBatch()) {
        rows.addAll(QueryTestBase.rowsOf(result.reader().getVectorSchemaRoot()));
      }
      return rows;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
