package dev.tracelake.query;

import java.io.IOException;
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
 * query exceptions, and rows are counted.
 */
final class ResultReader extends ArrowReader {
  private final ArrowReader source;
  private final QueryExecution execution;
  private final Function<Exception, QueryException> errors;
  private long rows;
  private boolean finished;

  ResultReader(
      BufferAllocator allocator,
      ArrowReader source,
      QueryExecution execution,
      Function<Exception, QueryException> errors) {
    super(allocator);
    this.source = source;
    this.execution = execution;
    this.errors = errors;
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
      loaded = source.loadNextBatch();
    } catch (IOException | RuntimeException e) {
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
    source.close();
  }

  @Override
  protected Schema readSchema() throws IOException {
    return source.getVectorSchemaRoot().getSchema();
  }
}
