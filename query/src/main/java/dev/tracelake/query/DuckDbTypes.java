package dev.tracelake.query;

import java.util.stream.Collectors;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/** Names the DuckDB type of a lake column from its Arrow field (lake-core's canonical form). */
final class DuckDbTypes {
  private DuckDbTypes() {}

  /**
   * Returns the DuckDB type of a column.
   *
   * @param icebergType Iceberg's type name, which tells a {@code uuid} from a {@code fixed[16]}
   */
  static String of(Field field, String icebergType) {
    if ("uuid".equals(icebergType)) {
      return "UUID";
    }
    return of(field);
  }

  static String of(Field field) {
    ArrowType type = field.getType();
    switch (type.getTypeID()) {
      case Bool:
        return "BOOLEAN";
      case Int:
        return ((ArrowType.Int) type).getBitWidth() == 64 ? "BIGINT" : "INTEGER";
      case FloatingPoint:
        return ((ArrowType.FloatingPoint) type).getPrecision() == FloatingPointPrecision.DOUBLE
            ? "DOUBLE"
            : "FLOAT";
      case Utf8:
        return "VARCHAR";
      case Binary:
      case FixedSizeBinary:
        return "BLOB";
      case Decimal:
        {
          ArrowType.Decimal d = (ArrowType.Decimal) type;
          return "DECIMAL(" + d.getPrecision() + ", " + d.getScale() + ")";
        }
      case Date:
        return "DATE";
      case Time:
        return "TIME";
      case Timestamp:
        return ((ArrowType.Timestamp) type).getTimezone() == null ? "TIMESTAMP" : "TIMESTAMPTZ";
      case List:
        return of(field.getChildren().get(0)) + "[]";
      case Struct:
        return field.getChildren().stream()
            .map(child -> SqlText.identifier(child.getName()) + " " + of(child))
            .collect(Collectors.joining(", ", "STRUCT(", ")"));
      case Map:
        {
          Field entries = field.getChildren().get(0);
          return "MAP("
              + of(entries.getChildren().get(0))
              + ", "
              + of(entries.getChildren().get(1))
              + ")";
        }
      default:
        throw new IllegalArgumentException(
            "Column '"
                + field.getName()
                + "' has Arrow type "
                + type
                + ", which has no DuckDB form");
    }
  }
}
