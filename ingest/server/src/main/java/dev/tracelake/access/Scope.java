package dev.tracelake.access;

import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.TableName;
import java.util.Locale;

/**
 * Where a privilege holds: the whole lake ({@code *}), a namespace ({@code ns}) or one table
 * ({@code ns.table}). A privilege on a scope holds on everything below it. Names match ignoring
 * case, as table names do.
 *
 * @param namespace the namespace, or null for the whole lake
 * @param table the table name, or null for the whole namespace
 */
public record Scope(String namespace, String table) {
  /** The whole lake. */
  public static final Scope ALL = new Scope(null, null);

  public Scope {
    if (namespace == null && table != null) {
      throw new IllegalArgumentException("A table scope needs a namespace, got table " + table);
    }
  }

  /** The scope of one table. */
  public static Scope of(TableName table) {
    return new Scope(table.namespace(), table.name());
  }

  /**
   * Parses {@code *}, {@code namespace} or {@code namespace.table}.
   *
   * @throws IllegalArgumentException naming the value when it is none of these
   */
  public static Scope parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          "Scope is empty; give '*', 'namespace' or 'namespace.table'");
    }
    String s = text.strip();
    if (s.equals("*")) {
      return ALL;
    }
    try {
      if (!s.contains(".")) {
        new TableName(s, "x"); // checks the namespace the way lake-core does
        return new Scope(s, null);
      }
      TableName t = TableName.parse(s);
      if (!s.equalsIgnoreCase(t.toString())) {
        throw new IllegalArgumentException("Scope '" + AccessNames.cap(text) + "' is not valid");
      }
      return of(t);
    } catch (LakeException e) {
      throw new IllegalArgumentException(
          "Scope '"
              + AccessNames.cap(text)
              + "' is not valid: give '*', 'namespace' or 'namespace.table' ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  /** Returns whether a privilege on this scope holds on {@code t}. */
  public boolean covers(TableName t) {
    if (namespace == null) {
      return true;
    }
    if (!namespace.equalsIgnoreCase(t.namespace())) {
      return false;
    }
    return table == null || table.equalsIgnoreCase(t.name());
  }

  /** Returns whether a privilege on this scope holds on the whole namespace {@code ns}. */
  public boolean coversNamespace(String ns) {
    return namespace == null || (table == null && namespace.equalsIgnoreCase(ns));
  }

  /** Returns whether this scope lies inside namespace {@code ns} (or is it). */
  public boolean within(String ns) {
    return namespace != null && namespace.equalsIgnoreCase(ns);
  }

  @Override
  public String toString() {
    if (namespace == null) {
      return "*";
    }
    return table == null ? namespace : namespace + "." + table;
  }

  /** The scope as stored: lower case, so that grants compare ignoring case. */
  String key() {
    return toString().toLowerCase(Locale.ROOT);
  }
}
