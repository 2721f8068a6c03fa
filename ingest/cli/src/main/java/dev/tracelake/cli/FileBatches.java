package dev.tracelake.cli;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.Statement;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBResultSet;

/**
 * The rows of a {@link SourceFile} as Arrow batches: call {@link #loadNextBatch()} and read {@link
 * #root()} until it returns false. The root is reused between batches.
 */
final class FileBatches implements AutoCloseable {
  private final SourceFile source;
  private final Statement statement;
  private final DuckDBResultSet rows;
  private final ArrowReader reader;

  FileBatches(SourceFile source, Statement statement, DuckDBResultSet rows, ArrowReader reader) {
    this.source = source;
    this.statement = statement;
    this.rows = rows;
    this.reader = reader;
  }

  /**
   * Loads the next batch into {@link #root()}.
   *
   * @return false when the file has no more rows
   * @throws CliException naming the file and line when DuckDB cannot read the rows
   */
  boolean loadNextBatch() {
    try {
      return reader.loadNextBatch();
    } catch (IOException e) {
      throw source.translate(e);
    }
  }

  VectorSchemaRoot root() {
    try {
      return reader.getVectorSchemaRoot();
    } catch (IOException e) {
      throw source.translate(e);
    }
  }

  @Override
  public void close() {
    try (statement;
        rows) {
      reader.close();
    } catch (IOException | SQLException e) {
      throw new IllegalStateException(
          "Cannot close the reader of " + source.file() + ": " + e.getMessage(), e);
    }
  }
}
