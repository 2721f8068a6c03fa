package dev.tracelake.lineage;

import dev.tracelake.lake.ScanPlan;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Reads records by id for {@link Lineage#explain}: the rows of a planned snapshot whose {@code
 * _record_id} is one of the given ids. Without one, explain reads through lake-core's scan, whose
 * row-by-row reader decodes every row of a data file to find a few; a columnar reader that
 * evaluates the id filter first (DuckDB's, in the query module) reads a fraction of that.
 */
public interface RowSource {
  /**
   * Reads the rows of {@code plan}'s data files whose {@code _record_id} is one of {@code
   * recordIds}, with {@code plan}'s columns matched by field id, and hands each batch to {@code
   * batches} (valid only during the call).
   *
   * @param plan a snapshot's plan with at least one file
   * @param recordIds the ids wanted, at most a few hundred
   * @param allocator where the batches are allocated
   * @throws IOException when a file cannot be read
   */
  void read(
      ScanPlan plan,
      List<String> recordIds,
      BufferAllocator allocator,
      Consumer<VectorSchemaRoot> batches)
      throws IOException;
}
