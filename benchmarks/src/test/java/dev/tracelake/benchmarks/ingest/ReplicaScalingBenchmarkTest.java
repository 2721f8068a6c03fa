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
 * A small run of the replica benchmark: real server processes on the PostgreSQL that .ci/run
 * starts; every configuration must commit every row exactly once (the benchmark checks it).
 */
class ReplicaScalingBenchmarkTest {
  // surefire runs in the module directory; the reactor build packages ingest first
  private static final Path SERVER_JAR = Path.of("..", "ingest", "cli", "target", "tracelake.jar");

  @TempDir Path dir;

  @Test
  void oneAndTwoReplicasCommitEveryRowOnceAndTheRatioIsPrinted() throws Exception {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    List<ReplicaScalingBenchmark.Sample> samples =
        ReplicaScalingBenchmark.run(
            ReplicaScalingBenchmark.parse(
                new String[] {
                  "--server-jar", SERVER_JAR.toString(),
                  "--rows", "20000",
                  "--batch-size", "2000",
                  "--writers", "4",
                  "--replicas", "1,2",
                  "--repeats", "1",
                  "--warmups", "0",
                  "--commit-interval-ms", "100",
                  "--server-heap", "-Xmx384m"
                }),
            new PrintStream(output, true, StandardCharsets.UTF_8),
            dir);

    assertThat(samples).extracting(ReplicaScalingBenchmark.Sample::replicas).containsExactly(1, 2);
    assertThat(samples).allSatisfy(s -> assertThat(s.rows()).isEqualTo(20_000L));
    // each replica committed at least once: commits are counted from every server's /metrics
    assertThat(samples.get(1).commits()).isGreaterThanOrEqualTo(2);
    assertThat(output.toString(StandardCharsets.UTF_8))
        .contains("replicas=2:")
        .containsPattern("RATIO vs 1 replica\\(s\\) [0-9.]+x");
  }
}
