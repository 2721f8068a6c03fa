package dev.tracelake.query;

import dev.tracelake.lake.AppendResult;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.LakeScan;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.ScanBatches;
import dev.tracelake.lake.TableName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.JsonStringArrayList;
import org.apache.arrow.vector.util.JsonStringHashMap;
import org.apache.arrow.vector.util.Text;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real embedded lake in a temp dir and a real SQL engine over it. The engine's Arrow allocator is
 * closed after each test, so a result left open or a leaked buffer fails the test.
 */
abstract class QueryTestBase {
  static final Provenance PROV =
      Provenance.builder()
          .codeCommit("abc123")
          .model("fraud", "v3")
          .runId("run-1")
          .producer("test")
          .build();

  static final Schema EVENTS =
      new Schema(
          List.of(
              new Field("event_id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
              new Field("user", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
              new Field(
                  "amount",
                  FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                  null)));

  @TempDir Path warehouse;
  RootAllocator allocator;
  Lake lake;
  SqlEngine engine;

  /** What a query returned. */
  record Answer(
      List<String> columns,
      List<List<Object>> rows,
      List<TableReference> references,
      long rowCount) {
    /** Returns the single value of a one-row, one-column answer. */
    Object value() {
      return rows.get(0).get(0);
    }

    List<Object> column(int index) {
      return rows.stream().map(r -> r.get(index)).toList();
    }
  }

  @BeforeEach
  void openLake() {
    allocator = new RootAllocator();
    lake = Lake.open(LakeConfig.embedded(warehouse));
    engine = SqlEngine.create(lake, config());
  }

  SqlEngineConfig config() {
    return SqlEngineConfig.defaults();
  }

  @AfterEach
  void closeLake() {
    engine.close();
    lake.close();
    allocator.close();
  }

  LakeTable events() {
    return lake.createTable(TableName.parse("events"), EVENTS);
  }

  /** Appends ids [from, from + count): user "u{id % 3}", amount id * 1.5. */
  AppendResult appendEvents(LakeTable table, long from, int count) {
    return appendEvents(table, from, count, PROV);
  }

  AppendResult appendEvents(LakeTable table, long from, int count, Provenance provenance) {
    try (VectorSchemaRoot root = eventsBatch(table, from, count)) {
      return table.append(provenance, root);
    }
  }

  /**
   * Returns an events batch in the table's current schema: {@code user} (or {@code customer} after
   * a rename) and {@code amount} filled, columns added later null.
   */
  VectorSchemaRoot eventsBatch(LakeTable table, long from, int count) {
    List<Field> userColumns =
        table.arrowSchema().getFields().stream().filter(f -> !f.getName().startsWith("_")).toList();
    VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(userColumns), allocator);
    root.allocateNew();
    for (int i = 0; i < count; i++) {
      long v = from + i;
      ((BigIntVector) root.getVector("event_id")).setSafe(i, v);
      for (String name : List.of("user", "customer")) {
        if (root.getVector(name) != null) {
          ((VarCharVector) root.getVector(name))
              .setSafe(i, ("u" + (v % 3)).getBytes(StandardCharsets.UTF_8));
        }
      }
      ((Float8Vector) root.getVector("amount")).setSafe(i, v * 1.5);
    }
    root.setRowCount(count);
    return root;
  }

  Answer query(String sql) {
    return query(sql, QueryOptions.defaults());
  }

  Answer query(String sql, QueryOptions options) {
    try (QueryResult result = engine.execute(sql, options)) {
      ArrowReader reader = result.reader();
      List<String> columns = result.schema().getFields().stream().map(Field::getName).toList();
      List<List<Object>> rows = new ArrayList<>();
      while (reader.loadNextBatch()) {
        rows.addAll(rowsOf(reader.getVectorSchemaRoot()));
      }
      return new Answer(columns, rows, result.references(), result.rowCount().orElseThrow());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<List<Object>> rows(String sql) {
    return query(sql).rows();
  }

  /** Reads a lake-core scan, the reference reader, as rows of normalized values. */
  List<List<Object>> lakeRows(LakeScan scan) {
    List<List<Object>> rows = new ArrayList<>();
    try (ScanBatches batches = scan.open(allocator)) {
      while (batches.loadNextBatch()) {
        rows.addAll(rowsOf(batches.root()));
      }
    }
    return rows;
  }

  static List<List<Object>> rowsOf(VectorSchemaRoot root) {
    List<List<Object>> rows = new ArrayList<>();
    for (int r = 0; r < root.getRowCount(); r++) {
      List<Object> row = new ArrayList<>();
      for (FieldVector v : root.getFieldVectors()) {
        row.add(normalize(v.getObject(r)));
      }
      rows.add(row);
    }
    return rows;
  }

  static Map<String, Object> named(Answer answer, int row) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int c = 0; c < answer.columns().size(); c++) {
      out.put(answer.columns().get(c), answer.rows().get(row).get(c));
    }
    return out;
  }

  /** Arrow's Java values as plain comparable values: text, hex for bytes, JSON for nested. */
  static Object normalize(Object value) {
    if (value instanceof Text t) {
      return t.toString();
    }
    if (value instanceof byte[] b) {
      return HexFormat.of().formatHex(b);
    }
    if (value instanceof JsonStringArrayList<?> || value instanceof JsonStringHashMap<?, ?>) {
      return value.toString();
    }
    return value;
  }

  static List<List<Object>> sorted(List<List<Object>> rows) {
    List<List<Object>> copy = new ArrayList<>(rows);
    copy.sort(Comparator.comparing(Object::toString));
    return copy;
  }
}
