package dev.tracelake.lake;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/** Builds small Arrow batches and reads scans back as plain rows, for tests. */
final class TestBatches {
  static final Schema EVENTS =
      new Schema(
          List.of(
              new Field("event_id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
              new Field("user", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
              new Field(
                  "amount",
                  FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                  null)));

  private TestBatches() {}

  /** Returns an events batch with ids [from, from + count), user "u{id % 3}", amount id * 1.5. */
  static VectorSchemaRoot events(BufferAllocator allocator, long from, int count) {
    VectorSchemaRoot root = VectorSchemaRoot.create(EVENTS, allocator);
    root.allocateNew();
    BigIntVector id = (BigIntVector) root.getVector("event_id");
    VarCharVector user = (VarCharVector) root.getVector("user");
    Float8Vector amount = (Float8Vector) root.getVector("amount");
    for (int i = 0; i < count; i++) {
      long v = from + i;
      id.setSafe(i, v);
      user.setSafe(i, ("u" + (v % 3)).getBytes(StandardCharsets.UTF_8));
      amount.setSafe(i, v * 1.5);
    }
    root.setRowCount(count);
    return root;
  }

  /** Returns a one-column batch of nullable ints named {@code column}. */
  static VectorSchemaRoot ints(BufferAllocator allocator, String column, Integer... values) {
    Schema schema =
        new Schema(
            List.of(new Field(column, FieldType.nullable(new ArrowType.Int(32, true)), null)));
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    root.allocateNew();
    IntVector v = (IntVector) root.getVector(0);
    for (int i = 0; i < values.length; i++) {
      if (values[i] == null) {
        v.setNull(i);
      } else {
        v.setSafe(i, values[i]);
      }
    }
    root.setRowCount(values.length);
    return root;
  }

  /** Reads every row of a scan as maps of column name to Arrow's Java value. */
  static List<Map<String, Object>> rows(LakeScan scan, BufferAllocator allocator) {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (ScanBatches batches = scan.open(allocator)) {
      while (batches.loadNextBatch()) {
        VectorSchemaRoot root = batches.root();
        for (int r = 0; r < root.getRowCount(); r++) {
          Map<String, Object> row = new java.util.LinkedHashMap<>();
          for (FieldVector v : root.getFieldVectors()) {
            Object value = v.getObject(r);
            row.put(v.getName(), value == null ? null : normalize(value));
          }
          rows.add(row);
        }
      }
    }
    return rows;
  }

  private static Object normalize(Object value) {
    if (value instanceof org.apache.arrow.vector.util.Text t) {
      return t.toString();
    }
    return value;
  }
}
