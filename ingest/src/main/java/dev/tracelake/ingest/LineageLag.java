package dev.tracelake.ingest;

import dev.tracelake.lineage.IndexStatus;
import dev.tracelake.lineage.Lineage;
import dev.tracelake.lineage.TableIndexStatus;
import java.time.Duration;

/**
 * The lineage index's lag as gauges: snapshots committed but not yet folded into the index. The
 * status is refreshed at most every few seconds however often Prometheus scrapes, since comparing
 * with every table's head reads the catalog.
 */
final class LineageLag {
  private static final long MAX_AGE_NANOS = Duration.ofSeconds(5).toNanos();

  private final Lineage lineage;
  private IndexStatus status;
  private long statusAt;

  private LineageLag(Lineage lineage) {
    this.lineage = lineage;
  }

  static void register(Lineage lineage, ServerMetrics metrics) {
    LineageLag lag = new LineageLag(lineage);
    metrics.gauge(
        "tracelake.lineage.index.lag.snapshots",
        "Snapshots of main committed but not yet in the lineage index, over all tables (a lazy"
            + " index catches up before answering)",
        lag,
        l -> l.status() == null ? Double.NaN : l.snapshotsBehind());
    metrics.gauge(
        "tracelake.lineage.index.records",
        "Records in the lineage index",
        lag,
        l -> l.status() == null ? Double.NaN : l.status().records());
  }

  private synchronized IndexStatus status() {
    long now = System.nanoTime();
    if (status == null || now - statusAt > MAX_AGE_NANOS) {
      try {
        status = lineage.indexStatus();
        statusAt = now;
      } catch (RuntimeException e) {
        // closed or catalog unreachable: report no value rather than fail the scrape
        return null;
      }
    }
    return status;
  }

  private long snapshotsBehind() {
    IndexStatus s = status();
    return s == null ? 0 : s.tables().stream().mapToLong(TableIndexStatus::snapshotsBehind).sum();
  }
}
