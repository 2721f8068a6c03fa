package dev.tracelake.cli;

import java.util.Map;
import java.util.stream.Collectors;

/** Quotes values and names into DuckDB SQL text. */
final class SqlText {
  private SqlText() {}

  /** Returns {@code value} as a single-quoted SQL string literal. */
  static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  /** Returns {@code name} as a double-quoted SQL identifier. */
  static String identifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** Returns a DuckDB struct literal mapping names to type names: {@code {'a': 'BIGINT'}}. */
  static String typeMap(Map<String, String> types) {
    return types.entrySet().stream()
        .map(e -> literal(e.getKey()) + ": " + literal(e.getValue()))
        .collect(Collectors.joining(", ", "{", "}"));
  }
}
