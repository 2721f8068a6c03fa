package dev.tracelake.query;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits every query of a {@link SqlEngine} runs under. Each query gets its own DuckDB database
 * with these limits, so they apply per query.
 *
 * @param memoryLimitBytes the most memory DuckDB may use for one query; nothing spills to disk
 * @param threads DuckDB worker threads per query
 * @param defaultTimeout the timeout of a query whose options give none
 */
public record SqlEngineConfig(long memoryLimitBytes, int threads, Duration defaultTimeout) {
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
    if (defaultTimeout.isNegative() || defaultTimeout.isZero()) {
      throw new IllegalArgumentException("Default timeout must be positive, got " + defaultTimeout);
    }
  }

  /** Returns 1 GiB of memory, at most 2 threads and a 60 second timeout per query. */
  public static SqlEngineConfig defaults() {
    return new SqlEngineConfig(
        1L << 30, Math.min(2, Runtime.getRuntime().availableProcessors()), Duration.ofSeconds(60));
  }

  public SqlEngineConfig withMemoryLimitBytes(long bytes) {
    return new SqlEngineConfig(bytes, threads, defaultTimeout);
  }

  public SqlEngineConfig withThreads(int count) {
    return new SqlEngineConfig(memoryLimitBytes, count, defaultTimeout);
  }

  public SqlEngineConfig withDefaultTimeout(Duration timeout) {
    return new SqlEngineConfig(memoryLimitBytes, threads, timeout);
  }
}
