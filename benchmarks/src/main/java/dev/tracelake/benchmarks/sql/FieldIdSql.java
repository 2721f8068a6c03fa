package dev.tracelake.benchmarks.sql;

import dev.tracelake.lake.PlannedColumn;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * The {@code read_parquet} call the SQL engine's view uses: every planned column mapped by Iceberg
 * field id ({@code schema => MAP {...}}), without hive partitioning. A copy of the query module's
 * package-private {@code ParquetSql}/{@code DuckDbTypes} for the column types the benchmark's
 * tables have, so DuckDB can run the engine's read directly and the benchmark can tell the cost of
 * that read form from the rest of the engine's work.
 */
final class FieldIdSql {
  private FieldIdSql() {}

  /** Returns {@code SELECT <all columns> FROM read_parquet(<files>, schema => ...)}. */
  static String select(List<PlannedColumn> columns, List<String> files) {
    String names =
        columns.stream().map(c -> identifier(c.name())).collect(Collectors.joining(", "));
    String schema =
        columns.stream()
            .map(
                c ->
                    c.fieldId()
                        + ": {name: "
                        + string(c.name())
                        + ", type: "
                        + string(type(c.arrowField()))
                        + ", default_value: NULL}")
            .collect(Collectors.joining(", ", "MAP {", "}"));
    String list = files.stream().map(FieldIdSql::string).collect(Collectors.joining(", "));
    return "SELECT "
        + names
        + " FROM read_parquet(["
        + list
        + "], schema => "
        + schema
        + ", hive_partitioning => false)";
  }

  private static String type(Field field) {
    ArrowType type = field.getType();
    return switch (type.getTypeID()) {
      case Bool -> "BOOLEAN";
      case Int -> ((ArrowType.Int) type).getBitWidth() == 64 ? "BIGINT" : "INTEGER";
      case FloatingPoint ->
          ((ArrowType.FloatingPoint) type).getPrecision() == FloatingPointPrecision.DOUBLE
              ? "DOUBLE"
              : "FLOAT";
      case Utf8 -> "VARCHAR";
      case Timestamp ->
          ((ArrowType.Timestamp) type).getTimezone() == null ? "TIMESTAMP" : "TIMESTAMPTZ";
      case List -> type(field.getChildren().get(0)) + "[]";
      case Struct ->
          field.getChildren().stream()
              .map(child -> identifier(child.getName()) + " " + type(child))
              .collect(Collectors.joining(", ", "STRUCT(", ")"));
      default ->
          throw new IllegalArgumentException(
              "Column '" + field.getName() + "' has Arrow type " + type + ", not mapped here");
    };
  }

  private static String identifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  private static String string(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
