package dev.tracelake.lineage;

/** The OpenLineage run event types ({@code eventType}). */
public enum OpenLineageEventType {
  START,
  RUNNING,
  COMPLETE,
  ABORT,
  FAIL,
  OTHER;

  /** Returns the run status the event reports, or null when it reports none (OTHER). */
  RunStatus runStatus() {
    return switch (this) {
      case START, RUNNING -> RunStatus.RUNNING;
      case COMPLETE -> RunStatus.COMPLETED;
      case ABORT -> RunStatus.ABORTED;
      case FAIL -> RunStatus.FAILED;
      case OTHER -> null;
    };
  }

  /** Returns whether the event ends the run. */
  boolean isFinal() {
    return this == COMPLETE || this == ABORT || this == FAIL;
  }
}
