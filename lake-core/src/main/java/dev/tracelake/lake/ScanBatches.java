package dev.tracelake.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Binder;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types.NestedField;

/**
 * The rows of a {@link LakeScan} as a stream of Arrow batches, in the manner of Arrow's {@code
 * ArrowReader}: call {@link #loadNextBatch()} and read {@link #root()} until it returns false. The
 * root is reused between batches. Close it to release the vectors and files.
 */
public final class ScanBatches implements AutoCloseable {
  private final SnapshotInfo snapshot;
  private final Schema schema;
  private final CloseableIterable<Record> records;
  private final Iterator<Record> iterator;
  private final VectorSchemaRoot root;
  private final ArrowVectorWriters.VectorWriter[] writers;
  private final int batchSize;

  private ScanBatches(
      Snapshot snapshot,
      Schema schema,
      CloseableIterable<Record> records,
      BufferAllocator allocator,
      int batchSize) {
    this.snapshot = snapshot == null ? null : SnapshotInfo.of(snapshot);
    this.schema = schema;
    this.records = records;
    this.iterator = records == null ? null : records.iterator();
    this.batchSize = batchSize;
    this.root = VectorSchemaRoot.create(ArrowSchemas.toArrow(schema), allocator);
    List<NestedField> columns = schema.columns();
    this.writers = new ArrowVectorWriters.VectorWriter[columns.size()];
    for (int i = 0; i < columns.size(); i++) {
      writers[i] = ArrowVectorWriters.forVector(root.getVector(i), columns.get(i).type());
    }
  }

  static ScanBatches open(
      TableName name,
      Table table,
      Snapshot snapshot,
      Long appendedAfter,
      Schema projected,
      List<Filter> filters,
      BufferAllocator allocator,
      int batchSize) {
    Expression where = Expressions.alwaysTrue();
    Schema bindSchema =
        snapshot != null
                && snapshot.schemaId() != null
                && table.schemas().get(snapshot.schemaId()) != null
            ? table.schemas().get(snapshot.schemaId())
            : table.schema();
    Set<Integer> filterColumns = new HashSet<>();
    for (Filter filter : filters) {
      Expression e = filter.toExpression();
      try {
        filterColumns.addAll(Binder.boundReferences(bindSchema.asStruct(), List.of(e), true));
      } catch (ValidationException | IllegalArgumentException | UnsupportedOperationException ex) {
        throw LakeException.invalid("Table %s: bad filter '%s': %s", name, filter, ex.getMessage());
      }
      where = Expressions.and(where, e);
    }
    // rows a file's statistics cannot rule out are filtered on the read records, so the read
    // schema holds the filtered columns too; they come after the projected ones, which keeps the
    // projected positions (only those reach the batches)
    filterColumns.removeIf(id -> projected.findField(id) != null);
    Schema read =
        filterColumns.isEmpty()
            ? projected
            : TypeUtil.join(projected, TypeUtil.select(bindSchema, filterColumns));
    CloseableIterable<Record> records = null;
    if (snapshot != null && (appendedAfter == null || appendedAfter != snapshot.snapshotId())) {
      IcebergGenerics.ScanBuilder builder = IcebergGenerics.read(table).project(read).where(where);
      records =
          appendedAfter == null
              ? builder.useSnapshot(snapshot.snapshotId()).build()
              : builder.appendsBetween(appendedAfter, snapshot.snapshotId()).build();
    }
    return new ScanBatches(snapshot, projected, records, allocator, batchSize);
  }

  /** Returns the snapshot being read; empty when the version had no snapshot (no rows). */
  public Optional<SnapshotInfo> snapshot() {
    return Optional.ofNullable(snapshot);
  }

  /** Returns the Arrow schema of every batch. */
  public org.apache.arrow.vector.types.pojo.Schema schema() {
    return root.getSchema();
  }

  /** Returns the root holding the current batch. */
  public VectorSchemaRoot root() {
    return root;
  }

  /**
   * Loads the next batch into {@link #root()}.
   *
   * @return false when there are no more rows
   */
  public boolean loadNextBatch() {
    if (iterator == null || !iterator.hasNext()) {
      root.setRowCount(0);
      return false;
    }
    for (FieldVector vector : root.getFieldVectors()) {
      vector.reset();
    }
    int rows = 0;
    while (rows < batchSize && iterator.hasNext()) {
      Record record = iterator.next();
      for (int c = 0; c < writers.length; c++) {
        writers[c].write(rows, record.get(c));
      }
      rows++;
    }
    root.setRowCount(rows);
    return true;
  }

  @Override
  public void close() {
    root.close();
    if (records != null) {
      try {
        records.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
