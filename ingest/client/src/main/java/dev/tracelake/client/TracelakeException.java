package dev.tracelake.client;

import io.grpc.Status;

/**
 * A call to Tracelake failed. The message names what was attempted, the status code and the
 * server's description; {@link #code()} tells whether a retry can help.
 */
public final class TracelakeException extends RuntimeException {
  private final Status.Code code;
  private final String description;

  TracelakeException(String message, Status.Code code, String description, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.description = description;
  }

  /** Returns "context: CODE: description". */
  static TracelakeException of(
      String context, Status.Code code, String description, Throwable cause) {
    return new TracelakeException(
        context + ": " + code + (description == null ? "" : ": " + description),
        code,
        description,
        cause);
  }

  /**
   * Wraps a failed call's status, prefixed with what was attempted. A transport failure's cause
   * (e.g. "Connection refused") is added to gRPC's terse description of it.
   */
  static TracelakeException of(String context, Status status) {
    return of(context, status.getCode(), details(status), status.getCause());
  }

  /** Returns a status's description followed by its cause's message, when it has one. */
  static String details(Status status) {
    String description = status.getDescription();
    Throwable cause = status.getCause();
    if (cause == null || cause.getMessage() == null) {
      return description;
    }
    return description == null ? cause.getMessage() : description + " (" + cause.getMessage() + ")";
  }

  /** Wraps any failure of a call, prefixed with what was attempted. */
  static TracelakeException of(String context, Throwable error) {
    return of(context, Status.fromThrowable(error));
  }

  /** Returns the gRPC status code, e.g. {@code NOT_FOUND} for an unknown table. */
  public Status.Code code() {
    return code;
  }

  /** Returns the description of the failure (usually the server's), or null when none was given. */
  public String description() {
    return description;
  }
}
