package dev.tracelake.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.lake.LakeTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SandboxTest extends QueryTestBase {
  private String dataFile;

  @BeforeEach
  void writeTable() {
    LakeTable table = events();
    appendEvents(table, 0, 100);
    dataFile = table.scan().plan().files().get(0).localPath();
  }

  /**
   * Every statement but a single SELECT is refused by DuckDB's parser check before it reaches a
   * database, whatever the sandbox settings would allow, and the engine keeps answering.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "COPY (SELECT 1 AS x) TO '/tmp/tracelake-escape.csv'|COPY statements are not allowed",
        "COPY events TO 'events.parquet' (FORMAT parquet)|COPY statements are not allowed",
        "ATTACH '/tmp/tracelake-escape.db' AS x|ATTACH statements are not allowed",
        "DETACH memory|DETACH statements are not allowed",
        "INSTALL httpfs|INSTALL statements are not allowed",
        "LOAD httpfs|LOAD statements are not allowed",
        "SET enable_external_access = true|SET statements are not allowed",
        "SET lock_configuration = false|SET statements are not allowed",
        "RESET threads|RESET statements are not allowed",
        "PRAGMA threads = 64|PRAGMA statements are not allowed",
        "CALL pragma_version()|CALL statements are not allowed",
        "CREATE TABLE copy AS SELECT * FROM events|CREATE statements are not allowed",
        "CREATE OR REPLACE VIEW events AS SELECT 1|CREATE statements are not allowed",
        "INSERT INTO events (event_id) VALUES (1)|INSERT statements are not allowed",
        "UPDATE events SET amount = 0|UPDATE statements are not allowed",
        "DELETE FROM events|DELETE statements are not allowed",
        "DROP VIEW events|DROP statements are not allowed",
        "EXPORT DATABASE '/tmp/tracelake-export'|EXPORT statements are not allowed",
        "USE memory|USE statements are not allowed",
        "CHECKPOINT|CHECKPOINT statements are not allowed",
        "EXPLAIN ANALYZE SELECT 1|EXPLAIN statements are not allowed",
        "SELECT 1; SELECT 2|Only one statement per query is allowed; got 2 statements",
        "SELECT 1; DROP VIEW events|got 2 statements (DROP, SELECT)",
        "SELECT * FROM read_csv('/etc/passwd')|Table function read_csv is not allowed",
        "SELECT * FROM read_text('/etc/passwd')|Table function read_text is not allowed",
        "SELECT * FROM glob('/*')|Table function glob is not allowed",
        "SELECT * FROM read_blob('/etc/passwd')|Table function read_blob is not allowed",
        "SELECT * FROM query('SELECT 1')|Table function query is not allowed",
        "SELECT * FROM duckdb_settings()|Table function duckdb_settings is not allowed",
        "SELECT * FROM (SELECT 1) t, LATERAL read_json_auto('/etc/hostname')|Table function"
            + " read_json_auto is not allowed",
      })
  void everyStatementButOneSelectIsRefused(String sql, String message) {
    assertThatThrownBy(() -> query(sql))
        .isInstanceOf(QueryException.class)
        .hasMessageContaining(message)
        .extracting(e -> ((QueryException) e).kind())
        .isEqualTo(QueryErrorKind.PERMISSION_DENIED);
    assertThat(query("SELECT count(*) FROM events").value()).isEqualTo(100L);
  }

  @Test
  void copyOverACommittedDataFileIsRefusedAndTheFileIsUnchanged() {
    Map<Path, String> before = dataFileDigests();
    String target = SqlText.string(dataFile);

    assertThatThrownBy(
            () -> query("COPY (SELECT 1 AS event_id) TO " + target + " (FORMAT parquet)"))
        .isInstanceOf(QueryException.class)
        .hasMessage(
            "COPY statements are not allowed: the SQL endpoint runs a single read-only SELECT")
        .extracting(e -> ((QueryException) e).kind())
        .isEqualTo(QueryErrorKind.PERMISSION_DENIED);
    assertThatThrownBy(
            () ->
                query(
                    "SELECT count(*) FROM events; COPY (SELECT 1 AS event_id) TO "
                        + target
                        + " (FORMAT parquet)"))
        .isInstanceOf(QueryException.class)
        .hasMessage("Only one statement per query is allowed; got 2 statements (COPY, SELECT)");

    assertThat(dataFileDigests()).isEqualTo(before);
    assertThat(query("SELECT count(*) FROM events").value()).isEqualTo(100L);
  }

  @Test
  void filesOutsideTheQuerysTablesCannotBeRead() throws IOException {
    Path outside = Files.createTempFile("tracelake-outside", ".csv");
    Files.writeString(outside, "secret\n42\n");
    try {
      // a replacement scan would read a file without naming a table function: a name that is no
      // lake table never reaches DuckDB
      assertThatThrownBy(() -> query("SELECT * FROM " + SqlText.string(outside.toString())))
          .isInstanceOf(QueryException.class)
          .hasMessage("Table '%s' does not exist; tables: [default.events]", outside)
          .extracting(e -> ((QueryException) e).kind())
          .isEqualTo(QueryErrorKind.NOT_FOUND);
      assertThatThrownBy(() -> query("SELECT * FROM read_parquet('/etc/passwd')"))
          .isInstanceOf(QueryException.class)
          .hasMessageContaining("Table function read_parquet is not allowed");
      // without a file extension DuckDB takes a quoted name for a table, and there is none
      assertThatThrownBy(() -> query("SELECT * FROM '/etc/passwd'"))
          .isInstanceOf(QueryException.class)
          .hasMessage("Table '/etc/passwd' does not exist; tables: [default.events]");
      // the catalog database lives inside the warehouse, but no query needs it
      String catalog = warehouse.resolve("catalog.db").toString();
      assertThatThrownBy(() -> query("SELECT * FROM " + SqlText.string(catalog)))
          .isInstanceOf(QueryException.class)
          .hasMessageStartingWith("Table '" + catalog + "' does not exist")
          .extracting(e -> ((QueryException) e).kind())
          .isEqualTo(QueryErrorKind.NOT_FOUND);
    } finally {
      Files.delete(outside);
    }
    assertThat(query("SELECT count(*) FROM events").value()).isEqualTo(100L);
  }

  @Test
  void theSettingsOfAQueryDatabaseAreLocked() {
    assertThat(
            rows(
                "SELECT current_setting('lock_configuration'),"
                    + " current_setting('enable_external_access'),"
                    + " current_setting('autoload_known_extensions'),"
                    + " current_setting('TimeZone')"))
        .containsExactly(List.of(true, false, false, "UTC"));
  }

  private static String sandboxed(DuckDBConnection db, String sql) throws SQLException {
    try (Statement s = db.createStatement()) {
      if (s.execute(sql)) {
        try (var rs = s.getResultSet()) {
          return rs.next() ? rs.getString(1) : null;
        }
      }
      return null;
    }
  }

  private Map<Path, String> dataFileDigests() {
    Map<Path, String> digests = new TreeMap<>();
    try (Stream<Path> files = Files.walk(warehouse)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".parquet")).toList()) {
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
}
