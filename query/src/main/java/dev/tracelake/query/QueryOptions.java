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
 * @param admissionWait how long the query may wait for a free slot when the engine already runs its
 *     most queries at once, before it is refused with RESOURCE_EXHAUSTED; null or zero refuses at
 *     once. Callers whose clients expect a busy server to queue (a PostgreSQL connection pool)
 *     wait; the wait counts against nothing else and is cut short by a cancellation.
 * @param gate which tables the asker may see and read; {@link TableGate#OPEN} when null
 */
public record QueryOptions(
    Duration timeout,
    int batchSize,
    QueryCancellation cancellation,
    Duration admissionWait,
    TableGate gate) {
  public static final int DEFAULT_BATCH_SIZE = 8192;

  public QueryOptions {
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("Query timeout must be positive, got " + timeout);
    }
    if (batchSize <= 0) {
      throw new IllegalArgumentException("Batch size must be positive, got " + batchSize);
    }
    if (admissionWait != null && admissionWait.isNegative()) {
      throw new IllegalArgumentException(
          "Admission wait must not be negative, got " + admissionWait);
    }
    gate = gate == null ? TableGate.OPEN : gate;
  }

  /**
   * Returns the engine's default timeout, {@value #DEFAULT_BATCH_SIZE} rows per batch, no waiting
   * for a slot.
   */
  public static QueryOptions defaults() {
    return new QueryOptions(null, DEFAULT_BATCH_SIZE, null, null, TableGate.OPEN);
  }

  public QueryOptions withTimeout(Duration value) {
    return new QueryOptions(value, batchSize, cancellation, admissionWait, gate);
  }

  public QueryOptions withBatchSize(int rows) {
    return new QueryOptions(timeout, rows, cancellation, admissionWait, gate);
  }

  public QueryOptions withCancellation(QueryCancellation value) {
    return new QueryOptions(timeout, batchSize, value, admissionWait, gate);
  }

  public QueryOptions withAdmissionWait(Duration value) {
    return new QueryOptions(timeout, batchSize, cancellation, value, gate);
  }

  /** Limits the query to the tables {@code value} lets the asker see and read. */
  public QueryOptions withGate(TableGate value) {
    return new QueryOptions(timeout, batchSize, cancellation, admissionWait, value);
  }
}
