package dev.tracelake.lake;

import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Schema;

/**
 * Checks batches against one version of a table's schema without writing anything: the same checks
 * an append makes (columns, types, required values), so a batch that passes here is accepted by
 * {@link PendingAppend#write} on the same schema. Also builds batches from JSON rows. Thread-safe;
 * obtain one from {@link LakeTable#batchChecker()} and refresh it when the schema changes.
 */
public final class BatchChecker {
  private final TableName table;
  private final Schema schema;

  BatchChecker(TableName table, Schema schema) {
    this.table = table;
    this.schema = schema;
  }

  /**
   * Checks every row of a batch.
   *
   * @throws LakeException INVALID_ARGUMENT naming the column, the row and the types at fault
   */
  public void check(VectorSchemaRoot batch) {
    PendingAppend.checkBatch(table, schema, batch);
  }

  /**
   * Builds an Arrow batch from JSON objects, one per row, with the table's writable columns.
   *
   * @throws LakeException INVALID_ARGUMENT naming the row, the column and the value at fault
   */
  public VectorSchemaRoot fromJson(List<String> rows, BufferAllocator allocator) {
    return JsonBatches.toArrow(table, schema, rows, allocator);
  }
}
