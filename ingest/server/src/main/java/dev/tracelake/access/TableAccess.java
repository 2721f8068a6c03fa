package dev.tracelake.access;

import dev.tracelake.lake.TableName;
import dev.tracelake.query.TableGate;

/**
 * Decides whether a principal may read a table. Doors call {@link #checkRead} for every table a
 * statement reads or a catalog request loads, before any of the table's data or metadata leaves the
 * server, and filter listings with {@link #canRead}.
 */
public interface TableAccess {
  /** Every authenticated principal may read every table: the policy until grants exist. */
  TableAccess ALL_AUTHENTICATED = (principal, table) -> true;

  /** Returns whether {@code principal} holds {@code read} on {@code table}. */
  boolean canRead(Principal principal, TableName table);

  /**
   * Checks that {@code principal} holds {@code read} on {@code table}.
   *
   * @throws AccessDeniedException naming the principal and the table when it does not
   */
  default void checkRead(Principal principal, TableName table) {
    if (!canRead(principal, table)) {
      throw new AccessDeniedException(
          "Principal '" + principal.name() + "' may not read table " + table);
    }
  }

  /**
   * The SQL engine's gate for {@code principal}: which tables it may see and read. Tables it may
   * not read are neither planned nor mounted in the sandbox.
   */
  default TableGate gate(Principal principal) {
    return new TableGate() {
      @Override
      public boolean sees(TableName table) {
        return canRead(principal, table);
      }

      @Override
      public boolean mayRead(TableName table) {
        return canRead(principal, table);
      }

      @Override
      public String asker() {
        return principal.name();
      }
    };
  }

  /**
   * Records what a door did in the audit log ({@code tracelake.audit}); queued, appended within
   * seconds. Without an audit log (no access control, or a test) nothing is recorded.
   */
  default void audit(AuditEvent event) {}
}
