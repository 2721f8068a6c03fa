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
      // a NUL cannot stand in a literal, but older versions let one into partition values that
      // queries select as constants: spell it as chr(0), so such a table stays readable
      return java.util.Arrays.stream(value.split("\0", -1))
          .map(part -> "'" + part.replace("'", "''") + "'")
          .collect(Collectors.joining(" || chr(0) || ", "(", ")"));
    }
    return "'" + value.replace("'", "''") + "'";
  }

  /** Returns a list literal of string literals: {@code ['a', 'b']}. */
  static String stringList(Collection<String> values) {
    return values.stream().map(SqlText::string).collect(Collectors.joining(", ", "[", "]"));
  }
}
