package dev.tracelake.lineage;

/** Whether a record in a lineage answer exists. */
public enum NodeState {
  /** The record is in the lake (as of the answer's point in time). */
  PRESENT,
  /** The record is referenced as an input but was never ingested (as of that point in time). */
  MISSING,
  /** The record is referenced but its table is not indexed up to the snapshot cited. */
  NOT_INDEXED
}
