package dev.tracelake.lineage.replay;

/** How a replay stands. */
public enum ReplayState {
  /** Created; the candidate has committed no batch yet. */
  CREATED,
  /** Some batches are committed, not all. */
  RUNNING,
  /** Every batch is committed. */
  COMPLETED,
  /** Published: {@code main} of the output table was moved to the branch head. */
  PUBLISHED,
  /** The branch was dropped without publishing. */
  DROPPED
}
