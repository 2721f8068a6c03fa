package dev.tracelake.cli;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads DuckDB's error messages: finds the line a CSV or JSON reader failed on, and cuts the advice
 * and option dumps that follow the first paragraph.
 */
final class DuckDbErrors {
  private static final Pattern ARROW_STREAM_MESSAGE =
      Pattern.compile("CDataJniException\\{errno=-?\\d+, message=(.*)}\\s*$", Pattern.DOTALL);
  private static final Pattern CSV_LINE = Pattern.compile("CSV Error on Line: (\\d+)");
  private static final Pattern CSV_ORIGINAL_LINE =
      Pattern.compile("^Original Line: (.*)$", Pattern.MULTILINE);
  private static final List<String> CSV_REASONS =
      List.of(
          "Expected Number of Columns",
          "Error when converting column",
          "Value with unterminated quote",
          "Invalid unicode",
          "Maximum line size",
          "The CSV Parser state machine");
  private static final Pattern JSON_TRANSFORM =
      Pattern.compile("JSON transform error in file \".*?\", in line (\\d+): ([^\\n]*)");

  private DuckDbErrors() {}

  /**
   * Returns DuckDB's message from an exception thrown by a statement (an {@link SQLException}) or
   * by an Arrow stream it exports (an {@link IOException} wrapping the message).
   */
  static String message(Exception e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    if (e instanceof IOException) {
      Matcher m = ARROW_STREAM_MESSAGE.matcher(message);
      if (m.find()) {
        return m.group(1);
      }
    }
    return message;
  }

  /** Returns the line a CSV reader error names, with DuckDB's reason and the line's text. */
  static Optional<LineError> csvLineError(String message) {
    Matcher line = CSV_LINE.matcher(message);
    if (!line.find()) {
      return Optional.empty();
    }
    Matcher original = CSV_ORIGINAL_LINE.matcher(message);
    String text = original.find() ? original.group(1) : null;
    String reason =
        message
            .lines()
            .map(String::strip)
            .filter(l -> CSV_REASONS.stream().anyMatch(l::startsWith))
            .findFirst()
            .orElse("malformed CSV");
    return Optional.of(new LineError(Long.parseLong(line.group(1)), reason, text));
  }

  /** Returns the line of a JSON value that does not fit its column. */
  static Optional<LineError> jsonTransformError(String message) {
    Matcher m = JSON_TRANSFORM.matcher(message);
    if (!m.find()) {
      return Optional.empty();
    }
    return Optional.of(new LineError(Long.parseLong(m.group(1)), m.group(2).strip(), null));
  }

  /** Returns whether DuckDB found a line that is not a JSON object. */
  static boolean isMalformedJson(String message) {
    return message.contains("Malformed JSON") || message.contains("non-record JSON");
  }

  /**
   * Returns whether the message is the JDBC driver's stand-in for the error of a streamed query
   * that failed in its first rows.
   */
  static boolean isLostStreamingError(String message) {
    return message.contains("Invalid result set");
  }

  /** Returns whether DuckDB could not make out the CSV layout from the file's first lines. */
  static boolean isCsvSniffFailure(String message) {
    return message.contains("Error when sniffing file");
  }

  /** Returns the first paragraph of a message on one line, without the SQL context. */
  static String summary(String message) {
    StringBuilder out = new StringBuilder();
    for (String line : message.lines().toList()) {
      if (line.isBlank() || line.startsWith("LINE ")) {
        if (out.length() > 0) {
          break;
        }
        continue;
      }
      if (out.length() > 0) {
        out.append(' ');
      }
      out.append(line.strip());
    }
    return out.toString();
  }
}
