package dev.tracelake.client;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Appends records to one table as one writer, exactly once. Obtain one from {@link
 * TracelakeClient#openWriter}.
 *
 * <p>Each append gets the writer's next offset, in the order appends are admitted, and its future
 * completes once the rows are in a committed snapshot. When the stream breaks or the server is
 * restarted, the writer reconnects with backoff and re-sends every unacknowledged append with its
 * offset; the server answers appends it had already committed with their original snapshot, so each
 * future completes once, and no row is written twice. A writer opened later with the same writer id
 * continues after the last committed offset.
 *
 * <p>At most {@link WriterOptions#maxInflightRequests()} appends (and {@link
 * WriterOptions#maxInflightBytes()} bytes) are outstanding; {@code append} blocks while the window
 * is full. A failure the server reports as final (an unknown column, a bad value, an offset gap)
 * fails that append's future and every later one, and the writer takes no more appends: open a new
 * writer with the same id to continue after the last committed offset.
 *
 * <p>Thread-safe: appends from many threads get distinct offsets.
 */
public interface TableWriter extends AutoCloseable {
  /** Returns the table written to, as given to {@link TracelakeClient#openWriter}. */
  String table();

  /** Returns the writer id. */
  String writerId();

  /**
   * Appends an Arrow batch. Columns are matched to the table's by name; optional columns that are
   * absent are null. A {@code _record_id} string column keeps the given ids, where not null; the
   * writer assigns the others. The batch is encoded before this method returns; the caller may
   * close or reuse it at once.
   *
   * @param batch the rows
   * @return the acknowledgement, once the rows are committed; completes exceptionally with a {@link
   *     TracelakeException} when they cannot be
   * @throws TracelakeException when the writer has failed before, or the wait for room in the
   *     window is interrupted (CANCELLED)
   * @throws IllegalStateException when the writer is closed
   * @throws IllegalArgumentException when {@code _record_id} is not a string column
   */
  CompletableFuture<AppendAck> append(VectorSchemaRoot batch);

  /**
   * Appends rows given as maps from column name to value, sent as JSON. Values are numbers,
   * strings, booleans, lists, maps, {@code byte[]} (binary), or {@code java.time} values
   * (timestamps and dates, written in ISO-8601). A row's {@code _lineage} is a list of {@link
   * RecordRef} or of maps with the keys {@code table}, {@code record_id}, {@code snapshot_id}. A
   * row's {@code _record_id} is kept when given; the writer assigns the others.
   *
   * @param rows the rows
   * @return the acknowledgement, once the rows are committed; completes exceptionally with a {@link
   *     TracelakeException} when they cannot be
   * @throws TracelakeException when the writer has failed before, or the wait for room in the
   *     window is interrupted (CANCELLED)
   * @throws IllegalStateException when the writer is closed
   * @throws IllegalArgumentException when a row cannot be written as JSON or its {@code _record_id}
   *     is not a string
   */
  CompletableFuture<AppendAck> appendRows(List<? extends Map<String, ?>> rows);

  /**
   * Waits until every append made before this call is acknowledged.
   *
   * @throws TracelakeException when the writer failed (with the failure's code) or the wait is
   *     interrupted (CANCELLED)
   */
  void flush();

  /**
   * Waits for every outstanding acknowledgement, then ends the stream. A failure already reported
   * through the appends' futures is not thrown again. Idempotent.
   *
   * @throws TracelakeException with code CANCELLED when interrupted while waiting; the outstanding
   *     appends then fail with the same code, and may or may not have been committed
   */
  @Override
  void close();
}
