package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracelake.client.TracelakeClient;
import dev.tracelake.example.ExampleProducer;
import dev.tracelake.ingest.IngestConfig;
import dev.tracelake.ingest.TracelakeServer;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.ScanBatches;
import dev.tracelake.lake.TableName;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracelake replay} against a real server and the embedded lake: the example's fraud v4
 * candidate replayed over fraud v3's predictions compares as computed here from both models, in
 * table, JSON and CSV, the same through a server as embedded; create, status, list, publish and
 * drop from the command line.
 */
class ReplayCommandTest {
  static final int COUNT = 250;

  @TempDir Path warehouse;
  private Lake lake;
  private TracelakeServer server;
  private TracelakeClient client;
  private CliHarness cli;
  private String address;

  @BeforeEach
  void writeProduction() {
    lake = Lake.open(LakeConfig.embedded(warehouse));
    server =
        TracelakeServer.onNetty(
                lake, IngestConfig.defaults().withPort(0).withCommitInterval(Duration.ofMillis(50)))
            .start();
    address = "127.0.0.1:" + server.port();
    client = TracelakeClient.connect(address);
    cli = new CliHarness(warehouse);
    ExampleProducer.run(client, COUNT, quiet());
  }

  @AfterEach
  void stop() {
    client.close();
    server.stop();
    lake.close();
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }

  @Test
  void theExampleCandidateComparesAsComputedFromBothModels() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    ExampleProducer.replay(
        client, "v4-trial", new PrintStream(printed, true, StandardCharsets.UTF_8));
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("replay v4-trial: " + COUNT + " fraud v3 predictions of fraud.predictions")
        .contains("wrote " + COUNT + " predictions in 1 batches to branch replay/v4-trial")
        .contains("tracelake replay compare v4-trial");

    JsonNode viaServer =
        cli.json("replay", "compare", "v4-trial", "--server", address, "--pairs", "50");
    JsonNode embedded = cli.json("replay", "compare", "v4-trial", "--embedded", "--pairs", "50");

    assertThat(embedded).isEqualTo(viaServer);
    Expected expected = expected();
    JsonNode counts = viaServer.get("counts");
    assertThat(counts.get("productionOutputs").asLong()).isEqualTo(COUNT);
    assertThat(counts.get("candidateOutputs").asLong()).isEqualTo(COUNT);
    assertThat(counts.get("matched").asLong()).isEqualTo(COUNT);
    assertThat(counts.get("onlyProduction").asLong()).isZero();
    assertThat(counts.get("onlyCandidate").asLong()).isZero();
    JsonNode score = column(viaServer, "fraud_score");
    assertThat(score.get("kind").asText()).isEqualTo("numeric");
    assertThat(score.get("differing").asLong()).isEqualTo(expected.scoresDiffering);
    assertThat(score.get("maxAbsDelta").asDouble())
        .isCloseTo(expected.maxAbsDelta, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(score.get("meanAbsDelta").asDouble())
        .isCloseTo(expected.meanAbsDelta, org.assertj.core.data.Offset.offset(1e-9));
    Map<String, Long> confusion = new TreeMap<>();
    column(viaServer, "decision")
        .get("confusion")
        .forEach(
            p ->
                confusion.put(
                    p.get("production").asText() + "->" + p.get("candidate").asText(),
                    p.get("count").asLong()));
    assertThat(confusion).isEqualTo(expected.decisions);
    assertThat(column(viaServer, "user_id").get("differing").asLong()).isZero();

    String csv =
        cli.ok(
            "replay",
            "compare",
            "v4-trial",
            "--server",
            address,
            "--format",
            "csv",
            "--pairs",
            "50");
    List<String> lines = csv.lines().toList();
    assertThat(lines.get(0))
        .isEqualTo("group,metric,column,production_value,candidate_value,value");
    assertThat(lines)
        .contains(",matched,,,," + COUNT, ",differing,fraud_score,,," + expected.scoresDiffering);
    expected.decisions.forEach(
        (pair, n) -> {
          String[] values = pair.split("->");
          assertThat(lines).contains(",pair,decision," + values[0] + "," + values[1] + "," + n);
        });

    String table =
        cli.ok("replay", "compare", "v4-trial", "--group-by", "day", "--server", address);
    assertThat(table)
        .contains("Replay v4-trial: fraud.predictions model fraud:v3 at snapshot")
        .contains("matched cases")
        .contains("DECISION (PRODUCTION)")
        .contains("DAY");
    JsonNode byDay = cli.json("replay", "compare", "v4-trial", "--group-by", "day", "--embedded");
    assertThat(byDay.get("groups")).hasSize(1);
    assertThat(byDay.get("groups").get(0).get("counts").get("matched").asLong()).isEqualTo(COUNT);
  }

