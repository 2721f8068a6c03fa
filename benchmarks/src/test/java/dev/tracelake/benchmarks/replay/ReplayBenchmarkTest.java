package dev.tracelake.benchmarks.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay benchmark at the scale of {@code mvn verify} (the full scale is {@link
 * ReplayBenchmark#main}): every prediction is matched by the candidate's, the decisions that
 * changed are those the two models disagree on (computed here), and the SQL pairing and the
 * baseline join count the same pairs.
 */
class ReplayBenchmarkTest {
  @TempDir Path warehouse;

  @Test
  void everyPredictionIsReplayedOnceAndComparedAsBothModelsSay() throws Exception {
    ReplayBenchmark.Report report =
        ReplayBenchmark.run(
            warehouse, 3_000, 3, 500, 1, new PrintStream(OutputStream.nullOutputStream()));

    long expected = 0;
    for (long i = 0; i < 3_000; i++) {
      double a = ReplayData.amount(i);
      double r = ReplayData.risk(i);
      long v = ReplayData.velocity(i);
      if (!ReplayData.decision(ReplayData.v3(a, r, v))
          .equals(ReplayData.decision(ReplayData.v4(a, r, v)))) {
        expected++;
      }
    }
    assertThat(expected).isPositive();
    assertThat(report.matched()).isEqualTo(3_000);
    assertThat(report.decisionsChanged()).isEqualTo(expected);
    assertThat(report.sqlMatched()).isEqualTo(3_000);
    assertThat(report.joinMatched()).isEqualTo(3_000);
    assertThat(report.medians()).containsKeys("stream: StreamReplay", "compare: replay_pairs SQL");
  }
}
