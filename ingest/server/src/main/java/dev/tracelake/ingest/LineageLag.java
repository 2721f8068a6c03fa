package dev.tracelake.ingest;

import dev.tracelake.lineage.IndexStatus;
import dev.tracelake.lineage.Lineage;
import dev.tracelake.lineage.TableIndexStatus;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lineage index's lag as gauges: snapshots committed but not yet folded into the index. A
 * scrape never waits: it reports the last status, and when that is older than a few seconds asks
 * for a new one in the background (comparing with every table's head reads the catalog, and waits
 * while the index catches up or rebuilds).
 */
final class LineageLag implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LineageLag.class);
  private static final long MAX_AGE_NANOS = Duration.ofSeconds(5).toNanos();

  private final Lineage lineage;
  private final ExecutorService refresher =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "tracelake-lineage-lag");
            t.setDaemon(true);
            return t;
          });
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile IndexStatus status;
  private volatile long statusAt;

  private LineageLag(Lineage lineage) {
    this.lineage = lineage;
  }

  static LineageLag register(Lineage lineage, ServerMetrics metrics) {
    LineageLag lag = new LineageLag(lineage);
    metrics.gauge(
        "tracelake.lineage.index.lag.snapshots",
        "Snapshots of main committed but not yet in the lineage index, over all tables, as of the"
            + " last check (a lazy index catches up before answering); NaN before the first check",
        lag,
        LineageLag::snapshotsBehind);
    metrics.gauge(
        "tracelake.lineage.index.records",
        "Records in the lineage index, as of the last check; NaN before the first check",
        lag,
        l -> {
          IndexStatus s = l.current();
          return s == null ? Double.NaN : s.records();
        });
    return lag;
  }

  /** Returns the last status, asking for a new one in the background when it is stale. */
  private IndexStatus current() {
    boolean stale = status == null || System.nanoTime() - statusAt > MAX_AGE_NANOS;
    if (stale && refreshing.compareAndSet(false, true)) {
      try {
        refresher.execute(this::refresh);
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        refreshing.set(false);
      }
    }
    return status;
  }

  private void refresh() {
    try {
      status = lineage.indexStatus();
      statusAt = System.nanoTime();
    } catch (RuntimeException e) {
      LOG.debug("Lineage index status unavailable: {}", e.getMessage());
    } finally {
      refreshing.set(false);
    }
  }

  private double snapshotsBehind() {
    IndexStatus s = current();
    return s == null
        ? Double.NaN
        : s.tables().stream().mapToLong(TableIndexStatus::snapshotsBehind).sum();
  }

  /** Waits for the status being computed, if any; for tests and shutdown. */
  void awaitRefreshed(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    current();
    while ((status == null || refreshing.get()) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  @Override
  public void close() {
    refresher.shutdownNow();
  }
}
