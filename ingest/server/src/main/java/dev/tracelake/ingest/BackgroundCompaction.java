package dev.tracelake.ingest;

import dev.tracelake.lake.CompactionOptions;
import dev.tracelake.lake.CompactionResult;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.TableName;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts the small files of the tables this server writes, in the background, one round per table
 * per interval, each round within a byte budget: a day of one-second commits stays a few dozen
 * files per table instead of tens of thousands. Replicas sharing a table may all try; Iceberg's
 * optimistic commit lets one rewrite win and the others give up without effect.
 */
public final class BackgroundCompaction implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BackgroundCompaction.class);

  /** The interval {@code tracelake serve} compacts at unless told otherwise. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

  /** What one background round may read: a bounded share of the server's time and I/O. */
  public static final CompactionOptions DEFAULT_OPTIONS =
      CompactionOptions.defaults().withBudget(256L << 20, 2_000);

  private final Lake lake;
  private final Supplier<Collection<TableName>> tables;
  private final CompactionOptions options;
  private final ScheduledExecutorService executor;
  private final MeterRegistry registry;
  private volatile boolean closed;

  private BackgroundCompaction(
      Lake lake,
      Supplier<Collection<TableName>> tables,
      CompactionOptions options,
      MeterRegistry registry) {
    this.lake = lake;
    this.tables = tables;
    this.options = options;
    this.registry = registry;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tracelake-compaction");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts compacting {@code tables()} every {@code interval}; the first round comes after a random
   * share of it, so replicas started together do not compact in step.
   */
  public static BackgroundCompaction start(
      Lake lake,
      Supplier<Collection<TableName>> tables,
      Duration interval,
      CompactionOptions options,
      MeterRegistry registry) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("Compaction interval must be positive, got " + interval);
    }
    BackgroundCompaction c = new BackgroundCompaction(lake, tables, options, registry);
    long ms = interval.toMillis();
    c.executor.scheduleWithFixedDelay(
        c::round,
        ms / 2 + ThreadLocalRandom.current().nextLong(ms / 2 + 1),
        ms,
        TimeUnit.MILLISECONDS);
    LOG.info(
        "Compacting written tables every {} (at most {} bytes a round)",
        interval,
        options.maxInputBytes());
    return c;
  }

  /** Compacts each table once; public for tests and operators' tools that drive it directly. */
  public void round() {
    for (TableName name : tables.get()) {
      if (closed) {
        return;
      }
      try {
        CompactionResult r = lake.table(name).maintenance().compact(options);
        if (r.snapshotId().isPresent()) {
          counter(
                  "tracelake.compaction.files.rewritten",
                  "Small files replaced by compaction",
                  name)
              .increment(r.filesRewritten());
          counter(
                  "tracelake.compaction.bytes.rewritten",
                  "Bytes of files replaced by compaction",
                  name)
              .increment(r.bytesRewritten());
        }
      } catch (LakeException e) {
        LOG.warn("Table {}: background compaction failed: {}", name, e.getMessage());
      } catch (RuntimeException e) {
        LOG.warn("Table {}: background compaction failed", name, e);
      }
    }
  }

  private Counter counter(String name, String description, TableName table) {
    return Counter.builder(name)
        .description(description)
        .tag("table", table.toString())
        .register(registry);
  }

  /** Stops: a round in progress finishes (up to 30 s) rather than leaving files half written. */
  @Override
  public void close() {
    closed = true;
    executor.shutdown();
    try {
      if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
  }
}
