package dev.tracelake.query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A small table of values Tracelake computed in Java (metadata tables, runs, file origins), turned
 * into the statements that create and fill it in a query's DuckDB database.
 *
 * @param schema the DuckDB schema to create it in
 * @param name the table's name
 * @param columns its columns with their DuckDB types
 * @param rows its rows; values are null, String, Long, Integer, Boolean, Instant or Map of String
 */
record ValuesTable(String schema, String name, List<Column> columns, List<List<Object>> rows) {
  private static final int ROWS_PER_INSERT = 500;

  ValuesTable {
    columns = List.copyOf(columns);
    rows = List.copyOf(rows);
  }

  /** A column and its DuckDB type. */
  record Column(String name, String type) {}

  static Column column(String name, String type) {
    return new Column(name, type);
  }

  /** Returns the CREATE TABLE and INSERT statements. */
  List<String> statements() {
    String table = SqlText.qualified(schema, name);
    List<String> out = new ArrayList<>();
    out.add(
        columns.stream()
            .map(c -> SqlText.identifier(c.name()) + " " + c.type())
            .collect(Collectors.joining(", ", "CREATE TABLE " + table + " (", ")")));
    for (int from = 0; from < rows.size(); from += ROWS_PER_INSERT) {
      List<List<Object>> chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_INSERT));
      out.add(
          chunk.stream()
              .map(ValuesTable::row)
              .collect(Collectors.joining(", ", "INSERT INTO " + table + " VALUES ", "")));
    }
    return out;
  }

  private static String row(List<Object> values) {
    return values.stream().map(ValuesTable::literal).collect(Collectors.joining(", ", "(", ")"));
  }

  private static String literal(Object value) {
    if (value == null) {
      return "NULL";
    }
    if (value instanceof String s) {
      return SqlText.string(s);
    }
    if (value instanceof Long || value instanceof Integer) {
      return value.toString();
    }
    if (value instanceof Boolean b) {
      return b ? "TRUE" : "FALSE";
    }
    if (value instanceof Instant i) {
      // the column's type casts the ISO text; sessions run in UTC
      return SqlText.string(i.toString());
    }
    if (value instanceof Map<?, ?> map) {
      return map.entrySet().stream()
          .map(
              e ->
                  SqlText.string(e.getKey().toString())
                      + ": "
                      + SqlText.string(e.getValue().toString()))
          .collect(Collectors.joining(", ", "MAP {", "}"));
    }
    throw new IllegalArgumentException("No SQL literal for " + value.getClass().getName());
  }
}
