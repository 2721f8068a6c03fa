package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class LoadCommandTest {
  private static final String TABLE = "demo.people";

  @TempDir Path dir;
  private CliHarness cli;

  @BeforeEach
  void setUp() {
    cli = new CliHarness(dir.resolve("warehouse"));
  }

  @ParameterizedTest
  @EnumSource(FileFormat.class)
  void loadWithCreateMakesTheTableFromTheFileColumns(FileFormat format) {
    Path file = TestFiles.people(dir, format);

    CliHarness.Result load =
        cli.run(
            "load",
            TABLE,
            file.toString(),
            "--create",
            "--code-commit",
            "abc123",
            "--model",
            "fraud:v3",
            "--run-id",
            "run-7",
            "--producer",
            "tests");

    assertThat(load.exitCode()).as(load.err()).isZero();
    assertThat(load.out())
        .contains("Created table demo.people from the columns of " + file)
        .contains("Loaded 3 rows from " + file + " into demo.people (branch main) as snapshot ");
    assertThat(load.err()).isEmpty();

    JsonNode table = cli.json("describe", TABLE);
    assertThat(table.get("table").asText()).isEqualTo(TABLE);
    assertThat(table.get("location").asText()).startsWith("file:").endsWith("/demo/people");
    List<String> columns = table.get("columns").findValuesAsText("name");
    assertThat(columns.subList(0, 4)).containsExactly("id", "name", "score", "_record_id");
    assertThat(columns).contains("_ingested_at", "_lineage");
    JsonNode id = table.get("columns").get(0);
    assertThat(id.get("fieldId").asInt()).isEqualTo(1);
    assertThat(id.get("type").asText()).isEqualTo("long");
    assertThat(id.get("required").asBoolean()).isFalse();
    assertThat(id.get("metadata").asBoolean()).isFalse();
    assertThat(table.get("columns").get(1).get("type").asText()).isEqualTo("string");
    assertThat(table.get("columns").get(2).get("type").asText()).isEqualTo("double");
    assertThat(table.get("columns").get(3).get("metadata").asBoolean()).isTrue();
    assertThat(table.get("currentSnapshot").get("totalRows").asLong()).isEqualTo(3);
    assertThat(table.get("refs").get(0).get("name").asText()).isEqualTo("main");

    JsonNode snapshots = cli.json("snapshots", TABLE);
    assertThat(snapshots).hasSize(1);
    JsonNode snapshot = snapshots.get(0);
    assertThat(snapshot.get("snapshotId").asLong())
        .isEqualTo(table.get("currentSnapshot").get("snapshotId").asLong());
    assertThat(snapshot.get("parentId").isNull()).isTrue();
    assertThat(snapshot.get("operation").asText()).isEqualTo("append");
    assertThat(snapshot.get("addedRows").asLong()).isEqualTo(3);
    assertThat(snapshot.get("totalRows").asLong()).isEqualTo(3);
    assertThat(snapshot.get("codeCommit").asText()).isEqualTo("abc123");
    assertThat(snapshot.get("modelName").asText()).isEqualTo("fraud");
    assertThat(snapshot.get("modelVersion").asText()).isEqualTo("v3");
    assertThat(snapshot.get("runId").asText()).isEqualTo("run-7");
    assertThat(snapshot.get("producer").asText()).isEqualTo("tests");

    List<Map<String, Object>> rows =
        LakeRows.read(cli.warehouse(), TABLE, scan -> scan.select("id", "name", "score"));
    assertThat(rows)
        .containsExactlyInAnyOrder(
            Map.of("id", 1L, "name", "ann", "score", 1.5),
            Map.of("id", 2L, "name", "bob", "score", 2.5),
            Map.of("id", 3L, "name", "cy", "score", 3.5));
  }

  @Test
  void loadIntoAnExistingTableAppendsExactlyOneSnapshot() {
    cli.ok("load", TABLE, TestFiles.people(dir, FileFormat.CSV).toString(), "--create");
    long first = cli.mainHead(TABLE);
    // more rows than one Arrow batch, so the append gets several write calls
    Path big = TestFiles.text(dir, "big.csv", TestFiles.peopleCsv(100, 20_000));

    JsonNode load = cli.json("load", TABLE, big.toString());

    assertThat(load.get("created").asBoolean()).isFalse();
    assertThat(load.get("rows").asLong()).isEqualTo(20_000);
    assertThat(load.get("branch").asText()).isEqualTo("main");
    assertThat(load.get("format").asText()).isEqualTo("csv");
    JsonNode snapshots = cli.json("snapshots", TABLE);
    assertThat(snapshots).hasSize(2);
    JsonNode second = snapshots.get(1);
    assertThat(second.get("snapshotId").asLong()).isEqualTo(load.get("snapshotId").asLong());
    assertThat(second.get("parentId").asLong()).isEqualTo(first);
    assertThat(second.get("addedRows").asLong()).isEqualTo(20_000);
    assertThat(second.get("totalRows").asLong()).isEqualTo(20_003);
    assertThat(second.get("producer").asText()).isEqualTo("tracelake-cli");
  }

  @Test
  void columnsAreCastToTheTableTypesNotTheSniffedOnes() {
    cli.ok("load", TABLE, TestFiles.people(dir, FileFormat.CSV).toString(), "--create");
    // sniffed as BIGINT scores and VARCHAR ids; the table says double and long
    Path ints = TestFiles.text(dir, "ints.csv", "id,score\n4,7\n5,8\n");
    Path strings =
        TestFiles.parquet(dir, "strings.parquet", "SELECT '6' AS id, 'dee' AS name, 9 AS score");

    cli.ok("load", TABLE, ints.toString());
    cli.ok("load", TABLE, strings.toString());

    List<Map<String, Object>> rows =
        LakeRows.read(
            cli.warehouse(),
            TABLE,
            scan -> scan.select("id", "score").filter(dev.tracelake.lake.Filter.gt("id", 3L)));
    assertThat(rows)
        .containsExactlyInAnyOrder(
            Map.of("id", 4L, "score", 7.0),
            Map.of("id", 5L, "score", 8.0),
            Map.of("id", 6L, "score", 9.0));
  }

  static Stream<Arguments> malformedCsv() {
    return Stream.of(
        Arguments.of(
            "id,name,score\n1,a,1.5\n2,b,2.5\n3,c\n4,d,4.0\n",
            4,
            "2 fields, but the header has 3 (id, name, score) (line: 3,c)"),
        Arguments.of(
            "id,name,score\n1,a,1.5\n2,b,2.5,9\n4,d,4.0\n",
            3,
            "4 fields, but the header has 3 (id, name, score) (line: 2,b,2.5,9)"),
        Arguments.of(
            "id,name,score\n1,a,1.5\n2,\"b,2.5\n4,d,4.0\n", 3, "a quoted field is never closed"),
        Arguments.of("a,b\n1\n1,2,3\n", 2, "1 field, but the header has 2 (a, b) (line: 1)"),
        Arguments.of(
            "id,name,score\n1,a,1.5\n2,b,2.5\n3,c,3.5,x\n", 4, "4 fields, but the header has 3"),
        Arguments.of(
            "id,name,score\n1,a,1.5\n2,b,high\n",
            3,
            "Error when converting column \"score\". Could not convert string \"high\" to"
                + " 'DOUBLE' (line: 2,b,high)"));
  }

  @ParameterizedTest
  @MethodSource("malformedCsv")
  void malformedCsvLineFailsNamingTheLineAndCommitsNothing(
      String content, int line, String reason) {
    cli.ok("load", TABLE, TestFiles.people(dir, FileFormat.CSV).toString(), "--create");
    long filesBefore = cli.parquetFiles();
    Path bad = TestFiles.text(dir, "bad.csv", content);

    CliHarness.Result load = cli.run("load", TABLE, bad.toString());

    assertThat(load.exitCode()).isEqualTo(1);
    assertThat(load.err())
        .startsWith("error: Cannot read " + bad + ": line " + line + ": ")
        .contains(reason)
        .doesNotContain("\tat ");
    assertThat(load.out()).isEmpty();
    assertThat(cli.snapshotCount(TABLE)).isEqualTo(1);
    assertThat(cli.parquetFiles()).isEqualTo(filesBefore);
  }

  @Test
  void raggedCsvWithCreateFailsOnItsFirstShortLineAndMakesNoTable() {
    // DuckDB's sniffer would take "1,2,3" for the header and drop the short row
    Path ragged = TestFiles.text(dir, "ragged.csv", "a,b\n1\n1,2,3\n");

    CliHarness.Result load = cli.run("load", TABLE, ragged.toString(), "--create");

    assertThat(load.exitCode()).isEqualTo(1);
    assertThat(load.err())
        .isEqualTo(
            "error: Cannot read "
                + ragged
                + ": line 2: 1 field, but the header has 2 (a, b) (line: 1)\n");
    assertThat(cli.json("tables")).isEmpty();
    assertThat(cli.parquetFiles()).isZero();
  }

  @Test
  void binaryGarbageNamedCsvFailsNamingTheLineAndCommitsNothing() throws Exception {
    Path garbage = dir.resolve("garbage.csv");
    byte[] bytes = new byte[4096];
    new java.util.Random(15).nextBytes(bytes);
    java.nio.file.Files.write(garbage, bytes);

    CliHarness.Result load = cli.run("load", TABLE, garbage.toString(), "--create");

    assertThat(load.exitCode()).isEqualTo(1);
    assertThat(load.err())
        .startsWith("error: Cannot read " + garbage + ": line ")
        .containsAnyOf("not valid UTF-8 text", "NUL byte")
        .doesNotContain("Input length");
    assertThat(cli.json("tables")).isEmpty();
  }

  @Test
  void binaryGarbageNamedJsonlFailsNamingTheLine() throws Exception {
    Path garbage = dir.resolve("garbage.jsonl");
    byte[] bytes = new byte[4096];
    new java.util.Random(16).nextBytes(bytes);
    java.nio.file.Files.write(garbage, bytes);

    CliHarness.Result load = cli.run("load", TABLE, garbage.toString(), "--create");

    assertThat(load.exitCode()).isEqualTo(1);
    assertThat(load.err())
        .startsWith("error: Cannot read " + garbage)
        .doesNotContain("Input length");
    assertThat(cli.json("tables")).isEmpty();
  }

  @Test
  void malformedCsvLineAfterManyGoodOnesDiscardsWhatWasWritten() {
    cli.ok("load", TABLE, TestFiles.people(dir, FileFormat.CSV).toString(), "--create");
    long filesBefore = cli.parquetFiles();
    // beyond DuckDB's sniffing sample, so the error comes while batches are being appended
    Path bad =
        TestFiles.text(dir, "late.csv", TestFiles.peopleCsv(10, 30_000) + "30010,late,oops\n");

    CliHarness.Result load = cli.run("load", TABLE, bad.toString());

    assertThat(load.exitCode()).isEqualTo(1);
    assertThat(load.err())
        .startsWith("error: Cannot read " + bad + ": line 30002: ")
        .contains("Could not convert string \"oops\" to 'DOUBLE'");
    assertThat(cli.snapshotCount(TABLE)).isEqualTo(1);
    assertThat(cli.parquetFiles()).isEqualTo(filesBefore);
  }

  static Stream<Arguments> malformedJsonl() {
    String good = "{\"id\": 9, \"name\": \"z\", \"score\": 1.0}\n";
    return Stream.of(
        Arguments.of(
            good + "{\"id\": 10, \"name\": \"y\"\n" + good,
            2,
            "malformed JSON at column 23: Unexpected end-of-input"),
        Arguments.of(good + good + "this is not json\n" + good, 3, "malformed JSON"),
        Arguments.of(good + "[1, 2]\n" + good, 2, "expected a JSON object, got an array"),
        Arguments.of(
            good + "{\"id\": \"ten\", \"name\": \"y\", \"score\": 2.0}\n",
            2,
            "Failed to cast value to numerical: \"ten\""),
        Arguments.of(
            good.repeat(25_000) + "{\"id\": 11,\n",
            25_001,
            "malformed JSON at column 11: Unexpected end-of-input"));
  }

  @ParameterizedTest
  @MethodSource("malformedJsonl")
  void malformedJsonLineFailsNamingTheLineAndCommitsNothing(
      String content, int line, String reason) {
    cli.ok("load", TABLE, TestFiles.people(dir, FileFormat.JSONL).toString(), "--create");
    long filesBefore = cli.parquetFiles();
    Path bad = TestFiles.text(dir, "bad.jsonl", content);

    CliHarness.Result load = cli.run("load", TABLE, bad.toString());

    assertThat(load.exitCode()).isEqualTo(1);
    assertThat(load.err())
        .startsWith("error: Cannot read " + bad + ": line " + line + ": ")
        .contains(reason);
    assertThat(cli.snapshotCount(TABLE)).isEqualTo(1);
    assertThat(cli.parquetFiles()).isEqualTo(filesBefore);
  }

  @Test
  void malformedFileWithCreateLeavesNoTable() {
    Path bad = TestFiles.text(dir, "bad.csv", "id,name\n1,a\n2\n");

    CliHarness.Result load = cli.run("load", TABLE, bad.toString(), "--create");

    assertThat(load.exitCode()).isEqualTo(1);
    assertThat(load.err())
        .startsWith("error: Cannot read " + bad + ": line 3: 1 field, but the header has 2");
    assertThat(cli.json("tables")).isEmpty();
  }

  @Test
  void malformedLineAfterTheSampleWithCreateLeavesTheNewTableEmpty() {
    Path bad =
        TestFiles.text(dir, "late.csv", TestFiles.peopleCsv(10, 30_000) + "30010,late,oops\n");

    CliHarness.Result load = cli.run("load", TABLE, bad.toString(), "--create");

    assertThat(load.exitCode()).isEqualTo(1);
    assertThat(load.err())
        .startsWith("error: Cannot read " + bad + ": line 30002: ")
        .endsWith("; table demo.people was created by this load and is left empty\n");
    assertThat(cli.snapshotCount(TABLE)).isZero();
    assertThat(cli.parquetFiles()).isZero();
  }

  @Test
  void pathThatDuckDbWouldReadAsAPatternIsRefused() {
    TestFiles.text(dir, "a1.csv", TestFiles.PEOPLE_CSV);
    Path bracketed = TestFiles.text(dir, "a[1].csv", TestFiles.PEOPLE_CSV);

    CliHarness.Result load = cli.run("load", TABLE, bracketed.toString(), "--create");

    assertThat(load.exitCode()).isEqualTo(1);
    assertThat(load.err())
        .isEqualTo(
            "error: Cannot load "
                + bracketed
                + ": DuckDB reads a path holding *, ? or [ as a pattern of file names; rename the"
                + " file or copy it to a plain name\n");
  }

  @Test
  void directoryIsNotAFile() throws Exception {
    Path directory = java.nio.file.Files.createDirectories(dir.resolve("folder.csv"));

    CliHarness.Result load = cli.run("load", TABLE, directory.toString(), "--create");

    assertThat(load.exitCode()).isEqualTo(1);
    assertThat(load.err()).isEqualTo("error: " + directory + " is not a file\n");
  }

  @Test
  void fileColumnMissingFromTheTableFailsNamingColumnAndTable() {
    cli.ok("load", TABLE, TestFiles.people(dir, FileFormat.CSV).toString(), "--create");
    Path wider = TestFiles.text(dir, "wider.csv", "id,name,country\n4,dee,NL\n");

    CliHarness.Result load = cli.run("load", TABLE, wider.toString());

    assertThat(load.exitCode()).isEqualTo(1);
    assertThat(load.err())
        .isEqualTo(
            "error: Column 'country' of "
                + wider
                + " is not in table demo.people; its columns are [id, name, score]\n");
    assertThat(cli.snapshotCount(TABLE)).isEqualTo(1);
  }

  @Test
  void loadWithoutCreateIntoAMissingTableFailsNamingIt() {
    cli.ok("load", TABLE, TestFiles.people(dir, FileFormat.CSV).toString(), "--create");
    Path file = TestFiles.people(dir, FileFormat.JSONL);

    CliHarness.Result load = cli.run("load", "demo.missing", file.toString());

    assertThat(load.exitCode()).isEqualTo(1);
    assertThat(load.err())
        .isEqualTo(
            "error: Table demo.missing does not exist; add --create to create it from the"
                + " columns of "
                + file
                + " (tables: [demo.people])\n");
  }

  @Test
  void loadWithoutCreateDoesNotMakeAWarehouse() {
    Path file = TestFiles.people(dir, FileFormat.CSV);

    CliHarness.Result load = cli.run("load", TABLE, file.toString());

    assertThat(load.exitCode()).isEqualTo(1);
    assertThat(load.err()).startsWith("error: No Tracelake warehouse at " + cli.warehouse());
    assertThat(cli.warehouse()).doesNotExist();
  }

  @Test
  void fileThatDoesNotExistFailsNamingIt() {
    Path missing = dir.resolve("missing.csv");

    CliHarness.Result load = cli.run("load", TABLE, missing.toString(), "--create");

    assertThat(load.exitCode()).isEqualTo(1);
    assertThat(load.err()).isEqualTo("error: File " + missing + " does not exist\n");
  }

  @Test
  void unknownExtensionFailsNamingTheFile() {
    Path text = TestFiles.text(dir, "people.txt", TestFiles.PEOPLE_CSV);

    CliHarness.Result load = cli.run("load", TABLE, text.toString(), "--create");

    assertThat(load.exitCode()).isEqualTo(1);
    assertThat(load.err())
        .isEqualTo(
            "error: Cannot tell the format of "
                + text
                + " from its name: load reads .parquet, .csv and .jsonl files\n");
  }

  @Test
  void corruptParquetFailsNamingTheFile() {
    Path corrupt = TestFiles.text(dir, "corrupt.parquet", "this is not parquet");

    CliHarness.Result load = cli.run("load", TABLE, corrupt.toString(), "--create");

    assertThat(load.exitCode()).isEqualTo(1);
    assertThat(load.err()).startsWith("error: Cannot read " + corrupt + " as parquet: ");
  }

  @Test
  void headerOnlyCsvCreatesTheTableAndCommitsNothing() {
    Path empty = TestFiles.text(dir, "empty.csv", "id,name,score\n");

    CliHarness.Result load = cli.run("load", TABLE, empty.toString(), "--create");

    assertThat(load.exitCode()).as(load.err()).isZero();
    assertThat(load.out()).contains(empty + " has no rows; nothing was committed.");
    assertThat(cli.snapshotCount(TABLE)).isZero();
    assertThat(cli.json("describe", TABLE).get("columns").get(0).get("name").asText())
        .isEqualTo("id");
  }

  @Test
  void modelMustBeNameColonVersion() {
    Path file = TestFiles.people(dir, FileFormat.CSV);

    CliHarness.Result load = cli.run("load", TABLE, file.toString(), "--create", "--model", "v3");

    assertThat(load.exitCode()).isEqualTo(2);
    assertThat(load.err())
        .startsWith(
            "error: Invalid value for option '--model': expected name:version (e.g. fraud:v3),"
                + " got 'v3'");
  }

  @Test
  void writerSuppliedRecordIdsAndLineageAreKept() {
    Path file =
        TestFiles.text(
            dir,
            "scored.jsonl",
            """
            {"id": 1, "_record_id": "r-1", "_lineage": [{"table": "demo.src", "record_id": "s-9", "snapshot_id": 42}]}
            {"id": 2, "_record_id": "r-2", "_lineage": []}
            """);

    cli.ok("load", "demo.scored", file.toString(), "--create");

    List<String> columns =
        cli.json("describe", "demo.scored").get("columns").findValuesAsText("name");
    assertThat(columns.get(0)).isEqualTo("id");
    assertThat(columns.get(1)).isEqualTo("_record_id");
    List<Map<String, Object>> rows =
        LakeRows.read(
            cli.warehouse(), "demo.scored", scan -> scan.select("id", "_record_id", "_lineage"));
    assertThat(rows)
        .containsExactlyInAnyOrder(
            Map.of(
                "id",
                1L,
                "_record_id",
                "r-1",
                "_lineage",
                List.of(Map.of("table", "demo.src", "record_id", "s-9", "snapshot_id", 42L))),
            Map.of("id", 2L, "_record_id", "r-2", "_lineage", List.of()));
  }

  @Test
  void loadToABranchThatDoesNotExistFailsNamingIt() {
    cli.ok("load", TABLE, TestFiles.people(dir, FileFormat.CSV).toString(), "--create");

    CliHarness.Result load =
        cli.run(
            "load", TABLE, TestFiles.people(dir, FileFormat.JSONL).toString(), "--branch", "audit");

    assertThat(load.exitCode()).isEqualTo(1);
    assertThat(load.err())
        .isEqualTo("error: Table demo.people has no branch 'audit'; branches: [main]\n");
    assertThat(cli.snapshotCount(TABLE)).isEqualTo(1);
  }
}
