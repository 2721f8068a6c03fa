package dev.tracelake.access;

/** A principal may not do what it asked: unknown credentials or a missing privilege. */
public final class AccessDeniedException extends RuntimeException {
  public AccessDeniedException(String message) {
    super(message);
  }
}
