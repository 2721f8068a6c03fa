package dev.tracelake.pgwire;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
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

/**
 * Table {@code typed}: one column of every Iceberg type a Tracelake table can hold, one row of
 * values and one row of nulls.
 */
final class TypedTable {
  /** Each column, the PostgreSQL type it must report, and row 0's value in text format. */
  record Column(String name, String pgType, String text) {}

  static final List<Column> COLUMNS =
      List.of(
          new Column("flag", "bool", "t"),
          new Column("small", "int4", "-7"),
          new Column("big", "int8", "9007199254740993"),
          new Column("ratio", "float4", "0.25"),
          new Column("measure", "float8", "1e-05"),
          new Column("price", "numeric", "-1234.56"),
          new Column("label", "text", "grüße \"quoted\""),
          new Column("day", "date", "2024-10-04"),
          new Column("clock", "time", "13:14:15.123456"),
          new Column("at", "timestamptz", "2023-11-14 22:13:20.123456+00"),
          new Column("local_at", "timestamp", "2023-11-14 22:13:20.5"),
          new Column("blob", "bytea", "\\x010203ff"),
          new Column("fixed4", "bytea", "\\xdeadbeef"),
          new Column("tags", "_text", "{a,\"b c\",NULL}"),
          new Column("ids", "_int8", "{1,-2}"),
          new Column("point", "json", "{\"x\":3,\"label\":\"p\"}"),
          new Column("attrs", "json", "{\"k\":9}"));

  private TypedTable() {}

  private static Field f(String name, ArrowType type, Field... children) {
    return new Field(
        name, FieldType.nullable(type), children.length == 0 ? null : List.of(children));
  }

  static LakeTable create(Lake lake, BufferAllocator allocator, Provenance provenance) {
    Schema schema =
        new Schema(
            List.of(
                f("flag", ArrowType.Bool.INSTANCE),
                f("small", new ArrowType.Int(32, true)),
                f("big", new ArrowType.Int(64, true)),
                f("ratio", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
                f("measure", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                f("price", new ArrowType.Decimal(10, 2, 128)),
                f("label", ArrowType.Utf8.INSTANCE),
                f("day", new ArrowType.Date(DateUnit.DAY)),
                f("clock", new ArrowType.Time(TimeUnit.MICROSECOND, 64)),
                f("at", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")),
                f("local_at", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)),
                f("blob", ArrowType.Binary.INSTANCE),
                f("fixed4", new ArrowType.FixedSizeBinary(4)),
                f("tags", ArrowType.List.INSTANCE, f("element", ArrowType.Utf8.INSTANCE)),
                f("ids", ArrowType.List.INSTANCE, f("element", new ArrowType.Int(64, true))),
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
      ((BigIntVector) root.getVector("big")).setSafe(0, 9007199254740993L);
      ((Float4Vector) root.getVector("ratio")).setSafe(0, 0.25f);
      ((Float8Vector) root.getVector("measure")).setSafe(0, 0.00001);
      ((DecimalVector) root.getVector("price")).setSafe(0, new BigDecimal("-1234.56"));
      ((VarCharVector) root.getVector("label"))
          .setSafe(0, "grüße \"quoted\"".getBytes(StandardCharsets.UTF_8));
      ((DateDayVector) root.getVector("day")).setSafe(0, 20_000);
      ((TimeMicroVector) root.getVector("clock")).setSafe(0, 47_655_123_456L);
      ((TimeStampMicroTZVector) root.getVector("at")).setSafe(0, 1_700_000_000_123_456L);
      ((TimeStampMicroVector) root.getVector("local_at")).setSafe(0, 1_700_000_000_500_000L);
      ((VarBinaryVector) root.getVector("blob")).setSafe(0, new byte[] {1, 2, 3, (byte) 0xff});
      ((FixedSizeBinaryVector) root.getVector("fixed4"))
          .setSafe(0, new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef});
      ListVector tags = (ListVector) root.getVector("tags");
      int start = tags.startNewValue(0);
      VarCharVector tagValues = (VarCharVector) tags.getDataVector();
      tagValues.setSafe(start, "a".getBytes(StandardCharsets.UTF_8));
      tagValues.setSafe(start + 1, "b c".getBytes(StandardCharsets.UTF_8));
      tagValues.setNull(start + 2);
      tags.endValue(0, 3);
      ListVector ids = (ListVector) root.getVector("ids");
      int idStart = ids.startNewValue(0);
      ((BigIntVector) ids.getDataVector()).setSafe(idStart, 1);
      ((BigIntVector) ids.getDataVector()).setSafe(idStart + 1, -2);
      ids.endValue(0, 2);
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
      for (FieldVector v : root.getFieldVectors()) {
        if (v instanceof BaseFixedWidthVector fw) {
          fw.setNull(1);
        } else if (v instanceof BaseVariableWidthVector vw) {
          vw.setNull(1);
        } else if (v instanceof ListVector lv) {
          lv.setNull(1);
        } else if (v instanceof StructVector sv) {
          sv.setNull(1);
        }
      }
      root.setRowCount(2);
      table.append(provenance, root);
    }
    return table;
  }
}
