package dev.tracelake.benchmarks.replay;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.MetadataColumns;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
 * The production history a replay re-runs, written through lake-core: {@code fraud.features} (one
 * row per scored event: user, amount, merchant risk, velocity) and {@code fraud.predictions} of
 * model fraud v3, prediction i citing feature i at the snapshot that committed it, both in {@code
 * appends} snapshots. Scores are a fixed logistic model, so the candidate and the checks can
 * recompute them.
 */
final class ReplayData {
  static final TableName FEATURES = TableName.parse("fraud.features");
  static final TableName PREDICTIONS = TableName.parse("fraud.predictions");
  private static final int BATCH_ROWS = 20_000;
  private static final Schema FEATURE_COLUMNS =
      new Schema(
          List.of(
              field("user_id", ArrowType.Utf8.INSTANCE),
              field("txn_amount", dbl()),
              field("merchant_risk", dbl()),
              field("velocity_1h", new ArrowType.Int(64, true))));
  private static final Schema PREDICTION_COLUMNS =
      new Schema(
          List.of(
              field("user_id", ArrowType.Utf8.INSTANCE),
              field("fraud_score", dbl()),
              field("decision", ArrowType.Utf8.INSTANCE)));

  private final Lake lake;
  private final BufferAllocator allocator;
  private final long count;
  private final int appends;
  private final List<Long> featureSnapshots = new ArrayList<>();

  ReplayData(Lake lake, BufferAllocator allocator, long count, int appends) {
    this.lake = lake;
    this.allocator = allocator;
    this.count = count;
    this.appends = appends;
  }

  static double amount(long i) {
    return (i * 2_654_435_761L % 500_000) / 100.0;
  }

  static double risk(long i) {
    return (i * 40_503L % 1000) / 1000.0;
  }

  static long velocity(long i) {
    return i * 7 % 23;
  }

  /** Fraud v3: the production model. */
  static double v3(double amount, double risk, long velocity) {
    return score(-4.0 + 0.004 * amount + 3.0 * risk + 0.15 * velocity);
  }

  /** Fraud v4: the candidate, recalibrated. */
  static double v4(double amount, double risk, long velocity) {
    return score(-4.3 + 0.0042 * amount + 3.6 * risk + 0.22 * velocity);
  }

  static String decision(double score) {
    return score >= 0.8 ? "block" : score >= 0.45 ? "review" : "approve";
  }

  private static double score(double z) {
    return Math.round(1000.0 / (1.0 + Math.exp(-z))) / 1000.0;
  }

  /** Writes both tables. */
  void write() {
    LakeTable features = lake.createTable(FEATURES, FEATURE_COLUMNS);
    Provenance featureJob =
        Provenance.builder().runId("features-1").codeCommit("feed123").producer("bench").build();
    for (int a = 0; a < appends; a++) {
      featureSnapshots.add(append(features, featureJob, a, false));
    }
    LakeTable predictions = lake.createTable(PREDICTIONS, PREDICTION_COLUMNS);
    Provenance v3 =
        Provenance.builder()
            .model("fraud", "v3")
            .runId("scoring-v3")
            .codeCommit("abc3def")
            .producer("bench")
            .build();
    for (int a = 0; a < appends; a++) {
      append(predictions, v3, a, true);
    }
  }

  private long from(int append) {
    return count * append / appends;
  }

  private long append(LakeTable table, Provenance provenance, int a, boolean predictions) {
    long to = from(a + 1);
    try (PendingAppend append = table.newAppend(provenance)) {
      for (long b = from(a); b < to; b += BATCH_ROWS) {
        int rows = (int) Math.min(BATCH_ROWS, to - b);
        try (VectorSchemaRoot batch =
            predictions ? predictionBatch(a, b, rows) : featureBatch(b, rows)) {
          append.write(batch);
        }
      }
      return append.commit().snapshotId();
    }
  }

  private VectorSchemaRoot featureBatch(long from, int rows) {
    VectorSchemaRoot root = allocate(FEATURE_COLUMNS, false, rows);
    for (int r = 0; r < rows; r++) {
      long i = from + r;
      ((VarCharVector) root.getVector("user_id")).setSafe(r, bytes("user-" + i % 200_000));
      ((Float8Vector) root.getVector("txn_amount")).setSafe(r, amount(i));
      ((Float8Vector) root.getVector("merchant_risk")).setSafe(r, risk(i));
      ((BigIntVector) root.getVector("velocity_1h")).setSafe(r, velocity(i));
      ((VarCharVector) root.getVector(MetadataColumns.RECORD_ID)).setSafe(r, bytes("f-" + i));
    }
    root.setRowCount(rows);
    return root;
  }

  private VectorSchemaRoot predictionBatch(int a, long from, int rows) {
    VectorSchemaRoot root = allocate(PREDICTION_COLUMNS, true, rows);
    ListVector lineage = (ListVector) root.getVector(MetadataColumns.LINEAGE);
    StructVector struct = (StructVector) lineage.getDataVector();
    VarCharVector tables = struct.getChild(MetadataColumns.LINEAGE_TABLE, VarCharVector.class);
    VarCharVector ids = struct.getChild(MetadataColumns.LINEAGE_RECORD_ID, VarCharVector.class);
    BigIntVector snapshots =
        struct.getChild(MetadataColumns.LINEAGE_SNAPSHOT_ID, BigIntVector.class);
    byte[] featureTable = bytes(FEATURES.toString());
    for (int r = 0; r < rows; r++) {
      long i = from + r;
      double score = v3(amount(i), risk(i), velocity(i));
      ((VarCharVector) root.getVector("user_id")).setSafe(r, bytes("user-" + i % 200_000));
      ((Float8Vector) root.getVector("fraud_score")).setSafe(r, score);
      ((VarCharVector) root.getVector("decision")).setSafe(r, bytes(decision(score)));
      ((VarCharVector) root.getVector(MetadataColumns.RECORD_ID)).setSafe(r, bytes("p-" + i));
      int at = lineage.startNewValue(r);
      struct.setIndexDefined(at);
      tables.setSafe(at, featureTable);
      ids.setSafe(at, bytes("f-" + i));
      snapshots.setSafe(at, featureSnapshots.get(a));
      lineage.endValue(r, 1);
    }
    tables.setValueCount(rows);
    ids.setValueCount(rows);
    snapshots.setValueCount(rows);
    struct.setValueCount(rows);
    root.setRowCount(rows);
    return root;
  }

  private VectorSchemaRoot allocate(Schema user, boolean withLineage, int rows) {
    List<Field> fields = new ArrayList<>(user.getFields());
    fields.add(new Field(MetadataColumns.RECORD_ID, FieldType.notNullable(utf8()), null));
    if (withLineage) {
      fields.add(lineageField());
    }
    VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), allocator);
    for (FieldVector v : root.getFieldVectors()) {
      v.setInitialCapacity(rows);
    }
    root.allocateNew();
    return root;
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

  private static ArrowType dbl() {
    return new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
  }

  private static ArrowType utf8() {
    return ArrowType.Utf8.INSTANCE;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
