package dev.tracelake.lake;

import java.util.Objects;

/**
 * The one exception type lake-core throws for failures a caller can act on. Its message names the
 * table, snapshot, ref, column or value at fault; its {@link #kind()} tells a transport which
 * status to use.
 */
public class LakeException extends RuntimeException {
  private final ErrorKind kind;

  public LakeException(ErrorKind kind, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public LakeException(ErrorKind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /** Returns what kind of failure this is. */
  public ErrorKind kind() {
    return kind;
  }

  static LakeException notFound(String format, Object... args) {
    return new LakeException(ErrorKind.NOT_FOUND, String.format(format, args));
  }

  static LakeException invalid(String format, Object... args) {
    return new LakeException(ErrorKind.INVALID_ARGUMENT, String.format(format, args));
  }

  static LakeException precondition(String format, Object... args) {
    return new LakeException(ErrorKind.FAILED_PRECONDITION, String.format(format, args));
  }
}
