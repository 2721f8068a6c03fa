package dev.tracelake.query;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * DuckDB's Arrow stream of a result, as seen by the caller: batches come straight from DuckDB's
 * reader (same root, no copy), but each load first checks the query was not stopped, errors become
 * query exceptions, and rows are counted. DuckDB computes a streamed result while it is read, so
 * each load runs on a confined sandbox thread.
 */
final class ResultReader extends ArrowReader {
  private final ArrowReader source;
  private final QueryExecution execution;
  private final Function<Exception, QueryException> errors;
  private final SandboxThreads threads;
  private long rows;
  private boolean finished;

  ResultReader(
      BufferAllocator allocator,
      ArrowReader source,
      QueryExecution execution,
      Function<Exception, QueryException> errors,
      SandboxThreads threads) {
    super(allocator);
    this.source = source;
    this.execution = execution;
    this.errors = errors;
    this.threads = threads;
  }

  @Override
  public VectorSchemaRoot getVectorSchemaRoot() throws IOException {
    return source.getVectorSchemaRoot();
  }

  @Override
  public Map<Long, Dictionary> getDictionaryVectors() throws IOException {
    return source.getDictionaryVectors();
  }

  @Override
  public Dictionary lookup(long id) {
    return source.lookup(id);
  }

  @Override
  public Set<Long> getDictionaryIds() {
    return source.getDictionaryIds();
  }

  @Override
  public boolean loadNextBatch() {
    if (finished) {
      return false;
    }
    execution.checkNotStopped();
    boolean loaded;
    try {
      loaded = threads.call(this::loadOnSandboxThread);
    } catch (SQLException | RuntimeException e) {
      QueryException stopped = execution.stoppedException();
      throw stopped != null ? stopped : errors.apply(e);
    }
    if (!loaded) {
      finished = true;
      execution.finish();
      return false;
    }
    try {
      rows += source.getVectorSchemaRoot().getRowCount();
    } catch (IOException e) {
      throw errors.apply(e);
    }
    return true;
  }

  private boolean loadOnSandboxThread() throws SQLException {
    try {
      return source.loadNextBatch();
    } catch (IOException e) {
      throw new SQLException(e.getMessage(), e);
    }
  }

  /** Returns whether the query was stopped (timed out or cancelled) while its result streams. */
  boolean stopped() {
    return execution.stoppedException() != null;
  }

  /** Returns the rows delivered, once the last batch was read. */
  OptionalLong rowCount() {
    return finished ? OptionalLong.of(rows) : OptionalLong.empty();
  }

  @Override
  public long bytesRead() {
    return source.bytesRead();
  }

  @Override
  protected void closeReadSource() throws IOException {
    try {
      threads.call(
          () -> {
            try {
              source.close();
            } catch (IOException e) {
              throw new SQLException(e.getMessage(), e);
            }
            return null;
          });
    } catch (SQLException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  protected Schema readSchema() throws IOException {
    return source.getVectorSchemaRoot().getSchema();
  }
}
