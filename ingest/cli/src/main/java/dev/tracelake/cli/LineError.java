package dev.tracelake.cli;

import java.nio.file.Path;

/**
 * What is wrong with one line of an input file.
 *
 * @param line the 1-based line number in the file, counting a CSV header
 * @param reason what is wrong with it
 * @param text the line's text, or null when not known
 */
record LineError(long line, String reason, String text) {
  private static final int MAX_TEXT = 120;

  /** Returns the error as a message naming the file and the line. */
  CliException toException(Path file) {
    String shown = "";
    if (text != null) {
      String t = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) + "..." : text;
      shown = " (line: " + t.replace("\r", "\\r").replace("\n", "\\n") + ")";
    }
    return CliException.of("Cannot read %s: line %d: %s%s", file, line, reason, shown);
  }
}
