package dev.tracelake.cli;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/** Writes records with hand-made {@code _lineage}, for lineage the demo does not produce. */
final class LineageFixtures {
  private LineageFixtures() {}

  private static final Field DECISION_ID =
      new Field("decision_id", FieldType.notNullable(new ArrowType.Int(64, true)), null);

  /**
   * Appends one record {@code recordId} to {@code audit.decisions} (created if need be) whose
   * {@code _lineage} names {@code inputTable}/{@code inputRecordId}.
   */
  static void appendDecision(
      Path warehouse, String recordId, String inputTable, String inputRecordId) {
    Field ref =
        new Field(
            "element",
            FieldType.notNullable(ArrowType.Struct.INSTANCE),
            List.of(
                new Field("table", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
                new Field("record_id", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
                new Field("snapshot_id", FieldType.nullable(new ArrowType.Int(64, true)), null)));
    Schema schema =
        new Schema(
            List.of(
                DECISION_ID,
                new Field("_record_id", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                new Field("_lineage", FieldType.nullable(ArrowType.List.INSTANCE), List.of(ref))));
    TableName name = TableName.parse("audit.decisions");
    try (RootAllocator allocator = new RootAllocator();
        Lake lake = Lake.open(LakeConfig.embedded(warehouse));
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      LakeTable table =
          lake.exists(name)
              ? lake.table(name)
              : lake.createTable(name, new Schema(List.of(DECISION_ID)));
      root.allocateNew();
      ((BigIntVector) root.getVector("decision_id")).setSafe(0, 1L);
      ((VarCharVector) root.getVector("_record_id"))
          .setSafe(0, recordId.getBytes(StandardCharsets.UTF_8));
      ListVector lineage = (ListVector) root.getVector("_lineage");
      StructVector refs = (StructVector) lineage.getDataVector();
      int start = lineage.startNewValue(0);
      refs.setIndexDefined(start);
      ((VarCharVector) refs.getChild("table"))
          .setSafe(start, inputTable.getBytes(StandardCharsets.UTF_8));
      ((VarCharVector) refs.getChild("record_id"))
          .setSafe(start, inputRecordId.getBytes(StandardCharsets.UTF_8));
      refs.getChild("snapshot_id").setNull(start);
      lineage.endValue(0, 1);
      root.setRowCount(1);
      Provenance provenance =
          Provenance.builder().codeCommit("abc123").runId("audit-run").producer("test").build();
      try (PendingAppend append = table.newAppend(provenance)) {
        append.write(root);
        append.commit();
      }
    }
  }
}
