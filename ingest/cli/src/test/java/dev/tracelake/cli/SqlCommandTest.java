package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlCommandTest {
  @TempDir Path dir;

  private CliHarness cli;
  private long featuresSnapshot;

  @BeforeEach
  void writeDemoData() {
    cli = new CliHarness(dir.resolve("warehouse"));
    featuresSnapshot =
        cli.json("demo", "--rows", "5").get("appends").get(0).get("snapshotId").asLong();
  }

  @Test
  void tableFormatAlignsColumnsAndReportsTimingAndPinnedSnapshotsOnStderr() {
    CliHarness.Result result =
        cli.run(
            "sql",
            "-e",
            "SELECT entity_id, country FROM demo.features ORDER BY entity_id LIMIT 3;");

    assertThat(result.exitCode()).as("stderr: %s", result.err()).isZero();
    List<String> lines = result.out().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).matches("entity_id  country");
    assertThat(lines.get(1)).matches("0          [A-Z]{2}");
    assertThat(lines.get(3)).startsWith("2          ");
    assertThat(result.err().strip())
        .matches("3 rows in \\d+\\.\\d\\d s; demo\\.features@" + featuresSnapshot);
  }

  @Test
  void csvFormatPrintsAHeaderAndEveryRow() {
    String out =
        cli.ok(
            "sql",
            "-e",
            "SELECT entity_id, label, 'a,\"b' AS quoted, NULL AS nothing FROM demo.predictions"
                + " ORDER BY entity_id",
            "--format",
            "csv");

    List<String> lines = out.lines().toList();
    assertThat(lines.get(0)).isEqualTo("entity_id,label,quoted,nothing");
    assertThat(lines).hasSize(6);
    for (int i = 1; i <= 5; i++) {
      List<String> cells = Arrays.asList(lines.get(i).split(",", 3));
      assertThat(cells.get(0)).isEqualTo(String.valueOf(i - 1));
      assertThat(cells.get(1)).isIn("fraud", "ok");
      assertThat(cells.get(2)).isEqualTo("\"a,\"\"b\",");
    }
  }

  @Test
  void jsonFormatPrintsAnArrayOfObjectsWithTypedValues() {
    JsonNode rows =
        cli.json(
            "sql",
            "-e",
            "SELECT entity_id, score, label, _lineage[1].\"table\" AS input_table,"
                + " TIMESTAMP '2024-01-01 12:00:00' AS at, [1, 2] AS list,"
                + " TIMESTAMPTZ '2024-01-01 12:00:00+02' AS zoned, MAP {'k': 1} AS m,"
                + " DATE '2024-02-29' AS d, 'AB'::BLOB AS b"
                + " FROM demo.predictions ORDER BY entity_id");

    assertThat(rows.isArray()).isTrue();
    assertThat(rows).hasSize(5);
    JsonNode first = rows.get(0);
    assertThat(first.get("entity_id").isIntegralNumber()).isTrue();
    assertThat(first.get("entity_id").asLong()).isZero();
    assertThat(first.get("score").isDouble()).isTrue();
    assertThat(first.get("label").asText()).isIn("fraud", "ok");
    assertThat(first.get("input_table").asText()).isEqualTo("demo.features");
    assertThat(first.get("at").asText()).isEqualTo("2024-01-01T12:00:00");
    assertThat(first.get("list").toString()).isEqualTo("[1,2]");
    assertThat(first.get("zoned").asText()).isEqualTo("2024-01-01T10:00:00Z");
    assertThat(first.get("m").toString()).isEqualTo("{\"k\":1}");
    assertThat(first.get("d").asText()).isEqualTo("2024-02-29");
    assertThat(first.get("b").asText()).isEqualTo("\\x4142");
    assertThat(rows.get(4).get("entity_id").asLong()).isEqualTo(4);
  }

  @Test
  void aRepeatedColumnNameIsMadeUniqueInJsonAndCsv() throws Exception {
    String sql = "SELECT _record_id, * FROM demo.features ORDER BY entity_id";
    String printed = cli.ok("sql", "-e", sql, "--format", "json");
    // parse every object strictly: a repeated key would be an error, not a silent overwrite
    JsonNode rows =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .readTree(printed);
    JsonNode first = rows.get(0);
    assertThat(first.get("_record_id").asText()).isNotBlank();
    assertThat(first.get("_record_id_1").asText()).isEqualTo(first.get("_record_id").asText());

    String header = cli.ok("sql", "-e", sql, "--format", "csv").lines().findFirst().orElseThrow();
    assertThat(header).startsWith("_record_id,entity_id,").contains(",_record_id_1,");
  }

  @Test
  void anEmptyResultIsAnEmptyJsonArray() {
    JsonNode rows = cli.json("sql", "-e", "SELECT * FROM demo.features WHERE entity_id < 0");

    assertThat(rows.isArray()).isTrue();
    assertThat(rows).isEmpty();
  }

  @Test
  void timeTravelReadsTheTaggedSnapshot() {
    cli.json("demo", "--rows", "5");

    CliHarness.Result result =
        cli.run(
            "sql",
            "-e",
            "SELECT count(*) AS n FROM demo.features FOR VERSION AS OF 'demo-1'",
            "--format",
            "csv");
    String now = cli.ok("sql", "-e", "SELECT count(*) AS n FROM demo.features", "--format", "csv");

    assertThat(result.exitCode()).as("stderr: %s", result.err()).isZero();
    assertThat(result.out().lines()).containsExactly("n", "5");
    assertThat(result.err()).contains("demo.features@" + featuresSnapshot + " (ref 'demo-1')");
    assertThat(now.lines()).containsExactly("n", "10");
  }

  @Test
  void aWriteOutsideTheSandboxFailsWithTheEnginesMessage() {
    Path target = cli.warehouse().resolve("escape.csv");

    CliHarness.Result result = cli.run("sql", "-e", "COPY (SELECT 1) TO '" + target + "'");

    assertThat(result.exitCode()).isEqualTo(TracelakeCli.EXIT_FAILURE);
    assertThat(result.err())
        .startsWith(
            "error: COPY statements are not allowed: the SQL endpoint runs a single read-only"
                + " SELECT");
    assertThat(result.err()).doesNotContain("internal error").doesNotContain("Exception");
    assertThat(Files.exists(target)).isFalse();
  }

  @Test
  void anUnknownTableFailsNamingIt() {
    CliHarness.Result result = cli.run("sql", "-e", "SELECT * FROM demo.nothing_here");

    assertThat(result.exitCode()).isEqualTo(TracelakeCli.EXIT_FAILURE);
    assertThat(result.err()).startsWith("error: ").contains("demo.nothing_here");
  }

  @Test
  void tableOutputStopsAtTheRowCapWithANote() {
    CliHarness.Result result = cli.run("sql", "-e", "SELECT * FROM range(10)", "--max-rows", "4");

    assertThat(result.exitCode()).as("stderr: %s", result.err()).isZero();
    assertThat(result.out().lines()).hasSize(5);
    assertThat(result.err()).startsWith("first 4 rows shown, more not read");
  }

  @Test
  void aBadMaxRowsIsAUsageErrorNamingTheValue() {
    CliHarness.Result result = cli.run("sql", "-e", "SELECT 1", "--max-rows", "0");

    assertThat(result.exitCode()).isEqualTo(TracelakeCli.EXIT_USAGE);
    assertThat(result.err()).contains("--max-rows must be 1 or more, got 0");
  }

  @Test
  void aMissingWarehouseFailsNamingThePath() {
    CliHarness other = new CliHarness(dir.resolve("nowhere"));

    CliHarness.Result result = other.run("sql", "-e", "SELECT 1");

    assertThat(result.exitCode()).isEqualTo(TracelakeCli.EXIT_FAILURE);
    assertThat(result.err()).contains("No Tracelake warehouse at " + dir.resolve("nowhere"));
  }

  @Test
  void scriptOnStdinRunsEachStatementAndContinuesAfterAnError() {
    String script =
        String.join(
            "\n",
            "SELECT entity_id,",
            "       country",
            "  FROM demo.features",
            " WHERE entity_id = 3;",
            "SELECT no_such_column FROM demo.features;",
            "SELECT 'after error' AS note; SELECT 2 AS two;",
            "\\q",
            "SELECT 'never run' AS note;",
            "");

    CliHarness.Result result = withStdin(script, () -> cli.run("sql"));

    assertThat(result.exitCode()).isEqualTo(TracelakeCli.EXIT_FAILURE);
    assertThat(result.out()).contains("entity_id  country").contains("3          ");
    assertThat(result.out()).contains("after error").contains("two");
    assertThat(result.out()).doesNotContain("never run").doesNotContain(SqlRepl.PROMPT);
    assertThat(result.err()).contains("error: ").contains("no_such_column");
    assertThat(result.err().lines().filter(l -> l.startsWith("error: "))).hasSize(1);
    assertThat(result.err()).contains("1 row in ");
  }

  private static CliHarness.Result withStdin(
      String text, java.util.function.Supplier<CliHarness.Result> run) {
    InputStream stdin = System.in;
    System.setIn(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    try {
      return run.get();
    } finally {
      System.setIn(stdin);
    }
  }
}
