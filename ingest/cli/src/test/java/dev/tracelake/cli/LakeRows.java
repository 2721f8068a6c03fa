package dev.tracelake.cli;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.LakeScan;
import dev.tracelake.lake.ScanBatches;
import dev.tracelake.lake.TableName;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Reads rows back through lake-core, to check what a command wrote. */
final class LakeRows {
  private LakeRows() {}

  /** Returns the rows of a scan as maps of column name to a plain value. */
  static List<Map<String, Object>> read(
      Path warehouse, String table, UnaryOperator<LakeScan> refine) {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (RootAllocator allocator = new RootAllocator();
        Lake lake = Lake.open(LakeConfig.embedded(warehouse));
        ScanBatches batches =
            refine.apply(lake.table(TableName.parse(table)).scan()).open(allocator)) {
      while (batches.loadNextBatch()) {
        VectorSchemaRoot root = batches.root();
        for (int r = 0; r < root.getRowCount(); r++) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (FieldVector vector : root.getFieldVectors()) {
            Object value = vector.getObject(r);
            row.put(vector.getName(), value == null ? null : plain(value));
          }
          rows.add(row);
        }
      }
    }
    return rows;
  }

  private static Object plain(Object value) {
    if (value instanceof org.apache.arrow.vector.util.Text text) {
      return text.toString();
    }
    if (value instanceof List<?> list) {
      return list.stream().map(v -> v == null ? null : plain(v)).toList();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(k.toString(), v == null ? null : plain(v)));
      return copy;
    }
    return value;
  }
}
