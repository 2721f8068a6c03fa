package dev.tracelake.access;

import dev.tracelake.lake.TableName;

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
}
