package dev.tracelake.lineage.replay;

import dev.tracelake.lineage.LineageException;
import java.util.regex.Pattern;

/** Checks of the text a replay definition brings, before any of it reaches a table or a message. */
final class ReplayText {
  /** Replay ids: they name a branch ({@code replay/<id>}) and a writer ({@code replay.<id>}). */
  static final Pattern REPLAY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-]{0,99}");

  /** Branch names, as lake-core allows them. */
  static final Pattern REF_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-/]{0,254}");

  /** Longest provenance value, as lake-core's Provenance allows. */
  static final int MAX_VALUE = 1024;

  private static final int SHOWN = 64;

  private ReplayText() {}

  /**
   * Checks a replay id.
   *
   * @throws LineageException INVALID_ARGUMENT naming the id
   */
  static String replayId(String id) {
    if (id == null || id.isEmpty()) {
      throw invalid("A replay needs an id: 1 to 100 of letters, digits, '.', '_', '-'");
    }
    if (!REPLAY_ID.matcher(id).matches()) {
      throw invalid(
          "Invalid replay id '%s': use 1 to 100 of letters, digits, '.', '_', '-', starting with a"
              + " letter or digit",
          shown(id));
    }
    return id;
  }

  /**
   * Returns a value stripped, null when blank; refuses control characters and values longer than
   * {@link #MAX_VALUE}: they would reach snapshot summaries and partition values.
   *
   * @throws LineageException INVALID_ARGUMENT naming the field
   */
  static String value(String field, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    if (value.length() > MAX_VALUE) {
      throw invalid(
          "%s '%s' is %d characters long; at most %d are allowed",
          field, shown(value), value.length(), MAX_VALUE);
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        throw invalid(
            "%s '%s' holds a control character (U+%04X at %d)", field, shown(value), (int) c, i);
      }
    }
    return value.strip();
  }

  /** Returns the value cut to its first characters, control characters escaped, for messages. */
  static String shown(String value) {
    String cut =
        value.length() <= SHOWN
            ? value
            : value.substring(0, SHOWN) + "...(" + value.length() + " characters)";
    StringBuilder out = new StringBuilder(cut.length());
    for (int i = 0; i < cut.length(); i++) {
      char c = cut.charAt(i);
      if (Character.isISOControl(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  static LineageException invalid(String format, Object... args) {
    return new LineageException(
        LineageException.Kind.INVALID_ARGUMENT, String.format(format, args));
  }

  static LineageException notFound(String format, Object... args) {
    return new LineageException(LineageException.Kind.NOT_FOUND, String.format(format, args));
  }

  static LineageException precondition(String format, Object... args) {
    return new LineageException(
        LineageException.Kind.FAILED_PRECONDITION, String.format(format, args));
  }
}
