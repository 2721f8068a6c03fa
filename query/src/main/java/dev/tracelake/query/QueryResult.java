package dev.tracelake.query;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The result of one query: its rows as a stream of Arrow batches and the snapshot each table
 * reference was pinned to. Read it on one thread; {@link #cancel()} may come from any thread. Close
 * it (in try-with-resources) to release its DuckDB database and Arrow memory.
 *
 * <pre>{@code
 * try (QueryResult result = engine.execute(sql, QueryOptions.defaults())) {
 *   ArrowReader reader = result.reader();
 *   while (reader.loadNextBatch()) {
 *     VectorSchemaRoot batch = reader.getVectorSchemaRoot();
 *     ...
 *   }
 * }
 * }</pre>
 */
public final class QueryResult implements AutoCloseable {
  private final ResultReader reader;
  private final List<TableReference> references;
  private final QueryExecution execution;
  private final List<AutoCloseable> resources;
  private boolean closed;

  QueryResult(
      ResultReader reader,
      List<TableReference> references,
      QueryExecution execution,
      List<AutoCloseable> resources) {
    this.reader = reader;
    this.references = List.copyOf(references);
    this.execution = execution;
    this.resources = List.copyOf(resources);
  }

  /**
   * Returns the stream of result batches. {@code loadNextBatch()} throws {@link QueryException}
   * (CANCELLED or DEADLINE_EXCEEDED) once the query was stopped.
   */
  public ArrowReader reader() {
    return reader;
  }

  /** Returns the schema of every batch. */
  public Schema schema() {
    try {
      return reader.getVectorSchemaRoot().getSchema();
    } catch (IOException e) {
      throw new QueryException(QueryErrorKind.INTERNAL, "Cannot read the result schema", e);
    }
  }

  /** Returns each table version the query read, with the snapshot it was pinned to. */
  public List<TableReference> references() {
    return references;
  }

  /** Returns how many rows the result had, once the reader has delivered its last batch. */
  public OptionalLong rowCount() {
    return reader.rowCount();
  }

  /**
   * Returns whether the query was stopped: its timeout passed or it was cancelled. The next batch
   * load then fails; a transport waiting for its client to take more stops waiting. Safe from any
   * thread.
   */
  public boolean isStopped() {
    return reader.stopped();
  }

  /** Cancels the query: the next batch load fails with CANCELLED. Safe from any thread. */
  public void cancel() {
    execution.cancel();
  }

  /** Releases the query's DuckDB database and Arrow memory. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    execution.finish();
    List<AutoCloseable> all = new ArrayList<>();
    all.add(reader);
    all.addAll(resources);
    Resources.closeAll(all);
  }
}
