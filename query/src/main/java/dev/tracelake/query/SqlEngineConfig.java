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

  /** Environment variables an operator sets to change {@link #fromEnvironment()}'s limits. */
  public static final String MEMORY_LIMIT_VARIABLE = "TRACELAKE_SQL_MEMORY_LIMIT";

  public static final String SPILL_LIMIT_VARIABLE = "TRACELAKE_SQL_SPILL_LIMIT";
  public static final String SPILL_DIR_VARIABLE = "TRACELAKE_SQL_SPILL_DIR";
  public static final String MAX_TIMEOUT_VARIABLE = "TRACELAKE_SQL_MAX_TIMEOUT_SECONDS";
  public static final String CONCURRENT_QUERIES_VARIABLE = "TRACELAKE_SQL_MAX_CONCURRENT_QUERIES";

  /** Returns {@link #defaults()} changed by the process's {@code TRACELAKE_SQL_*} variables. */
  public static SqlEngineConfig fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * Returns {@link #defaults()} changed by the {@code TRACELAKE_SQL_*} entries of {@code env}:
   * sizes in bytes or with a unit ({@code 512MiB}, {@code 8GiB}), the timeout in seconds.
   *
   * @throws IllegalArgumentException naming the variable and the value it cannot read
   */
  public static SqlEngineConfig fromEnvironment(java.util.Map<String, String> env) {
    SqlEngineConfig config = defaults();
    if (env.containsKey(MEMORY_LIMIT_VARIABLE)) {
      config = config.withMemoryLimitBytes(bytes(MEMORY_LIMIT_VARIABLE, env));
    }
    if (env.containsKey(SPILL_LIMIT_VARIABLE)) {
      config = config.withMaxSpillBytes(bytes(SPILL_LIMIT_VARIABLE, env));
    }
    if (env.containsKey(SPILL_DIR_VARIABLE)) {
      config = config.withSpillRoot(Path.of(env.get(SPILL_DIR_VARIABLE)));
    }
    if (env.containsKey(MAX_TIMEOUT_VARIABLE)) {
      config =
          config.withMaxTimeout(
              Duration.ofSeconds(number(MAX_TIMEOUT_VARIABLE, env.get(MAX_TIMEOUT_VARIABLE))));
    }
    if (env.containsKey(CONCURRENT_QUERIES_VARIABLE)) {
      config =
          config.withMaxConcurrentQueries(
              (int) number(CONCURRENT_QUERIES_VARIABLE, env.get(CONCURRENT_QUERIES_VARIABLE)));
    }
    return config;
  }

  private static long bytes(String variable, java.util.Map<String, String> env) {
    String text = env.get(variable).strip();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?i)([0-9_]+)\\s*(b|kib|mib|gib|tib|kb|mb|gb|tb)?")
            .matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          variable + " must be a size such as 1073741824, 512MiB or 8GiB, got '" + text + "'");
    }
    long value = number(variable, m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(java.util.Locale.ROOT);
    int shift =
        switch (unit) {
          case "kib", "kb" -> 10;
          case "mib", "mb" -> 20;
          case "gib", "gb" -> 30;
          case "tib", "tb" -> 40;
          default -> 0;
        };
    if (value > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException(variable + " is too large: '" + text + "'");
    }
    return value << shift;
  }

  private static long number(String variable, String text) {
    try {
      return Long.parseLong(text.strip().replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(variable + " must be a number, got '" + text + "'", e);
    }
  }

  /** Describes the limits an operator can raise, for error messages. */
  static String howToRaise() {
    return "an operator raises them with "
        + MEMORY_LIMIT_VARIABLE
        + " and "
        + SPILL_LIMIT_VARIABLE
        + " (e.g. 4GiB) in the server's environment";
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
