package dev.tracelake.query;

import dev.tracelake.lake.TableName;

/**
 * Which tables one query may use, for access control. The engine consults it while it resolves the
 * statement, before DuckDB opens: a table the asker may not see answers as a missing one, a table
 * it may see but not read refuses the whole statement (PERMISSION_DENIED naming the table), and no
 * data file of a refused table is ever given to the sandbox.
 */
public interface TableGate {
  /** Every table is visible and readable: the embedded CLI, or a server without access control. */
  TableGate OPEN =
      new TableGate() {
        @Override
        public boolean sees(TableName table) {
          return true;
        }

        @Override
        public boolean mayRead(TableName table) {
          return true;
        }

        @Override
        public String asker() {
          return "";
        }
      };

  /** Returns whether the asker may know that {@code table} exists. */
  boolean sees(TableName table);

  /**
   * Returns whether the asker may know that namespace {@code namespace} exists: it holds something
   * on it, on the whole lake, or on something inside it. Every namespace by default.
   */
  default boolean seesNamespace(String namespace) {
    return true;
  }

  /** Returns whether the asker may read the rows of {@code table}. */
  boolean mayRead(TableName table);

  /** The asker's name, for messages. */
  String asker();
}
