package dev.tracelake.benchmarks.lineage;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.MetadataColumns;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.Provenance;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes {@link FraudGraph} into the lake through lake-core, one snapshot per {@code appendRows}
 * records, each record with its writer-given {@code _record_id} and its {@code _lineage} inputs
 * citing the snapshot that committed them.
 */
final class GraphLoader {
  private static final int BATCH_ROWS = 10_000;
  private static final String[] ACTIONS = {"approve", "review", "decline"};

  private final Lake lake;
  private final FraudGraph graph;
  private final BufferAllocator allocator;
  // snapshot id per table and append, filled as tables are written
  private final List<List<Long>> snapshots = new ArrayList<>();

  GraphLoader(Lake lake, FraudGraph graph, BufferAllocator allocator) {
    this.lake = lake;
    this.graph = graph;
    this.allocator = allocator;
    for (int t = 0; t < FraudGraph.TABLES.size(); t++) {
      snapshots.add(new ArrayList<>());
    }
  }

  /** Returns the snapshot id that committed record {@code index} of a table. */
  long snapshotOf(int table, long index) {
    return snapshots.get(table).get(graph.appendOf(index));
  }

  /** Creates and writes every table of the graph; returns the seconds it took per table. */
  double[] writeAll(PrintStream out) {
    double[] seconds = new double[FraudGraph.TABLES.size()];
    for (int t = 0; t < FraudGraph.TABLES.size(); t++) {
      long start = System.nanoTime();
      LakeTable table = lake.createTable(FraudGraph.TABLES.get(t), userSchema(t));
      for (int a = 0; a < graph.appends(t); a++) {
        long from = (long) a * graph.appendRows();
        long to = Math.min(graph.size(t), from + graph.appendRows());
        snapshots.get(t).add(append(table, t, from, to, FraudGraph.provenance(t, a)));
      }
      seconds[t] = (System.nanoTime() - start) / 1e9;
      out.printf(
          Locale.ROOT,
          "  %s: %,d records, %,d edges, %d snapshots in %.1f s%n",
          FraudGraph.TABLES.get(t),
          graph.size(t),
          graph.size(t) * FraudGraph.inputCount(t),
          graph.appends(t),
          seconds[t]);
    }
    return seconds;
  }

  /**
   * Appends predictions {@code from} (inclusive) to {@code to} (exclusive) of the late model
   * version in one snapshot, each with 10 feature inputs.
   *
   * @return the snapshot id
   */
  long appendLatePredictions(long from, long to) {
    Provenance late =
        Provenance.builder()
            .runId("score-late")
            .codeCommit("score5678def")
            .model(FraudGraph.MODEL, FraudGraph.LATE_MODEL_VERSION)
            .producer("lineage-benchmark")
            .build();
    return append(
        lake.table(FraudGraph.TABLES.get(FraudGraph.PREDICTIONS)),
        FraudGraph.PREDICTIONS,
        from,
        to,
        late);
  }

  private long append(LakeTable table, int t, long from, long to, Provenance provenance) {
    try (PendingAppend append = table.newAppend(provenance)) {
      for (long b = from; b < to; b += BATCH_ROWS) {
        int count = (int) Math.min(BATCH_ROWS, to - b);
        try (VectorSchemaRoot batch = batch(t, b, count)) {
          append.write(batch);
        }
      }
      return append.commit().snapshotId();
    }
  }

