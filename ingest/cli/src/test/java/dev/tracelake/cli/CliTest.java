package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CliTest {
  @TempDir Path dir;
  private CliHarness cli;

  @BeforeEach
  void setUp() {
    cli = new CliHarness(dir.resolve("warehouse"));
  }

  private void loadPeople(String table) {
    cli.ok("load", table, TestFiles.people(dir, FileFormat.CSV).toString(), "--create");
  }

  @Test
  void tablesListsEveryTableAsJson() {
    loadPeople("demo.people");
    loadPeople("other.people");

    JsonNode tables = cli.json("tables");

    assertThat(tables.findValuesAsText("table")).containsExactly("demo.people", "other.people");
    JsonNode first = tables.get(0);
    assertThat(first.get("snapshots").asInt()).isEqualTo(1);
    assertThat(first.get("rows").asLong()).isEqualTo(3);
    assertThat(first.get("currentSnapshotId").asLong()).isEqualTo(cli.mainHead("demo.people"));
  }

  @Test
  void tablesPrintsAlignedColumns() {
    loadPeople("demo.people");
    long head = cli.mainHead("demo.people");

    String out = cli.ok("tables");

    assertThat(out)
        .isEqualTo(
            String.format(
                "TABLE        SNAPSHOTS  CURRENT SNAPSHOT%s  ROWS%n"
                    + "demo.people  1          %d  3%n",
                " ".repeat(Long.toString(head).length() - "CURRENT SNAPSHOT".length()), head));
  }

  @Test
  void emptyLakeHasNoTables() throws Exception {
    Files.createDirectories(cli.warehouse());

    assertThat(cli.json("tables")).isEmpty();
    assertThat(cli.ok("tables")).startsWith("No tables yet;");
  }

  @Test
  void snapshotsPrintProvenanceInColumns() {
    loadPeople("demo.people");

    String[] lines = cli.ok("snapshots", "demo.people").split("\n");

    assertThat(lines).hasSize(2);
    assertThat(lines[0])
        .startsWith("SNAPSHOT")
        .contains("PARENT", "COMMITTED AT", "OPERATION", "ADDED ROWS", "TOTAL ROWS")
        .endsWith("CODE COMMIT  MODEL  RUN ID  PRODUCER");
    assertThat(lines[1]).contains(" append ").endsWith("-            -      -       tracelake-cli");
    assertThat(lines[1].indexOf("append")).isEqualTo(lines[0].indexOf("OPERATION"));
  }

  @Test
  void describePrintsColumnsAndRefs() {
    loadPeople("demo.people");

    String out = cli.ok("describe", "demo.people");

    assertThat(out)
        .contains("TABLE      demo.people")
        .containsPattern("(?m)^1   id              long  +no        no        -$")
        .contains(
            "list<struct<table: required string, record_id: required string, snapshot_id:"
                + " long>>")
        .containsPattern("(?m)^main  branch  \\d+$");
  }

  @ParameterizedTest
  @ValueSource(strings = {"describe", "snapshots", "refs"})
  void unknownTableFailsWithExitCodeOne(String command) {
    loadPeople("demo.people");

    CliHarness.Result result = cli.run(command, "demo.nope");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("error: Table demo.nope does not exist; tables: [demo.people]\n");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void stackTraceOnlyWithVerbose() {
    loadPeople("demo.people");

    CliHarness.Result quiet = cli.run("describe", "demo.nope");
    CliHarness.Result verbose = cli.run("describe", "demo.nope", "--verbose");

    assertThat(quiet.err()).doesNotContain("\tat ");
    assertThat(verbose.exitCode()).isEqualTo(1);
    assertThat(verbose.err())
        .startsWith("error: Table demo.nope does not exist")
        .contains("dev.tracelake.lake.LakeException: Table demo.nope does not exist")
        .contains("\tat dev.tracelake.");
  }

  @Test
  void missingWarehouseIsReportedAndNotCreated() {
    CliHarness.Result result = cli.run("tables");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "error: No Tracelake warehouse at "
                + cli.warehouse()
                + "; pass --warehouse <dir> (or set TRACELAKE_WAREHOUSE), or create one with"
                + " 'tracelake demo' or 'tracelake load --create'\n");
    assertThat(cli.warehouse()).doesNotExist();
  }

  @Test
  void unknownOptionIsAUsageErrorWithExitCodeTwo() {
    CliHarness.Result result = cli.run("tables", "--bogus");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .startsWith("error: Unknown option: '--bogus'\n")
        .endsWith("Run 'tracelake tables --help' for usage.\n");
  }

  @Test
  void unknownSubcommandIsAUsageError() {
    CliHarness.Result result = cli.run("tabels");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).startsWith("error: Unmatched argument").contains("tables");
  }

  @Test
  void invalidTableNameIsAUsageError() {
    CliHarness.Result result = cli.run("describe", "a.b.c");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .startsWith(
            "error: Invalid value for positional parameter at index 0 (<table>): Invalid table"
                + " name 'a.b.c': use 'name' or 'namespace.name' (one dot at most)\n");
  }

  @Test
  void catalogUriMustBeAJdbcUrl() {
    CliHarness.Result result = cli.run("tables", "--catalog-uri", "postgres://db/lake");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .startsWith(
            "error: Catalog URI must be a JDBC URL (jdbc:sqlite:... or jdbc:postgresql://...),"
                + " got postgres://db/lake\n");
  }

  @Test
  void unknownFormatIsAUsageError() {
    CliHarness.Result result = cli.run("tables", "--format", "yaml");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).startsWith("error: Invalid value for option '--format'");
  }

  @Test
  void formatIsCaseInsensitive() {
    loadPeople("demo.people");

    CliHarness.Result result = cli.run("refs", "demo.people", "--format", "JSON");

    assertThat(result.exitCode()).isZero();
    assertThat(result.json().get(0).get("name").asText()).isEqualTo("main");
  }

  @Test
  void helpListsTheSubcommands() {
    CliHarness.Result help = CliHarness.runExactly("--help");

    assertThat(help.exitCode()).isZero();
    assertThat(help.out())
        .startsWith("Usage: tracelake [-hV] [COMMAND]")
        .contains(
            "tables", "describe", "snapshots", "refs", "tag", "branch", "publish", "load", "demo");
  }

  @Test
  void noSubcommandPrintsUsageAndIsAUsageError() {
    CliHarness.Result none = CliHarness.runExactly();

    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).startsWith("Usage: tracelake [-hV] [COMMAND]");
    assertThat(none.out()).isEmpty();
  }

  @Test
  void subcommandHelpShowsTheGlobalOptions() {
    CliHarness.Result help = CliHarness.runExactly("load", "--help");

    assertThat(help.exitCode()).isZero();
    assertThat(help.out())
        .contains("--warehouse=<dir>", "--catalog-uri=<jdbc-url>", "--format=table|json")
        .contains("--create", "--branch=<branch>", "--model=<name:version>");
  }
}
