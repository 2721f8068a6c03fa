package dev.tracelake.benchmarks.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small run of the access-overhead benchmark: real server processes without access control, with
 * an issued token, and with the token over TLS (a certificate made with openssl, which .ci/run
 * installs); every configuration must ingest, answer SQL and list tables.
 */
class AccessOverheadBenchmarkTest {
  // surefire runs in the module directory; the reactor build packages ingest first
  private static final Path SERVER_JAR = Path.of("..", "ingest", "cli", "target", "tracelake.jar");

  @TempDir Path dir;

  @Test
  void everyConfigurationIngestsAndAnswersAndTheCostIsPrinted() throws Exception {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    List<AccessOverheadBenchmark.Config> configs =
        List.of(
            AccessOverheadBenchmark.Config.PLAIN,
            AccessOverheadBenchmark.Config.AUTH,
            AccessOverheadBenchmark.Config.AUTH_TLS);
    List<AccessOverheadBenchmark.Sample> samples =
        AccessOverheadBenchmark.run(
            SERVER_JAR,
            5_000,
            1_000,
            1,
            3,
            50,
            configs,
            dir,
            new PrintStream(output, true, StandardCharsets.UTF_8));

    assertThat(samples)
        .extracting(AccessOverheadBenchmark.Sample::config)
        .containsExactlyInAnyOrderElementsOf(configs);
    assertThat(samples)
        .allSatisfy(
            s -> {
              assertThat(s.rowsPerSecond()).isPositive();
              assertThat(s.sqlCountMs()).isPositive();
              assertThat(s.listTablesMs()).isPositive();
            });
    assertThat(output.toString(StandardCharsets.UTF_8))
        .contains("auth-tls")
        .containsPattern("ingest throughput cost[^\\n]*target <= 5%");
  }
}
