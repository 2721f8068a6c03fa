package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracelake.ingest.IngestConfig;
import dev.tracelake.ingest.TracelakeServer;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplainCommandTest {
  @TempDir Path dir;

  private CliHarness cli;
  private String predictionId;
  private String featureId;

  @BeforeEach
  void writeDemoData() throws Exception {
    cli = new CliHarness(dir.resolve("warehouse"));
    cli.json("demo", "--rows", "3");
    JsonNode first =
        cli.json(
                "sql",
                "-e",
                "SELECT _record_id, _lineage[1].record_id AS input FROM demo.predictions"
                    + " WHERE entity_id = 0")
            .get(0);
    predictionId = first.get("_record_id").asText();
    featureId = first.get("input").asText();
  }

  @Test
  void treeShowsTheRecordItsRunAndItsInputs() {
    String out = cli.ok("explain", "demo.predictions", predictionId);

    assertThat(out.lines().findFirst().orElseThrow())
        .startsWith("demo.predictions/" + predictionId + " @ snapshot ")
        .contains("model fraud v1");
    assertThat(out).contains("└── demo.features/" + featureId + " @ snapshot ");
    assertThat(out).contains("index current as of");
  }

  @Test
  void jsonNestsTheInputsAndKeepsStdoutMachineReadable() {
    CliHarness.Result result =
        cli.run("explain", "demo.predictions", predictionId, "--format", "json");

    assertThat(result.exitCode()).as("stderr: %s", result.err()).isZero();
    JsonNode record = result.json().get("record");
    assertThat(record.get("table").asText()).isEqualTo("demo.predictions");
    assertThat(record.get("recordId").asText()).isEqualTo(predictionId);
    assertThat(record.at("/provenance/modelName").asText()).isEqualTo("fraud");
    assertThat(record.at("/inputs/0/recordId").asText()).isEqualTo(featureId);
    assertThat(record.at("/inputs/0/values/country").isTextual()).isTrue();
    assertThat(result.err()).isEmpty();
  }

  @Test
  void everyReaderExplainsTheSameRows() {
    JsonNode byPages = cli.json("explain", "demo.predictions", predictionId).get("record");

    for (String reader : List.of("duckdb", "scan")) {
      JsonNode other =
          cli.json("explain", "demo.predictions", predictionId, "--explain-reader", reader)
              .get("record");
      assertThat(other).as("explained with %s", reader).isEqualTo(byPages);
    }
    assertThat(byPages.at("/inputs/0/values/country").isTextual()).isTrue();
  }

  @Test
  void depthZeroLeavesTheInputsOut() {
    JsonNode explained =
        cli.json("explain", "demo.predictions", predictionId, "--depth", "0").get("record");

    assertThat(explained.get("inputs")).isEmpty();
  }

  @Test
  void missingInputsArePrintedAfterTheTreeAndOnStderrForJson() {
    LineageFixtures.appendDecision(cli.warehouse(), "d-1", "demo.features", "ghost-17");

    String tree = cli.ok("explain", "audit.decisions", "d-1");
    CliHarness.Result json = cli.run("explain", "audit.decisions", "d-1", "--format", "json");

    assertThat(tree).contains("problems:").contains("ghost-17");
    assertThat(tree.indexOf("problems:")).isGreaterThan(tree.indexOf("audit.decisions/d-1"));
    assertThat(json.exitCode()).isZero();
    assertThat(json.json().at("/problems/0/message").asText()).contains("ghost-17");
    assertThat(json.err())
        .startsWith("problem: Record audit.decisions/d-1 lists input demo.features/ghost-17")
        .contains("never ingested");
  }

  @Test
  void anUnknownRecordFailsNamingTableAndId() {
    CliHarness.Result result = cli.run("explain", "demo.predictions", "no-such-id");

    assertThat(result.exitCode()).isEqualTo(TracelakeCli.EXIT_FAILURE);
    assertThat(result.err())
        .startsWith("error: Record demo.predictions/no-such-id was never ingested")
        .contains("table demo.predictions has no record with id no-such-id");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void aBadAsOfIsAUsageErrorNamingTheText() {
    CliHarness.Result result =
        cli.run("explain", "demo.predictions", predictionId, "--as-of", "yesterday");

    assertThat(result.exitCode()).isEqualTo(TracelakeCli.EXIT_USAGE);
    assertThat(result.err()).contains("--as-of must be an ISO-8601 time").contains("'yesterday'");
  }

  @Test
  void asOfBeforeTheRecordExistedFindsNoRecord() {
    CliHarness.Result result =
        cli.run("explain", "demo.predictions", predictionId, "--as-of", "2020-01-01");

    assertThat(result.exitCode()).isEqualTo(TracelakeCli.EXIT_FAILURE);
    assertThat(result.err())
        .contains("Record demo.predictions/" + predictionId)
        .contains("after the as-of time 2020-01-01T00:00:00Z");
  }

  @Test
  void serverModeAsksTheServer() throws Exception {
    try (Lake lake = Lake.open(LakeConfig.embedded(cli.warehouse()));
        TracelakeServer server =
            TracelakeServer.onNetty(lake, IngestConfig.defaults().withPort(0)).start()) {
      String target = "127.0.0.1:" + server.port();

      CliHarness.Result tree =
          CliHarness.runExactly("explain", "demo.predictions", predictionId, "--server", target);
      CliHarness.Result json =
          CliHarness.runExactly(
              "explain", "demo.predictions", predictionId, "--server", target, "--format", "json");
      CliHarness.Result unknown =
          CliHarness.runExactly("explain", "demo.predictions", "no-such-id", "--server", target);
      CliHarness.Result depth =
          CliHarness.runExactly(
              "explain", "demo.predictions", predictionId, "--server", target, "--depth", "1");

      assertThat(tree.exitCode()).as("stderr: %s", tree.err()).isZero();
      assertThat(tree.out())
          .startsWith("demo.predictions/" + predictionId)
          .contains("demo.features/" + featureId);
      assertThat(new ObjectMapper().readTree(json.out()).at("/record/inputs/0/recordId").asText())
          .isEqualTo(featureId);
      assertThat(unknown.exitCode()).isEqualTo(TracelakeCli.EXIT_FAILURE);
      assertThat(unknown.err())
          .startsWith("error: Record demo.predictions/no-such-id was never ingested");
      assertThat(depth.exitCode()).as("stderr: %s", depth.err()).isZero();
      assertThat(depth.out()).contains("demo.features/" + featureId);
      CliHarness.Result zero =
          CliHarness.runExactly(
              "explain", "demo.predictions", predictionId, "--server", target, "--depth", "0");
      assertThat(zero.exitCode()).isEqualTo(TracelakeCli.EXIT_USAGE);
      assertThat(zero.err()).contains("--depth must be at least 1 with --server");
    }
  }
}
