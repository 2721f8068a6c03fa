package dev.tracelake.console;

/** A request the console refuses, with the HTTP status and a message naming what is at fault. */
final class ApiException extends RuntimeException {
  private final int status;

  ApiException(int status, String message) {
    super(message);
    this.status = status;
  }

  int status() {
    return status;
  }

  static ApiException badRequest(String format, Object... args) {
    return new ApiException(400, String.format(format, args));
  }

  static ApiException notFound(String format, Object... args) {
    return new ApiException(404, String.format(format, args));
  }
}
