package dev.tracelake.query;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits every query of a {@link SqlEngine} runs under. Each query gets its own DuckDB database
 * with these limits, so they apply per query. Immutable; the {@code with} methods return a copy.
 *
 * @param memoryLimitBytes the most memory DuckDB's buffer manager may use for one query; beyond it
 *     the query spills to its temporary directory
 * @param threads DuckDB worker threads per query
 * @param defaultTimeout the timeout of a query whose options give none
 * @param maxTimeout the longest any query may run, whatever its options ask for
 * @param maxConcurrentQueries how many queries may run (or stream results) at once; more are
 *     refused with RESOURCE_EXHAUSTED
 * @param spillRoot the directory under which the engine makes its private spill directory (one
 *     subdirectory per query, removed when the query ends); must not be inside the warehouse
 * @param maxSpillBytes the most disk one query may spill to
 */
public record SqlEngineConfig(
    long memoryLimitBytes,
    int threads,
    Duration defaultTimeout,
    Duration maxTimeout,
    int maxConcurrentQueries,
    Path spillRoot,
    long maxSpillBytes) {
  private static final long MIN_MEMORY_BYTES = 16L << 20;

  public SqlEngineConfig {
    if (memoryLimitBytes < MIN_MEMORY_BYTES) {
      throw new IllegalArgumentException(
          "Memory limit must be at least " + MIN_MEMORY_BYTES + " bytes, got " + memoryLimitBytes);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("Threads must be at least 1, got " + threads);
    }
    Objects.requireNonNull(defaultTimeout, "defaultTimeout");
    Objects.requireNonNull(maxTimeout, "maxTimeout");
    if (defaultTimeout.isNegative() || defaultTimeout.isZero()) {
      throw new IllegalArgumentException("Default timeout must be positive, got " + defaultTimeout);
    }
    if (maxTimeout.compareTo(defaultTimeout) < 0) {
      throw new IllegalArgumentException(
          "Maximum timeout " + maxTimeout + " is shorter than the default " + defaultTimeout);
    }
    if (maxConcurrentQueries < 1) {
      throw new IllegalArgumentException(
          "Concurrent queries must be at least 1, got " + maxConcurrentQueries);
    }
    Objects.requireNonNull(spillRoot, "spillRoot");
    if (maxSpillBytes < 0) {
      throw new IllegalArgumentException("Spill limit must not be negative, got " + maxSpillBytes);
    }
  }

  /**
   * Returns 1 GiB of memory, at most 2 threads, a 60 second timeout (at most 10 minutes), 4
   * concurrent queries and 4 GiB of spill per query under the system's temporary directory.
   */
  public static SqlEngineConfig defaults() {
    return new SqlEngineConfig(
        1L << 30,
        Math.min(2, Runtime.getRuntime().availableProcessors()),
        Duration.ofSeconds(60),
        Duration.ofMinutes(10),
        4,
        Path.of(System.getProperty("java.io.tmpdir")),
        4L << 30);
  }

  public SqlEngineConfig withMemoryLimitBytes(long bytes) {
    return new SqlEngineConfig(
        bytes, threads, defaultTimeout, maxTimeout, maxConcurrentQueries, spillRoot, maxSpillBytes);
  }

  public SqlEngineConfig withThreads(int count) {
    return new SqlEngineConfig(
        memoryLimitBytes,
        count,
        defaultTimeout,
        maxTimeout,
        maxConcurrentQueries,
        spillRoot,
        maxSpillBytes);
  }

  /** Sets the default timeout, raising the maximum to it when it was shorter. */
  public SqlEngineConfig withDefaultTimeout(Duration timeout) {
    Duration max = maxTimeout.compareTo(timeout) < 0 ? timeout : maxTimeout;
    return new SqlEngineConfig(
        memoryLimitBytes, threads, timeout, max, maxConcurrentQueries, spillRoot, maxSpillBytes);
  }

  public SqlEngineConfig withMaxTimeout(Duration timeout) {
    return new SqlEngineConfig(
        memoryLimitBytes,
        threads,
        defaultTimeout,
        timeout,
        maxConcurrentQueries,
        spillRoot,
        maxSpillBytes);
  }

  public SqlEngineConfig withMaxConcurrentQueries(int count) {
    return new SqlEngineConfig(
        memoryLimitBytes, threads, defaultTimeout, maxTimeout, count, spillRoot, maxSpillBytes);
  }

  public SqlEngineConfig withSpillRoot(Path directory) {
    return new SqlEngineConfig(
        memoryLimitBytes,
        threads,
        defaultTimeout,
        maxTimeout,
        maxConcurrentQueries,
        directory,
        maxSpillBytes);
  }

  public SqlEngineConfig withMaxSpillBytes(long bytes) {
    return new SqlEngineConfig(
        memoryLimitBytes,
        threads,
        defaultTimeout,
        maxTimeout,
        maxConcurrentQueries,
        spillRoot,
        bytes);
  }
}