  private VectorSchemaRoot batch(int t, long from, int count) {
    List<Field> fields = new ArrayList<>(userSchema(t).getFields());
    fields.add(new Field(MetadataColumns.RECORD_ID, FieldType.notNullable(utf8()), null));
    if (FraudGraph.inputCount(t) > 0) {
      fields.add(lineageField());
    }
    VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), allocator);
    try {
      for (FieldVector v : root.getFieldVectors()) {
        v.setInitialCapacity(count);
      }
      root.allocateNew();
      fillUserColumns(root, t, from, count);
      VarCharVector ids = (VarCharVector) root.getVector(MetadataColumns.RECORD_ID);
      for (int i = 0; i < count; i++) {
        ids.setSafe(i, bytes(FraudGraph.id(t, from + i)));
      }
      if (FraudGraph.inputCount(t) > 0) {
        fillLineage((ListVector) root.getVector(MetadataColumns.LINEAGE), t, from, count);
      }
      root.setRowCount(count);
      return root;
    } catch (RuntimeException e) {
      root.close();
      throw e;
    }
  }

  private void fillLineage(ListVector lineage, int t, long from, int count) {
    int inputTable = FraudGraph.inputTable(t);
    byte[] tableName = bytes(FraudGraph.TABLES.get(inputTable).toString());
    StructVector struct = (StructVector) lineage.getDataVector();
    VarCharVector tables = struct.getChild(MetadataColumns.LINEAGE_TABLE, VarCharVector.class);
    VarCharVector recordIds =
        struct.getChild(MetadataColumns.LINEAGE_RECORD_ID, VarCharVector.class);
    BigIntVector snapshotIds =
        struct.getChild(MetadataColumns.LINEAGE_SNAPSHOT_ID, BigIntVector.class);
    int inputs = FraudGraph.inputCount(t);
    for (int i = 0; i < count; i++) {
      int offset = lineage.startNewValue(i);
      for (int k = 0; k < inputs; k++) {
        long input = graph.input(t, from + i, k);
        int at = offset + k;
        struct.setIndexDefined(at);
        tables.setSafe(at, tableName);
        recordIds.setSafe(at, bytes(FraudGraph.id(inputTable, input)));
        snapshotIds.setSafe(at, snapshotOf(inputTable, input));
      }
      lineage.endValue(i, inputs);
    }
    int children = count * inputs;
    tables.setValueCount(children);
    recordIds.setValueCount(children);
    snapshotIds.setValueCount(children);
    struct.setValueCount(children);
  }

  private static void fillUserColumns(VectorSchemaRoot root, int t, long from, int count) {
    for (int i = 0; i < count; i++) {
      long index = from + i;
      double value = (index * 2_654_435_761L % 100_000) / 100.0;
      switch (t) {
        case FraudGraph.RAW -> {
          ((VarCharVector) root.getVector("entity")).setSafe(i, bytes("user-" + index % 200_000));
          ((Float8Vector) root.getVector("amount")).setSafe(i, value);
        }
        case FraudGraph.FEATURES -> {
          ((VarCharVector) root.getVector("entity")).setSafe(i, bytes("user-" + index % 200_000));
          ((Float8Vector) root.getVector("value")).setSafe(i, value / 1000);
        }
        case FraudGraph.PREDICTIONS ->
            ((Float8Vector) root.getVector("score")).setSafe(i, value / 1000);
        case FraudGraph.DECISIONS ->
            ((VarCharVector) root.getVector("action"))
                .setSafe(i, bytes(ACTIONS[(int) (index % ACTIONS.length)]));
        default -> throw new IllegalArgumentException("No table " + t);
      }
    }
  }

  /** Returns the user columns of a table; lake-core adds the metadata columns. */
  static Schema userSchema(int t) {
    ArrowType dbl = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
    return new Schema(
        switch (t) {
          case FraudGraph.RAW -> List.of(field("entity", utf8()), field("amount", dbl));
          case FraudGraph.FEATURES -> List.of(field("entity", utf8()), field("value", dbl));
          case FraudGraph.PREDICTIONS -> List.of(field("score", dbl));
          case FraudGraph.DECISIONS -> List.of(field("action", utf8()));
          default -> throw new IllegalArgumentException("No table " + t);
        });
  }

  private static Field lineageField() {
    Field element =
        new Field(
            "element",
            FieldType.notNullable(ArrowType.Struct.INSTANCE),
            List.of(
                new Field(MetadataColumns.LINEAGE_TABLE, FieldType.notNullable(utf8()), null),
                new Field(MetadataColumns.LINEAGE_RECORD_ID, FieldType.notNullable(utf8()), null),
                new Field(
                    MetadataColumns.LINEAGE_SNAPSHOT_ID,
                    FieldType.nullable(new ArrowType.Int(64, true)),
                    null)));
    return new Field(
        MetadataColumns.LINEAGE, FieldType.nullable(ArrowType.List.INSTANCE), List.of(element));
  }

  private static Field field(String name, ArrowType type) {
    return new Field(name, FieldType.nullable(type), null);
  }

  private static ArrowType utf8() {
    return ArrowType.Utf8.INSTANCE;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
