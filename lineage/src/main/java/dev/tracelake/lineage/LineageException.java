package dev.tracelake.lineage;

import java.util.Objects;

/**
 * The exception the lineage module throws for failures a caller can act on. Problems found while
 * walking lineage (a missing input, a cycle) are not exceptions: they are reported in the result.
 */
public class LineageException extends RuntimeException {
  /** What kind of failure it is; transports map each kind to one status. */
  public enum Kind {
    /** A run, record or table the caller named does not exist. */
    NOT_FOUND,
    /** The request is wrong whatever the state: a bad id, a bad event. */
    INVALID_ARGUMENT,
    /** The request conflicts with the current state. */
    FAILED_PRECONDITION,
    /** A remote endpoint (an OpenLineage receiver) could not be reached or refused the request. */
    UNAVAILABLE
  }

  private final Kind kind;

  public LineageException(Kind kind, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public LineageException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /** Returns what kind of failure this is. */
  public Kind kind() {
    return kind;
  }

  static LineageException notFound(String format, Object... args) {
    return new LineageException(Kind.NOT_FOUND, String.format(format, args));
  }
}
