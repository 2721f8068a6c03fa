package dev.tracelake.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

class SchemaEvolutionTest extends LakeTestBase {
  private static final Schema V1 =
      new Schema(
          List.of(
              new Field("id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
              new Field("qty", FieldType.nullable(new ArrowType.Int(32, true)), null),
              new Field("name", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));

  @Test
  void addRenameAndWidenKeepEveryOlderSnapshotReadable() {
    LakeTable table = lake.createTable(TableName.parse("items"), V1);
    AppendResult s1;
    try (VectorSchemaRoot b = VectorSchemaRoot.create(V1, allocator)) {
      b.allocateNew();
      ((BigIntVector) b.getVector("id")).setSafe(0, 1L);
      ((IntVector) b.getVector("qty")).setSafe(0, 7);
      ((VarCharVector) b.getVector("name")).setSafe(0, "apple".getBytes(StandardCharsets.UTF_8));
      b.setRowCount(1);
      s1 = table.append(PROV, b);
    }

    table
        .updateSchema()
        .addColumn("color", ArrowType.Utf8.INSTANCE)
        .renameColumn("name", "label")
        .widenColumn("qty", new ArrowType.Int(64, true))
        .commit();

    Schema v2 =
        new Schema(
            List.of(
                new Field("id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
                new Field("qty", FieldType.nullable(new ArrowType.Int(64, true)), null),
                new Field("label", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                new Field("color", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));
    AppendResult s2;
    try (VectorSchemaRoot b = VectorSchemaRoot.create(v2, allocator)) {
      b.allocateNew();
      ((BigIntVector) b.getVector("id")).setSafe(0, 2L);
      ((BigIntVector) b.getVector("qty")).setSafe(0, 5_000_000_000L);
      ((VarCharVector) b.getVector("label")).setSafe(0, "pear".getBytes(StandardCharsets.UTF_8));
      ((VarCharVector) b.getVector("color")).setSafe(0, "green".getBytes(StandardCharsets.UTF_8));
      b.setRowCount(1);
      s2 = table.append(PROV, b);
    }

    // the old snapshot reads with the schema it was written with
    List<Map<String, Object>> old =
        rows(table.scan().atSnapshot(s1.snapshotId()).select("id", "qty", "name"));
    assertThat(old).containsExactly(Map.of("id", 1L, "qty", 7, "name", "apple"));

    // today's schema over all rows: renamed column keeps its data, added column is null for old
    // rows
    List<Map<String, Object>> now = rows(table.scan().select("id", "qty", "label", "color"));
    assertThat(now).hasSize(2);
    Map<String, Object> first =
        now.stream().filter(r -> r.get("id").equals(1L)).findFirst().orElseThrow();
    assertThat(first)
        .containsEntry("qty", 7L)
        .containsEntry("label", "apple")
        .containsEntry("color", null);
    Map<String, Object> second =
        now.stream().filter(r -> r.get("id").equals(2L)).findFirst().orElseThrow();
    assertThat(second)
        .containsEntry("qty", 5_000_000_000L)
        .containsEntry("label", "pear")
        .containsEntry("color", "green");
    assertThat(s2.snapshotId()).isNotEqualTo(s1.snapshotId());

    List<String> columns = table.describe().columns().stream().map(ColumnInfo::name).toList();
    assertThat(columns.subList(0, 4)).containsExactly("id", "qty", "label", "color");
    assertThat(columns.get(4)).isEqualTo("_record_id");
  }

  @Test
  void illegalChangesAreRefusedNamingTheColumnAndTypes() {
    LakeTable table = lake.createTable(TableName.parse("items"), V1);
    assertThatThrownBy(
            () -> table.updateSchema().widenColumn("name", new ArrowType.Int(64, true)).commit())
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("column 'name' cannot change from string to long");
    assertThatThrownBy(() -> table.updateSchema().renameColumn("missing", "x").commit())
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("has no column 'missing'");
    assertThatThrownBy(() -> table.updateSchema().renameColumn("_record_id", "x"))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("metadata column '_record_id' cannot be changed");
    assertThatThrownBy(
            () -> table.updateSchema().addColumn("qty", ArrowType.Utf8.INSTANCE).commit())
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("already has a column 'qty'");
    assertThat(table.describe().columns())
        .extracting(ColumnInfo::type)
        .startsWith("long", "int", "string");
  }
}