  @Test
  void createStatusListPublishAndDropFromTheCommandLine() {
    JsonNode created =
        cli.json(
            "replay",
            "create",
            "late",
            "--table",
            "fraud.predictions",
            "--model",
            "fraud:v3",
            "--candidate",
            "fraud:v5",
            "--candidate-commit",
            "abc5",
            "--batch-cases",
            "100",
            "--embedded");
    CliHarness.Result again =
        cli.run(
            "replay",
            "create",
            "late",
            "--table",
            "fraud.predictions",
            "--model",
            "fraud:v3",
            "--candidate",
            "fraud:v5",
            "--candidate-commit",
            "abc5",
            "--batch-cases",
            "100",
            "--server",
            address);

    assertThat(created.get("replayId").asText()).isEqualTo("late");
    assertThat(created.get("cases").asLong()).isEqualTo(COUNT);
    assertThat(created.get("batches").asLong()).isEqualTo(3);
    assertThat(created.get("state").asText()).isEqualTo("CREATED");
    assertThat(created.get("branch").asText()).isEqualTo("replay/late");
    assertThat(created.get("candidate").get("runId").asText()).isEqualTo("replay-late");
    assertThat(again.exitCode()).isZero();
    assertThat(again.out()).contains("Replay late exists with this definition; unchanged");

    JsonNode status = cli.json("replay", "status", "late", "--server", address);
    assertThat(status.get("state").asText()).isEqualTo("CREATED");
    String list = cli.ok("replay", "list", "--format", "csv", "--embedded");
    assertThat(list.lines().toList().get(0))
        .startsWith("replay,table,slice,candidate,branch,state");
    assertThat(list)
        .contains(
            "late,fraud.predictions,model fraud:v3,fraud:v5@abc5,replay/late,CREATED,0,3,250");

    CliHarness.Result early = cli.run("replay", "publish", "late", "--server", address);
    assertThat(early.exitCode()).isEqualTo(TracelakeCli.EXIT_FAILURE);
    assertThat(early.err()).contains("Replay late has committed 0 of 3 batches");

    CliHarness.Result dropped = cli.run("replay", "drop", "late", "--server", address);
    assertThat(dropped.exitCode()).isZero();
    assertThat(dropped.out()).contains("Dropped replay late (branch replay/late)");
    assertThat(lake.table(TableName.parse("fraud.predictions")).refs())
        .noneMatch(r -> r.name().equals("replay/late"));

    long mainBefore = cli.mainHead("fraud.predictions");
    ExampleProducer.replay(client, "v4", quiet());
    assertThat(cli.mainHead("fraud.predictions")).isEqualTo(mainBefore);
    JsonNode published = cli.json("replay", "publish", "v4", "--embedded");
    assertThat(published.get("state").asText()).isEqualTo("PUBLISHED");
    assertThat(cli.mainHead("fraud.predictions"))
        .isEqualTo(published.get("branchSnapshotId").asLong());
  }

