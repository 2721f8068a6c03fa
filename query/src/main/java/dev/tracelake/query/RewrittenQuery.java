package dev.tracelake.query;

import java.util.List;

/**
 * A query after the Tracelake-only syntax was replaced by references to per-query relations.
 *
 * @param sql the SQL DuckDB parses, checks and runs
 * @param versioned each {@code t FOR ... AS OF ...}, now the placeholder relation it names
 * @param changes each {@code table_changes(...)} call, now the placeholder relation it names
 */
record RewrittenQuery(String sql, List<VersionedTable> versioned, List<ChangesCall> changes) {
  RewrittenQuery {
    versioned = List.copyOf(versioned);
    changes = List.copyOf(changes);
  }

  /**
   * A time-travel reference.
   *
   * @param placeholder the relation name that replaced it in the SQL
   * @param nameParts the table name as written: {@code [name]} or {@code [namespace, name]}
   * @param version the version clause
   */
  record VersionedTable(String placeholder, List<String> nameParts, VersionSpec version) {
    VersionedTable {
      nameParts = List.copyOf(nameParts);
    }
  }

  /**
   * A {@code table_changes('t', from, to)} call.
   *
   * @param placeholder the relation name that replaced it in the SQL
   * @param table the table name as written
   * @param from the version after which rows count as added; null for the table's beginning
   * @param to the last version whose rows count; {@link VersionSpec.Current} for NULL
   */
  record ChangesCall(String placeholder, String table, VersionSpec from, VersionSpec to) {}
}
