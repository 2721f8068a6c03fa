package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lineage commands ask a running server when there is one (issue 16, part 4): found through the
 * note {@code tracelake serve} leaves in its warehouse, or named with {@code --server}; the answers
 * are the embedded ones; a note of a dead server is ignored; a start that matches nothing warns and
 * exits 1 either way.
 */
class LineageServerModeTest {
  @TempDir Path dir;

  private CliHarness cli;
  private String prediction;

  @BeforeEach
  void writeDemoData() {
    cli = new CliHarness(dir.resolve("warehouse"));
    cli.json("demo", "--rows", "4");
    prediction =
        cli.json("sql", "-e", "SELECT _record_id FROM demo.predictions ORDER BY _record_id")
            .get(0)
            .get("_record_id")
            .asText();
  }

  @Test
  void explainImpactAndReindexAskTheServerServingTheWarehouse() throws Exception {
    String embeddedExplain =
        cli.ok("explain", "demo.predictions", prediction, "--format", "json", "--embedded");
    String embeddedImpact = cli.ok("lineage", "impact", "--model", "fraud:v1", "--embedded");
    RunningServe serve =
        RunningServe.start(
            "--warehouse",
            cli.warehouse().toString(),
            "--port",
            "0",
            "--openlineage-port",
            "-1",
            "--metrics-port",
            "-1");
    try {
      int port = serve.grpcPort();
      Path note = cli.warehouse().resolve(ServerAdvert.FILE);
      assertThat(Files.readString(note)).contains("address=127.0.0.1\\:" + port);

      String viaServer = cli.ok("explain", "demo.predictions", prediction, "--format", "json");
      CliHarness.Result reindex = cli.run("lineage", "reindex");
      String impact = cli.ok("lineage", "impact", "--model", "fraud:v1");
      CliHarness.Result unknown = cli.run("lineage", "impact", "--model", "churn:v9");

      assertThat(withoutFreshness(viaServer)).isEqualTo(withoutFreshness(embeddedExplain));
      assertThat(reindex.exitCode()).isZero();
      assertThat(reindex.out()).contains("Lineage index of the server at 127.0.0.1:" + port);
      assertThat(lines(impact)).isEqualTo(lines(embeddedImpact));
      assertThat(unknown.exitCode()).isEqualTo(TracelakeCli.EXIT_FAILURE);
      assertThat(unknown.err()).contains("warning: model churn v9 matches no record");
      assertThat(unknown.out()).contains("No record of model churn v9");
    } finally {
      serve.stop();
    }
    assertThat(cli.warehouse().resolve(ServerAdvert.FILE)).doesNotExist();
    // the embedded lake answers again
    CliHarness.Result after = cli.run("lineage", "reindex");
    assertThat(after.out()).startsWith("TABLE");
  }

  @Test
  void aNoteLeftByADeadServerIsIgnoredAndAnExplicitServerMustAnswer() throws Exception {
    Files.writeString(
        cli.warehouse().resolve(ServerAdvert.FILE),
        "address=127.0.0.1:1\npid=" + Long.MAX_VALUE + "\n");

    CliHarness.Result stale = cli.run("explain", "demo.predictions", prediction);
    CliHarness.Result explicit =
        cli.run("explain", "demo.predictions", prediction, "--server", "127.0.0.1:1");
    CliHarness.Result unknownOffline = cli.run("lineage", "impact", "--run", "no-such-run");

    assertThat(stale.exitCode()).isZero();
    assertThat(stale.out()).contains(prediction);
    assertThat(explicit.exitCode()).isEqualTo(TracelakeCli.EXIT_FAILURE);
    assertThat(explicit.err()).contains("127.0.0.1:1").contains("UNAVAILABLE");
    assertThat(unknownOffline.exitCode()).isEqualTo(TracelakeCli.EXIT_FAILURE);
    assertThat(unknownOffline.err()).contains("warning: run no-such-run matches no record");
  }

  /** The JSON answer less how current the index was (the moment it was checked differs). */
  private static com.fasterxml.jackson.databind.JsonNode withoutFreshness(String json)
      throws java.io.IOException {
    var node =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
    node.remove("freshness");
    return node;
  }

  /** The lines of an answer but the last (how current the index was). */
  private static java.util.List<String> lines(String text) {
    java.util.List<String> lines = new java.util.ArrayList<>(text.lines().toList());
    lines.removeIf(
        l -> l.startsWith("Index ") || l.contains("index checked") || l.contains("current"));
    return lines;
  }
}
