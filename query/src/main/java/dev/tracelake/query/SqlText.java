package dev.tracelake.query;

import java.util.Collection;
import java.util.stream.Collectors;

/** Quotes values for SQL text that Tracelake generates. User SQL is never pasted into it. */
final class SqlText {
  private SqlText() {}

  /** Returns {@code name} as a double-quoted identifier. */
  static String identifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** Returns {@code schema.name} with both parts quoted. */
  static String qualified(String schema, String name) {
    return identifier(schema) + "." + identifier(name);
  }

  /** Returns {@code value} as a single-quoted string literal (DuckDB takes backslashes as is). */
  static String string(String value) {
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("NUL character in SQL string literal");
    }
    return "'" + value.replace("'", "''") + "'";
  }

  /** Returns a list literal of string literals: {@code ['a', 'b']}. */
  static String stringList(Collection<String> values) {
    return values.stream().map(SqlText::string).collect(Collectors.joining(", ", "[", "]"));
  }
}
