package dev.tracelake.cli;

/**
 * A failure the command line detects itself, such as a malformed input file or a missing table for
 * a load; its message names the file, line, table or column at fault. Exits with code 1, like a
 * {@link dev.tracelake.lake.LakeException}.
 */
final class CliException extends RuntimeException {
  CliException(String message) {
    super(message);
  }

  CliException(String message, Throwable cause) {
    super(message, cause);
  }

  static CliException of(String format, Object... args) {
    return new CliException(String.format(format, args));
  }
}
