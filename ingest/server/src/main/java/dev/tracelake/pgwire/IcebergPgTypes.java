package dev.tracelake.pgwire;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL type of each Iceberg column type, the same one a query's result reports for the
 * column (the catalog and the data must agree, or clients that cache column types from {@code
 * pg_attribute} decode values wrongly).
 */
final class IcebergPgTypes {
  private static final Pattern DECIMAL = Pattern.compile("decimal\\((\\d+),\\s*(\\d+)\\)");

  /** A column's type and modifier. */
  record Mapped(PgType type, int typmod) {}

  private IcebergPgTypes() {}

  static Mapped of(String icebergType) {
    String t = icebergType.toLowerCase(Locale.ROOT).strip();
    Matcher m = DECIMAL.matcher(t);
    if (m.matches()) {
      int p = Integer.parseInt(m.group(1));
      int s = Integer.parseInt(m.group(2));
      return new Mapped(PgType.NUMERIC, ((p << 16) | s) + 4);
    }
    if (t.startsWith("list<")) {
      Mapped element = of(t.substring(5, t.length() - 1));
      if (element.type() != PgType.JSON && element.type().arrayOid() != 0) {
        return new Mapped(element.type().arrayType(), -1);
      }
      return new Mapped(PgType.JSON, -1);
    }
    if (t.startsWith("struct<") || t.startsWith("map<") || t.equals("variant")) {
      return new Mapped(PgType.JSON, -1);
    }
    if (t.startsWith("fixed[")) {
      return new Mapped(PgType.BYTEA, -1);
    }
    return switch (t) {
      case "boolean" -> new Mapped(PgType.BOOL, -1);
      case "int" -> new Mapped(PgType.INT4, -1);
      case "long" -> new Mapped(PgType.INT8, -1);
      case "float" -> new Mapped(PgType.FLOAT4, -1);
      case "double" -> new Mapped(PgType.FLOAT8, -1);
      case "date" -> new Mapped(PgType.DATE, -1);
      case "time" -> new Mapped(PgType.TIME, -1);
      case "timestamp", "timestamp_ns" -> new Mapped(PgType.TIMESTAMP, -1);
      case "timestamptz", "timestamptz_ns" -> new Mapped(PgType.TIMESTAMPTZ, -1);
      case "uuid" -> new Mapped(PgType.UUID, -1);
      case "binary" -> new Mapped(PgType.BYTEA, -1);
      default -> new Mapped(PgType.TEXT, -1);
    };
  }
}
