package dev.tracelake.ingest;

/** A failure of the ingest protocol itself (offsets, shutdown), as opposed to a lake error. */
public final class IngestException extends RuntimeException {
  /** What went wrong; each maps to one gRPC status. */
  public enum Reason {
    /** An offset gap or regression: OUT_OF_RANGE. */
    OFFSET_OUT_OF_RANGE,
    /** A malformed or inconsistent request: INVALID_ARGUMENT. */
    INVALID_REQUEST,
    /** The request could not be committed now; retry with the same offset: ABORTED. */
    RETRY,
    /** The server is shutting down; retry elsewhere with the same offset: UNAVAILABLE. */
    SHUTTING_DOWN
  }

  private final Reason reason;

  public IngestException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public IngestException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
