package dev.tracelake.cli;

import java.util.Optional;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Names the DuckDB type whose Arrow export has a given Arrow type, so a file's columns can be cast
 * to a table's column types inside DuckDB.
 */
final class DuckDbTypes {
  private DuckDbTypes() {}

  /**
   * Returns the DuckDB type of an Arrow field, or empty when DuckDB has no type that exports as it
   * (the value is then passed through and the table decides).
   */
  static Optional<String> of(Field field) {
    ArrowType type = field.getType();
    switch (type.getTypeID()) {
      case Bool:
        return Optional.of("BOOLEAN");
      case Int:
        return integer((ArrowType.Int) type);
      case FloatingPoint:
        return Optional.of(
            ((ArrowType.FloatingPoint) type).getPrecision() == FloatingPointPrecision.DOUBLE
                ? "DOUBLE"
                : "FLOAT");
      case Utf8:
      case LargeUtf8:
      case Utf8View:
        return Optional.of("VARCHAR");
      case Binary:
      case LargeBinary:
      case BinaryView:
        return Optional.of("BLOB");
      case Decimal:
        {
          ArrowType.Decimal d = (ArrowType.Decimal) type;
          return Optional.of("DECIMAL(" + d.getPrecision() + ", " + d.getScale() + ")");
        }
      case Date:
        return Optional.of("DATE");
      case Time:
        return Optional.of("TIME");
      case Timestamp:
        return Optional.of(
            ((ArrowType.Timestamp) type).getTimezone() == null ? "TIMESTAMP" : "TIMESTAMPTZ");
      case List:
      case LargeList:
        return of(field.getChildren().get(0)).map(element -> element + "[]");
      case Struct:
        return struct(field);
      case Map:
        {
          Field entries = field.getChildren().get(0);
          Optional<String> key = of(entries.getChildren().get(0));
          Optional<String> value = of(entries.getChildren().get(1));
          if (key.isEmpty() || value.isEmpty()) {
            return Optional.empty();
          }
          return Optional.of("MAP(" + key.get() + ", " + value.get() + ")");
        }
      default:
        return Optional.empty();
    }
  }

  private static Optional<String> integer(ArrowType.Int type) {
    String name =
        switch (type.getBitWidth()) {
          case 8 -> "TINYINT";
          case 16 -> "SMALLINT";
          case 32 -> "INTEGER";
          default -> "BIGINT";
        };
    return Optional.of(type.getIsSigned() ? name : "U" + name);
  }

  private static Optional<String> struct(Field field) {
    StringBuilder sql = new StringBuilder("STRUCT(");
    for (Field child : field.getChildren()) {
      Optional<String> type = of(child);
      if (type.isEmpty()) {
        return Optional.empty();
      }
      if (sql.length() > "STRUCT(".length()) {
        sql.append(", ");
      }
      sql.append(SqlText.identifier(child.getName())).append(' ').append(type.get());
    }
    return Optional.of(sql.append(')').toString());
  }

  /** Returns the DuckDB types of all fields, for messages. */
}
