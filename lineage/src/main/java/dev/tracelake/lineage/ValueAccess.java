package dev.tracelake.lineage;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * Which tables' row values an answer may show. Lineage itself (which record was derived from which)
 * is always shown; the values of a record in a table the asker may not read are withheld, and the
 * answer says so ({@link NodeState#WITHHELD}). The seam for per-table read privileges: the server
 * answers it from the caller's grants; {@link #all()} without access control.
 */
@FunctionalInterface
public interface ValueAccess {
  /** Returns whether the values of records in {@code table} ("namespace.name") may be shown. */
  boolean mayRead(String table);

  /** Every table's values may be shown. */
  static ValueAccess all() {
    return table -> true;
  }

  /** The values of the tables {@code readable} accepts may be shown. */
  static ValueAccess of(Predicate<String> readable) {
    Objects.requireNonNull(readable, "readable");
    return readable::test;
  }
}
