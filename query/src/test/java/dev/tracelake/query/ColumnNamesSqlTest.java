package dev.tracelake.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.TableName;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/**
 * Column names that Iceberg's Parquet writer stores under a sanitized name (not valid Avro names:
 * {@code a-b} is written {@code a_x2Db}) read back under their own names, in a table whose schema
 * never changed too (where columns are otherwise read by name).
 */
class ColumnNamesSqlTest extends QueryTestBase {
  private static final String ODD = "<svg onload=x>\"'";

  @Test
  void columnsStoredUnderSanitizedNamesAreReadByFieldId() {
    LakeTable t =
        lake.createTable(
            TableName.parse("notes"),
            new Schema(
                List.of(
                    new Field("a-b", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                    new Field(ODD, FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                    new Field("été", FieldType.nullable(ArrowType.Utf8.INSTANCE), null))));
    try (VectorSchemaRoot batch =
        t.batchChecker()
            .fromJson(
                List.of("{\"a-b\": \"one\", \"<svg onload=x>\\\"'\": \"two\", \"été\": \"three\"}"),
                allocator)) {
      t.append(PROV, batch);
    }

    Answer all = query("SELECT * FROM notes");
    assertThat(all.columns()).startsWith("a-b", ODD, "été");
    assertThat(all.rows().get(0).subList(0, 3)).containsExactly("one", "two", "three");
    assertThat(
            rows(
                "SELECT \"a-b\" FROM notes WHERE \"<svg onload=x>\"\"'\" = 'two' AND \"été\" ="
                    + " 'three'"))
        .containsExactly(List.of("one"));
  }
}