  @Test
  void badCommandLinesAndUnknownReplaysAreReported() {
    CliHarness.Result noCandidate =
        cli.run("replay", "create", "x", "--table", "fraud.predictions", "--embedded");
    CliHarness.Result badTime =
        cli.run(
            "replay",
            "create",
            "x",
            "--table",
            "fraud.predictions",
            "--candidate",
            "fraud:v4",
            "--from",
            "yesterday",
            "--embedded");
    CliHarness.Result badFormat = cli.run("replay", "list", "--format", "xml", "--embedded");
    CliHarness.Result unknown = cli.run("replay", "status", "nope", "--server", address);
    CliHarness.Result unknownEmbedded = cli.run("replay", "compare", "nope", "--embedded");
    CliHarness.Result noServer = cli.run("replay", "list", "--server", "127.0.0.1:1");

    assertThat(noCandidate.exitCode()).isEqualTo(TracelakeCli.EXIT_USAGE);
    assertThat(noCandidate.err())
        .contains("Missing required option: '--candidate=<name>:<version>'");
    assertThat(badTime.exitCode()).isEqualTo(TracelakeCli.EXIT_USAGE);
    assertThat(badTime.err())
        .contains("--from must be an ISO-8601 time such as 2026-01-01T00:00:00Z, got 'yesterday'");
    assertThat(badFormat.exitCode()).isEqualTo(TracelakeCli.EXIT_USAGE);
    assertThat(unknown.exitCode()).isEqualTo(TracelakeCli.EXIT_FAILURE);
    assertThat(unknown.err()).contains("NOT_FOUND").contains("No replay has the id 'nope'");
    assertThat(unknownEmbedded.exitCode()).isEqualTo(TracelakeCli.EXIT_FAILURE);
    assertThat(unknownEmbedded.err()).contains("No replay has the id 'nope'");
    assertThat(noServer.exitCode()).isEqualTo(TracelakeCli.EXIT_FAILURE);
    assertThat(noServer.err()).contains("UNAVAILABLE");
  }

  private static JsonNode column(JsonNode comparison, String name) {
    for (JsonNode c : comparison.get("columns")) {
      if (c.get("column").asText().equals(name)) {
        return c;
      }
    }
    throw new AssertionError("no column " + name + " in " + comparison);
  }

  /** The comparison as computed here: v3's predictions read back, v4 recomputed from features. */
  record Expected(
      long scoresDiffering, double maxAbsDelta, double meanAbsDelta, Map<String, Long> decisions) {}

  private Expected expected() {
    Map<String, double[]> features = new HashMap<>();
    try (RootAllocator allocator = new RootAllocator();
        ScanBatches batches =
            lake.table(TableName.parse("fraud.features"))
                .scan()
                .select("_record_id", "txn_amount", "merchant_risk", "velocity_1h")
                .open(allocator)) {
      while (batches.loadNextBatch()) {
        VectorSchemaRoot root = batches.root();
        for (int r = 0; r < root.getRowCount(); r++) {
          features.put(
              root.getVector(0).getObject(r).toString(),
              new double[] {
                (Double) root.getVector(1).getObject(r),
                (Double) root.getVector(2).getObject(r),
                ((Number) root.getVector(3).getObject(r)).doubleValue()
              });
        }
      }
    }
    long differing = 0;
    double max = 0;
    double sum = 0;
    Map<String, Long> decisions = new TreeMap<>();
    LakeTable predictions = lake.table(TableName.parse("fraud.predictions"));
    try (RootAllocator allocator = new RootAllocator();
        ScanBatches batches =
            predictions.scan().select("fraud_score", "decision", "_lineage").open(allocator)) {
      while (batches.loadNextBatch()) {
        VectorSchemaRoot root = batches.root();
        for (int r = 0; r < root.getRowCount(); r++) {
          double v3 = (Double) root.getVector(0).getObject(r);
          String d3 = root.getVector(1).getObject(r).toString();
          Map<?, ?> input = (Map<?, ?>) ((ListVector) root.getVector(2)).getObject(r).get(0);
          double[] f = features.get(input.get("record_id").toString());
          double z = -4.3 + 0.0042 * f[0] + 3.6 * f[1] + 0.22 * f[2];
          double v4 = Math.round(1000.0 / (1.0 + Math.exp(-z))) / 1000.0;
          String d4 = v4 >= 0.8 ? "block" : v4 >= 0.45 ? "review" : "approve";
          if (v3 != v4) {
            differing++;
          }
          max = Math.max(max, Math.abs(v4 - v3));
          sum += Math.abs(v4 - v3);
          decisions.merge(d3 + "->" + d4, 1L, Long::sum);
        }
      }
    }
    return new Expected(differing, max, sum / COUNT, decisions);
  }
}
