package dev.tracelake.query;

import java.time.Duration;

/**
 * How to run one query. Immutable; the {@code with} methods return a copy.
 *
 * @param timeout how long the query may run, from {@code execute} until its result is drained; null
 *     uses the engine's default
 * @param batchSize the most rows per Arrow batch of the result
 * @param cancellation a handle to cancel the query from another thread; null when the caller needs
 *     none (it can still cancel through {@link QueryResult#cancel()})
 * @param gate which tables the asker may see and read; {@link TableGate#OPEN} when null
 */
public record QueryOptions(
    Duration timeout, int batchSize, QueryCancellation cancellation, TableGate gate) {
  public static final int DEFAULT_BATCH_SIZE = 8192;

  public QueryOptions {
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("Query timeout must be positive, got " + timeout);
    }
    if (batchSize <= 0) {
      throw new IllegalArgumentException("Batch size must be positive, got " + batchSize);
    }
    gate = gate == null ? TableGate.OPEN : gate;
  }

  /** Returns the engine's default timeout, {@value #DEFAULT_BATCH_SIZE} rows per batch. */
  public static QueryOptions defaults() {
    return new QueryOptions(null, DEFAULT_BATCH_SIZE, null, TableGate.OPEN);
  }

  public QueryOptions withTimeout(Duration value) {
    return new QueryOptions(value, batchSize, cancellation, gate);
  }

  public QueryOptions withBatchSize(int rows) {
    return new QueryOptions(timeout, rows, cancellation, gate);
  }

  public QueryOptions withCancellation(QueryCancellation value) {
    return new QueryOptions(timeout, batchSize, value, gate);
  }

  /** Limits the query to the tables {@code value} lets the asker see and read. */
  public QueryOptions withGate(TableGate value) {
    return new QueryOptions(timeout, batchSize, cancellation, value);
  }
}
