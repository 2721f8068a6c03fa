package dev.tracelake.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

class TypesRoundTripTest extends LakeTestBase {

  private static Field f(String name, ArrowType type, Field... children) {
    return new Field(
        name, FieldType.nullable(type), children.length == 0 ? null : List.of(children));
  }

  @Test
  void everySupportedTypeReadsBackAsWritten() {
    Schema schema =
        new Schema(
            List.of(
                f("flag", ArrowType.Bool.INSTANCE),
                f("small", new ArrowType.Int(32, true)),
                f("ratio", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
                f("price", new ArrowType.Decimal(10, 2, 128)),
                f("day", new ArrowType.Date(DateUnit.DAY)),
                f("at", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")),
                f("local_ms", new ArrowType.Timestamp(TimeUnit.MILLISECOND, null)),
                f("blob", ArrowType.Binary.INSTANCE),
                f("tags", ArrowType.List.INSTANCE, f("element", ArrowType.Utf8.INSTANCE)),
                f(
                    "point",
                    ArrowType.Struct.INSTANCE,
                    f("x", new ArrowType.Int(32, true)),
                    f("label", ArrowType.Utf8.INSTANCE)),
                new Field(
                    "attrs",
                    FieldType.nullable(new ArrowType.Map(false)),
                    List.of(
                        new Field(
                            "entries",
                            FieldType.notNullable(ArrowType.Struct.INSTANCE),
                            List.of(
                                new Field(
                                    "key", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
                                f("value", new ArrowType.Int(32, true))))))));
    LakeTable table = lake.createTable(TableName.parse("typed"), schema);

    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      root.allocateNew();
      ((BitVector) root.getVector("flag")).setSafe(0, 1);
      ((IntVector) root.getVector("small")).setSafe(0, -7);
      ((Float4Vector) root.getVector("ratio")).setSafe(0, 0.25f);
      ((DecimalVector) root.getVector("price")).setSafe(0, new BigDecimal("1234.56"));
      ((DateDayVector) root.getVector("day")).setSafe(0, 20_000);
      ((TimeStampMicroTZVector) root.getVector("at")).setSafe(0, 1_700_000_000_123_456L);
      ((TimeStampMilliVector) root.getVector("local_ms")).setSafe(0, 1_700_000_000_123L);
      ((VarBinaryVector) root.getVector("blob")).setSafe(0, new byte[] {1, 2, 3});
      ListVector tags = (ListVector) root.getVector("tags");
      int start = tags.startNewValue(0);
      ((VarCharVector) tags.getDataVector()).setSafe(start, "a".getBytes(StandardCharsets.UTF_8));
      ((VarCharVector) tags.getDataVector())
          .setSafe(start + 1, "b".getBytes(StandardCharsets.UTF_8));
      tags.endValue(0, 2);
      StructVector point = (StructVector) root.getVector("point");
      point.setIndexDefined(0);
      ((IntVector) point.getChild("x")).setSafe(0, 3);
      ((VarCharVector) point.getChild("label")).setSafe(0, "p".getBytes(StandardCharsets.UTF_8));
      MapVector attrs = (MapVector) root.getVector("attrs");
      StructVector entries = (StructVector) attrs.getDataVector();
      int m = attrs.startNewValue(0);
      entries.setIndexDefined(m);
      ((VarCharVector) entries.getChild("key")).setSafe(m, "k".getBytes(StandardCharsets.UTF_8));
      ((IntVector) entries.getChild("value")).setSafe(m, 9);
      attrs.endValue(0, 1);
      // row 1: all nulls
      for (var v : root.getFieldVectors()) {
        if (v instanceof org.apache.arrow.vector.BaseFixedWidthVector fw) {
          fw.setNull(1);
        } else if (v instanceof org.apache.arrow.vector.BaseVariableWidthVector vw) {
          vw.setNull(1);
        } else if (v instanceof ListVector lv) {
          lv.setNull(1);
        } else if (v instanceof StructVector sv) {
          sv.setNull(1);
        }
      }
      root.setRowCount(2);
      table.append(PROV, root);
    }

    List<Map<String, Object>> rows =
        rows(
            table
                .scan()
                .select(
                    "flag",
                    "small",
                    "ratio",
                    "price",
                    "day",
                    "at",
                    "local_ms",
                    "blob",
                    "tags",
                    "point",
                    "attrs"));
    assertThat(rows).hasSize(2);
    Map<String, Object> row =
        rows.stream().filter(r -> r.get("flag") != null).findFirst().orElseThrow();
    assertThat(row.get("flag")).isEqualTo(true);
    assertThat(row.get("small")).isEqualTo(-7);
    assertThat(row.get("ratio")).isEqualTo(0.25f);
    assertThat(row.get("price")).isEqualTo(new BigDecimal("1234.56"));
    assertThat(row.get("day")).isEqualTo(20_000);
    assertThat(row.get("at")).isEqualTo(1_700_000_000_123_456L);
    assertThat(row.get("local_ms"))
        .isEqualTo(java.time.LocalDateTime.of(2023, 11, 14, 22, 13, 20, 123_000_000));
    assertThat((byte[]) row.get("blob")).containsExactly(1, 2, 3);
    assertThat(row.get("tags").toString()).isEqualTo("[\"a\",\"b\"]");
    assertThat(row.get("point").toString()).isEqualTo("{\"x\":3,\"label\":\"p\"}");
    assertThat(row.get("attrs").toString()).isEqualTo("[{\"key\":\"k\",\"value\":9}]");
    Map<String, Object> nulls =
        rows.stream().filter(r -> r.get("flag") == null).findFirst().orElseThrow();
    assertThat(nulls.values()).containsOnlyNulls();
    assertThat(table.describe().columns())
        .extracting(ColumnInfo::type)
        .startsWith(
            "boolean",
            "int",
            "float",
            "decimal(10, 2)",
            "date",
            "timestamptz",
            "timestamp",
            "binary",
            "list<string>");
  }
}
