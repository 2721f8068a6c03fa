package dev.tracelake.query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A small table of values Tracelake computed in Java (metadata tables, runs, file origins), turned
 * into a view over a VALUES list in a query's DuckDB database. A view is a read-only object: no
 * statement can change its rows (DuckDB updates, inserts into and deletes from base tables only),
 * so a database kept warm for the next query still holds exactly the values Tracelake put there.
 *
 * @param schema the DuckDB schema to create it in
 * @param name the table's name
 * @param columns its columns with their DuckDB types
 * @param rows its rows; values are null, String, Long, Integer, Boolean, Instant or Map of String
 */
record ValuesTable(String schema, String name, List<Column> columns, List<List<Object>> rows) {
  ValuesTable {
    columns = List.copyOf(columns);
    rows = List.copyOf(rows);
  }

  /** A column and its DuckDB type. */
  record Column(String name, String type) {}

  static Column column(String name, String type) {
    return new Column(name, type);
  }

  /** Returns the statement that creates the view. */
  List<String> statements() {
    String select;
    if (rows.isEmpty()) {
      select =
          columns.stream()
                  .map(c -> "CAST(NULL AS " + c.type() + ") AS " + SqlText.identifier(c.name()))
                  .collect(Collectors.joining(", ", "SELECT ", ""))
              + " WHERE false";
    } else {
      List<String> names = columns.stream().map(c -> SqlText.identifier(c.name())).toList();
      select =
          rows.stream()
                  .map(this::row)
                  .collect(Collectors.joining(", ", "SELECT * FROM (VALUES ", ")"))
              + " v("
              + String.join(", ", names)
              + ")";
    }
    return List.of("CREATE VIEW " + SqlText.qualified(schema, name) + " AS " + select);
  }

  /** A row with every value cast to its column's type, so that no row's NULL decides a type. */
  private String row(List<Object> values) {
    List<String> cells = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      cells.add("CAST(" + literal(values.get(i)) + " AS " + columns.get(i).type() + ")");
    }
    return "(" + String.join(", ", cells) + ")";
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
