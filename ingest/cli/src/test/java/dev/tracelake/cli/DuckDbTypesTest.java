package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.junit.jupiter.api.Test;

class DuckDbTypesTest {
  private static Field field(String name, ArrowType type, Field... children) {
    return new Field(name, FieldType.nullable(type), List.of(children));
  }

  @Test
  void lineageColumnBecomesAListOfStructs() {
    Field lineage =
        field(
            "_lineage",
            ArrowType.List.INSTANCE,
            field(
                "element",
                ArrowType.Struct.INSTANCE,
                field("table", ArrowType.Utf8.INSTANCE),
                field("record_id", ArrowType.Utf8.INSTANCE),
                field("snapshot_id", new ArrowType.Int(64, true))));

    assertThat(DuckDbTypes.of(lineage))
        .contains("STRUCT(\"table\" VARCHAR, \"record_id\" VARCHAR, \"snapshot_id\" BIGINT)[]");
  }

  @Test
  void primitivesMapToTheirDuckDbNames() {
    assertThat(DuckDbTypes.of(field("a", new ArrowType.Int(32, true)))).contains("INTEGER");
    assertThat(DuckDbTypes.of(field("a", new ArrowType.Decimal(10, 2, 128))))
        .contains("DECIMAL(10, 2)");
    assertThat(DuckDbTypes.of(field("a", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null))))
        .contains("TIMESTAMP");
    assertThat(DuckDbTypes.of(field("a", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"))))
        .contains("TIMESTAMPTZ");
    assertThat(DuckDbTypes.of(field("a", new ArrowType.FixedSizeBinary(16)))).isEmpty();
  }

  @Test
  void mapsNameKeyAndValueTypes() {
    Field map =
        field(
            "m",
            new ArrowType.Map(false),
            new Field(
                "entries",
                FieldType.notNullable(ArrowType.Struct.INSTANCE),
                List.of(
                    new Field("key", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
                    field(
                        "value",
                        new ArrowType.FloatingPoint(
                            org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE)))));

    assertThat(DuckDbTypes.of(map)).contains("MAP(VARCHAR, DOUBLE)");
  }
}
