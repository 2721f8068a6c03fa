package dev.tracelake.lineage;

/** Whether a record in a lineage answer exists, and whether its values are shown. */
public enum NodeState {
  /** The record is in the lake (as of the answer's point in time); its row is shown. */
  PRESENT,
  /**
   * The record is not there: never ingested, or not in the snapshot cited for it (a snapshot of
   * another table, or one committed before the record existed). No values, never a guess.
   */
  MISSING,
  /** The record is referenced but its table is not indexed up to the snapshot cited. */
  NOT_INDEXED,
  /** The record's row could not be read (the answer's problems say why). */
  UNREADABLE,
  /** The record exists but the asker may not see its table's values ({@link ValueAccess}). */
  WITHHELD
}
