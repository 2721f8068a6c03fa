package dev.tracelake.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The index catches up with new snapshots by itself. */
class BackgroundRefreshTest extends LineageTestBase {

  @Test
  void newSnapshotsAreIndexedWithoutBeingAsked() throws InterruptedException {
    try (Lineage background =
        Lineage.open(lake, LineageOptions.defaults().withRefreshInterval(Duration.ofMillis(50)))) {
      Committed f = append(features(), FEATURE_JOB, feature("u1", 1.0));
      Committed p =
          append(
              predictions(), FRAUD_V3, prediction(0.3, ref(f.key("features", 0), f.snapshotId())));
      RecordKey key = p.key("predictions", 0);

      // poll for the outcome, not for a time: how long it takes is the benchmarks' business
      TraceResult trace = background.traceUpstream(key);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!trace.problems().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
        trace = background.traceUpstream(key);
      }

      assertThat(trace.problems()).isEmpty();
      assertThat(trace.nodes())
          .extracting(TraceNode::key)
          .containsExactly(key, f.key("features", 0));
      assertThat(background.indexStatus().isCurrent()).isTrue();
    }
  }

  @Test
  void questionsAreAnsweredWhileTheIndexCatchesUpAndRebuilds() throws Exception {
    Committed f = append(features(), FEATURE_JOB, feature("u1", 1.0), feature("u2", 2.0));
    RecordKey feature = f.key("features", 0);
    var predictions = predictions();
    try (Lineage background =
        Lineage.open(lake, LineageOptions.defaults().withRefreshInterval(Duration.ofMillis(20)))) {
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread reader =
          new Thread(
              () -> {
                try {
                  while (!stop.get()) {
                    ImpactResult impact = background.impact(ImpactQuery.ofRecord(feature));
                    // a record is derived entirely or not at all: its inputs commit with it
                    assertThat(impact.derived().size()).isLessThanOrEqualTo(1);
                    TraceResult trace = background.traceUpstream(feature);
                    assertThat(trace.nodes()).hasSize(1);
                  }
                } catch (Throwable t) {
                  failure.set(t);
                }
              });
      reader.start();
      for (int i = 0; i < 4; i++) {
        append(predictions, FRAUD_V3, prediction(i, ref(feature, f.snapshotId())));
        if (i == 2) {
          background.reindex();
        }
      }
      ImpactResult done = background.impact(ImpactQuery.ofRecord(feature).catchUpFirst());
      stop.set(true);
      reader.join();

      assertThat(failure.get()).isNull();
      assertThat(done.derivedCount()).isEqualTo(4);
      assertThat(done.freshness().isCurrent()).isTrue();
    }
  }
}
