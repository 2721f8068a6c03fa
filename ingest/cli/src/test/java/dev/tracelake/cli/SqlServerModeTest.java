package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracelake.ingest.IngestConfig;
import dev.tracelake.ingest.TracelakeServer;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlServerModeTest {
  @TempDir Path dir;

  private Lake lake;
  private TracelakeServer server;
  private String target;
  private long predictionsSnapshot;

  @BeforeEach
  void startServerOnDemoData() {
    CliHarness cli = new CliHarness(dir.resolve("warehouse"));
    predictionsSnapshot =
        cli.json("demo", "--rows", "6").get("appends").get(1).get("snapshotId").asLong();
    lake = Lake.open(LakeConfig.embedded(cli.warehouse()));
    server = TracelakeServer.onNetty(lake, IngestConfig.defaults().withPort(0)).start();
    target = "127.0.0.1:" + server.port();
  }

  @AfterEach
  void stopServer() {
    server.stop();
    lake.close();
  }

  @Test
  void queriesTheServerAndReportsItsPinnedSnapshots() throws Exception {
    CliHarness.Result result =
        CliHarness.runExactly(
            "sql",
            "--server",
            target,
            "-e",
            "SELECT entity_id, label FROM demo.predictions ORDER BY entity_id",
            "--format",
            "json");

    assertThat(result.exitCode()).as("stderr: %s", result.err()).isZero();
    JsonNode rows = new ObjectMapper().readTree(result.out());
    assertThat(rows).hasSize(6);
    assertThat(rows.get(5).get("entity_id").asLong()).isEqualTo(5);
    assertThat(result.err().strip())
        .matches("6 rows in \\d+\\.\\d\\d s; demo\\.predictions@" + predictionsSnapshot);
  }

  @Test
  void anEngineErrorFromTheServerKeepsItsMessage() {
    CliHarness.Result result =
        CliHarness.runExactly("sql", "--server", target, "-e", "SELECT * FROM demo.missing");

    assertThat(result.exitCode()).isEqualTo(TracelakeCli.EXIT_FAILURE);
    assertThat(result.err()).startsWith("error: ").contains("demo.missing");
  }

  @Test
  void aServerThatIsDownIsNamed() {
    server.stop();

    CliHarness.Result result = CliHarness.runExactly("sql", "--server", target, "-e", "SELECT 1");

    assertThat(result.exitCode()).isEqualTo(TracelakeCli.EXIT_FAILURE);
    assertThat(result.err())
        .startsWith("error: Cannot query the Tracelake server at " + target)
        .contains("UNAVAILABLE");
  }

  @Test
  void serverAndWarehouseTogetherAreAUsageError() {
    CliHarness.Result result =
        CliHarness.runExactly(
            "sql", "--server", target, "--warehouse", dir.toString(), "-e", "SELECT 1");

    assertThat(result.exitCode()).isEqualTo(TracelakeCli.EXIT_USAGE);
    assertThat(result.err()).contains("--server " + target + " queries the server's lake");
  }
}
