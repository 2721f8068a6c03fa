package dev.tracelake.cli;

import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The rows of one query as Arrow batches, from the embedded engine or a server. Failures of the
 * query surface as {@link CliException}s carrying the engine's message.
 */
interface SqlBatches extends AutoCloseable {
  /** Returns the root holding the current batch; its schema is known before the first load. */
  VectorSchemaRoot root();

  /**
   * Loads the next batch into {@link #root()}.
   *
   * @return false at the end of the result
   * @throws CliException when the query fails while streaming
   */
  boolean loadNextBatch();

  /** Returns each table version the query read, e.g. {@code demo.features@8712356}. */
  List<String> pins();

  /** Releases the result; cancels the query if it is still streaming. */
  @Override
  void close();

  /**
   * Returns how a table reference is shown: {@code table@snapshot}, and the version unless main.
   */
  static String pin(String table, String version, java.util.OptionalLong snapshotId) {
    String at = snapshotId.isPresent() ? table + "@" + snapshotId.getAsLong() : table;
    return version.isEmpty() || version.equals("main") ? at : at + " (" + version + ")";
  }
}
