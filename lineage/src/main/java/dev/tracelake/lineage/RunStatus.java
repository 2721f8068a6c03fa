package dev.tracelake.lineage;

/** The state of a run. */
public enum RunStatus {
  RUNNING,
  COMPLETED,
  FAILED,
  ABORTED,
  /** Nobody said: a run seen only in snapshot summaries, or an OpenLineage OTHER event. */
  UNKNOWN;

  /** Returns whether the run has ended. */
  public boolean isFinal() {
    return this == COMPLETED || this == FAILED || this == ABORTED;
  }
}
