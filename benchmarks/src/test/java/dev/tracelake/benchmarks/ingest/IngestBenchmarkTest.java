package dev.tracelake.benchmarks.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.ScanBatches;
import dev.tracelake.lake.TableName;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestBenchmarkTest {
  // surefire runs in the module directory; the reactor build packages ingest first
  private static final Path SERVER_JAR = Path.of("..", "ingest", "cli", "target", "tracelake.jar");

  @TempDir Path dir;

  @Test
  void throughputAndLatencyRunsWriteEveryRowExactlyOnceAndASoakReportsItsMemory()
      throws IOException {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    IngestBenchmark.Report report =
        IngestBenchmark.run(
            IngestOptions.parse(
                "--modes",
                "throughput,latency,soak",
                "--server-jar",
                SERVER_JAR.toString(),
                "--server-jvm-opts",
                "-Xmx512m",
                "--out",
                dir.toString(),
                "--keep-files",
                "--rows",
                "4000",
                "--batch-size",
                "500",
                "--writers",
                "2",
                "--repeats",
                "1",
                "--warmups",
                "0",
                "--writer-counts",
                "2",
                "--latency-batch-size",
                "50",
                "--rate",
                "10",
                "--latency-seconds",
                "2",
                "--latency-warmup-seconds",
                "1",
                "--soak-seconds",
                "3",
                "--sample-seconds",
                "1",
                "--soak-writers",
                "1",
                "--soak-batch-size",
                "50",
                "--soak-rate",
                "10"),
            new PrintStream(output, true, StandardCharsets.UTF_8));

    assertThat(report.tables())
        .containsEntry("bench.throughput_r1", 4_000L)
        .containsEntry("bench.latency_2w", 2L * 30 * 50);
    try (Lake lake = Lake.open(LakeConfig.embedded(report.warehouse()));
        BufferAllocator allocator = new RootAllocator()) {
      for (Map.Entry<String, Long> table : report.tables().entrySet()) {
        assertThat(eventIdCounts(lake, table.getKey(), table.getValue(), allocator))
            .as("times each event id of %s was stored", table.getKey())
            .containsOnly(1);
      }
    }
    assertThat(output.toString(StandardCharsets.UTF_8))
        .contains("RATIO ingest/raw-parquet = ")
        .contains("p99/interval")
        .containsPattern("soak: [0-9,]+ rows in ")
        .containsPattern("RSS MB, median of each minute: [0-9]+\\R");
  }

  @Test
  void rejectsAnUnknownMode() {
    assertThatThrownBy(() -> IngestOptions.parse("--modes", "throughput,bogus"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[throughput, bogus]");
  }

  /** Returns how often each event id from 0 to {@code rows - 1} appears in the table. */
  private static int[] eventIdCounts(
      Lake lake, String table, long rows, BufferAllocator allocator) {
    int[] counts = new int[(int) rows];
    try (ScanBatches scan =
        lake.table(TableName.parse(table)).scan().select("event_id").open(allocator)) {
      while (scan.loadNextBatch()) {
        BigIntVector ids = (BigIntVector) scan.root().getVector("event_id");
        for (int i = 0; i < scan.root().getRowCount(); i++) {
          long id = ids.get(i);
          assertThat(id).as("event id in %s", table).isBetween(0L, rows - 1);
          counts[(int) id]++;
        }
      }
    }
    return counts;
  }
}
