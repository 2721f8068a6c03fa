package dev.tracelake.cli;

import dev.tracelake.lake.MetadataColumns;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The demo's rows: transactions with features, and fraud scores derived from them. Values depend
 * only on the entity id, so runs are reproducible.
 */
final class DemoData {
  static final Schema FEATURES =
      new Schema(
          List.of(
              new Field("entity_id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
              new Field("amount", FieldType.nullable(doubleType()), null),
              new Field("country", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
              new Field(
                  "event_time",
                  FieldType.nullable(new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)),
                  null)));

  static final Schema PREDICTIONS =
      new Schema(
          List.of(
              new Field("entity_id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
              new Field("score", FieldType.nullable(doubleType()), null),
              new Field("label", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));

  private static final String[] COUNTRIES = {"NL", "DE", "FR", "US", "JP"};
  private static final long FIRST_EVENT_MICROS =
      ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse("2024-01-01T00:00:00Z"));

  private DemoData() {}

  private static ArrowType doubleType() {
    return new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
  }

  /** Returns {@code rows} feature rows for entity ids from {@code firstId}. */
  static VectorSchemaRoot features(BufferAllocator allocator, long firstId, int rows) {
    VectorSchemaRoot root = VectorSchemaRoot.create(FEATURES, allocator);
    root.allocateNew();
    BigIntVector id = (BigIntVector) root.getVector("entity_id");
    Float8Vector amount = (Float8Vector) root.getVector("amount");
    VarCharVector country = (VarCharVector) root.getVector("country");
    TimeStampMicroVector time = (TimeStampMicroVector) root.getVector("event_time");
    for (int i = 0; i < rows; i++) {
      long entity = firstId + i;
      id.setSafe(i, entity);
      amount.setSafe(i, amount(entity));
      country.setSafe(i, utf8(COUNTRIES[(int) (entity % COUNTRIES.length)]));
      time.setSafe(i, FIRST_EVENT_MICROS + entity * 60_000_000L);
    }
    root.setRowCount(rows);
    return root;
  }

  /**
   * Returns one prediction per feature row, each carrying a {@code _lineage} entry that points at
   * the feature record it was scored from, at the snapshot it was read in.
   *
   * @param lineageField the table's {@code _lineage} column
   * @param featureIds the {@code _record_id}s of the feature rows, in entity id order
   */
  static VectorSchemaRoot predictions(
      BufferAllocator allocator,
      Field lineageField,
      String featuresTable,
      long firstId,
      List<String> featureIds,
      long featuresSnapshotId) {
    List<Field> fields = new ArrayList<>(PREDICTIONS.getFields());
    fields.add(lineageField);
    VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), allocator);
    root.allocateNew();
    BigIntVector id = (BigIntVector) root.getVector("entity_id");
    Float8Vector score = (Float8Vector) root.getVector("score");
    VarCharVector label = (VarCharVector) root.getVector("label");
    ListVector lineage = (ListVector) root.getVector(MetadataColumns.LINEAGE);
    StructVector inputs = (StructVector) lineage.getDataVector();
    VarCharVector inputTable = inputs.getChild(MetadataColumns.LINEAGE_TABLE, VarCharVector.class);
    VarCharVector inputRecord =
        inputs.getChild(MetadataColumns.LINEAGE_RECORD_ID, VarCharVector.class);
    BigIntVector inputSnapshot =
        inputs.getChild(MetadataColumns.LINEAGE_SNAPSHOT_ID, BigIntVector.class);
    int rows = featureIds.size();
    for (int i = 0; i < rows; i++) {
      long entity = firstId + i;
      double s = Math.min(1.0, amount(entity) / 100.0);
      id.setSafe(i, entity);
      score.setSafe(i, s);
      label.setSafe(i, utf8(s > 0.8 ? "fraud" : "ok"));
      int at = lineage.startNewValue(i);
      inputTable.setSafe(at, utf8(featuresTable));
      inputRecord.setSafe(at, utf8(featureIds.get(i)));
      inputSnapshot.setSafe(at, featuresSnapshotId);
      inputs.setIndexDefined(at);
      lineage.endValue(i, 1);
    }
    inputs.setValueCount(rows);
    root.setRowCount(rows);
    return root;
  }

  /** Returns the demo amount of an entity, between 0 and 100. */
  static double amount(long entity) {
    return Math.floorMod(entity * 7919, 10_000) / 100.0;
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
