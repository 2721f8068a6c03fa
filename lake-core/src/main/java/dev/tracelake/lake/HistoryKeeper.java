package dev.tracelake.lake;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts archiving after commits that leave a table with enough live snapshots, on one background
 * thread per lake, so no commit waits for it. A table is queued at most once at a time. An archive
 * run interrupted by the process ending is harmless: each step is safe to repeat.
 */
final class HistoryKeeper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HistoryKeeper.class);

  private final HistoryArchiver archiver;
  private final Set<TableName> queued = ConcurrentHashMap.newKeySet();
  // guarded by this
  private ExecutorService executor;
  private volatile boolean closed;

  HistoryKeeper(HistoryArchiver archiver) {
    this.archiver = archiver;
  }

  /** Called after a commit that left {@code liveSnapshots} in the table's live metadata. */
  void afterCommit(TableName name, int liveSnapshots, Map<String, String> properties) {
    HistoryPolicy policy = HistoryPolicy.of(properties);
    if (closed || !policy.autoArchive() || !policy.due(liveSnapshots) || !queued.add(name)) {
      return;
    }
    try {
      executor()
          .execute(
              () -> {
                try {
                  archiver.archive(name, true);
                } catch (RuntimeException e) {
                  LOG.warn(
                      "Table {}: archiving history failed, trying after a later commit", name, e);
                } finally {
                  queued.remove(name);
                }
              });
    } catch (RejectedExecutionException e) {
      queued.remove(name); // closing
    }
  }

  private synchronized ExecutorService executor() {
    if (executor == null) {
      executor =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "tracelake-history");
                t.setDaemon(true);
                return t;
              });
    }
    return executor;
  }

  /** Waits for the table's queued archive run, if any (tests). */
  void awaitIdle(long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (!queued.isEmpty() && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
  }

  /** Stops taking work and waits a few seconds for a run in progress. */
  @Override
  public void close() {
    closed = true;
    ExecutorService e;
    synchronized (this) {
      e = executor;
    }
    if (e == null) {
      return;
    }
    e.shutdown();
    try {
      if (!e.awaitTermination(10, TimeUnit.SECONDS)) {
        e.shutdownNow();
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      e.shutdownNow();
    }
  }
}
