package dev.tracelake.console;

import dev.tracelake.lake.ColumnInfo;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A typed column filter turned into SQL for {@code SqlEngine}. Nothing a request sends is pasted
 * into the statement as it came: the table and snapshot are resolved by lake-core first and written
 * as a quoted identifier and a number, the column must be one of the table's at that snapshot
 * (written as a quoted identifier, quotes doubled), the operator comes from a fixed list, and the
 * value is parsed as the column's type and written back as a literal of that type (numbers and
 * booleans re-printed from their parsed value, text in single quotes with quotes doubled, DuckDB's
 * rule for string literals). The statement still passes SqlEngine's guard and sandbox.
 */
final class RecordFilter {
  /** The operators a filter may use. */
  enum Op {
    EQ("="),
    NE("<>"),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">="),
    CONTAINS(null),
    IS_NULL(null),
    NOT_NULL(null);

    final String sql;

    Op(String sql) {
      this.sql = sql;
    }

    static Op parse(String text) {
      try {
        return Op.valueOf(text.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(
            "Operator '%s' is not one of eq, ne, lt, le, gt, ge, contains, is_null, not_null",
            Texts.cap(text));
      }
    }
  }

  private RecordFilter() {}

  /**
   * Returns the SQL of one page of records of {@code table} at {@code snapshotId} matching the
   * filter (none when {@code column} is empty), ordered by record id, after {@code afterRecordId}.
   */
  static String sql(
      String table,
      long snapshotId,
      List<ColumnInfo> columns,
      Optional<String> column,
      Op op,
      String value,
      Optional<String> afterRecordId,
      int limit) {
    String[] parts = table.split("\\.", 2);
    StringBuilder sql =
        new StringBuilder("SELECT * FROM ")
            .append(identifier(parts[0]))
            .append('.')
            .append(identifier(parts[1]))
            .append(" FOR VERSION AS OF ")
            .append(snapshotId);
    String where = " WHERE ";
    if (column.isPresent()) {
      ColumnInfo c =
          columns.stream()
              .filter(ci -> ci.name().equals(column.get()))
              .findFirst()
              .orElseThrow(
                  () ->
                      ApiException.badRequest(
                          "Table %s has no column '%s' at snapshot %d",
                          table, Texts.cap(column.get()), snapshotId));
      sql.append(where).append(condition(table, c, op, value));
      where = " AND ";
    }
    if (afterRecordId.isPresent()) {
      sql.append(where).append("\"_record_id\" > ").append(string(afterRecordId.get()));
    }
    sql.append(" ORDER BY \"_record_id\" LIMIT ").append(limit);
    return sql.toString();
  }

  private static String condition(String table, ColumnInfo c, Op op, String value) {
    String column = identifier(c.name());
    if (op == Op.IS_NULL) {
      return column + " IS NULL";
    }
    if (op == Op.NOT_NULL) {
      return column + " IS NOT NULL";
    }
    if (value == null) {
      throw ApiException.badRequest("Filter on column '%s' needs a value", Texts.cap(c.name()));
    }
    String type = c.type().toLowerCase(Locale.ROOT);
    if (op == Op.CONTAINS) {
      if (!type.equals("string")) {
        throw ApiException.badRequest(
            "Operator contains needs a string column; column '%s' is %s",
            Texts.cap(c.name()), type);
      }
      return "contains(" + column + ", " + string(value) + ")";
    }
    return column + " " + op.sql + " " + literal(table, c, type, value);
  }

  /** Writes {@code value} as a literal of the column's type, from its parsed value. */
  static String literal(String table, ColumnInfo c, String type, String value) {
    try {
      if (type.equals("int") || type.equals("long")) {
        return Long.toString(Long.parseLong(value.strip()));
      }
      if (type.equals("float") || type.equals("double")) {
        double d = Double.parseDouble(value.strip());
        if (!Double.isFinite(d)) {
          throw ApiException.badRequest(
              "Filter value '%s' is not a finite number", Texts.cap(value));
        }
        return "CAST(" + string(Double.toString(d)) + " AS DOUBLE)";
      }
      if (type.startsWith("decimal")) {
        // digits, a sign and a point only: re-printed from the parsed number
        return new BigDecimal(value.strip()).toPlainString();
      }
      if (type.equals("boolean")) {
        String b = value.strip().toLowerCase(Locale.ROOT);
        if (!b.equals("true") && !b.equals("false")) {
          throw ApiException.badRequest(
              "Filter value '%s' of boolean column '%s' must be true or false",
              Texts.cap(value), Texts.cap(c.name()));
        }
        return b;
      }
      if (type.equals("date")) {
        return "DATE " + string(LocalDate.parse(value.strip()).toString());
      }
      if (type.equals("timestamp")) {
        return "TIMESTAMP " + string(LocalDateTime.parse(value.strip()).toString());
      }
      if (type.equals("timestamptz")) {
        return "TIMESTAMPTZ " + string(Instant.parse(value.strip()).toString());
      }
      if (type.equals("string") || type.equals("uuid")) {
        return string(value);
      }
    } catch (NumberFormatException | DateTimeParseException e) {
      throw ApiException.badRequest(
          "Filter value '%s' is not a %s (column '%s' of table %s)",
          Texts.cap(value), type, Texts.cap(c.name()), table);
    }
    throw ApiException.badRequest(
        "Column '%s' of table %s is %s; filter on a column of a scalar type",
        Texts.cap(c.name()), table, type);
  }

  /** A DuckDB identifier: double quotes, inner double quotes doubled. */
  static String identifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /**
   * A DuckDB string literal: single quotes, inner single quotes doubled (standard SQL; DuckDB reads
   * no backslash escapes in plain literals). NUL cannot be written in a literal and is refused.
   */
  static String string(String value) {
    if (value.indexOf('\0') >= 0) {
      throw ApiException.badRequest("Filter values must not contain NUL characters");
    }
    return "'" + value.replace("'", "''") + "'";
  }
}
