package dev.tracelake.lake;

/**
 * The rules for text a caller hands Tracelake that ends up in table metadata, partition values,
 * column names or SQL identifiers, where nothing committed can be rewritten: one bad value there
 * would stay in the table for good. Also the one way messages echo a caller's value, capped so an
 * error never grows with the input.
 */
public final class InputText {
  /** How many characters of a caller's value a message shows at most. */
  public static final int SHOWN_CHARS = 200;

  private InputText() {}

  /**
   * Returns {@code value} as a message may show it: quoted, with control characters escaped ({@code
   * \u0000}), and cut after {@value #SHOWN_CHARS} characters with its full length added.
   */
  public static String shown(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder(Math.min(value.length(), SHOWN_CHARS) + 16).append('\'');
    int end = Math.min(value.length(), SHOWN_CHARS);
    for (int i = 0; i < end; i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c) || Character.isSurrogate(c) && !pairedAt(value, i)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    b.append('\'');
    if (value.length() > SHOWN_CHARS) {
      b.append("... (").append(value.length()).append(" characters)");
    }
    return b.toString();
  }

  /**
   * Checks a value that Tracelake stores in metadata or uses as a name: at most {@code maxChars}
   * characters, no control characters (C0, DEL, C1: they break SQL literals, logs and terminals),
   * no unpaired surrogates (not encodable as UTF-8), not blank.
   *
   * @param what what the value is, for the message, e.g. {@code "provenance run_id"}
   * @return the reason it is refused, or null when it is fine
   */
  public static String problem(String what, String value, int maxChars) {
    if (value == null || value.isBlank()) {
      return what + " is empty or blank";
    }
    if (value.length() > maxChars) {
      return String.format(
          "%s %s is %d characters long; at most %d are allowed",
          what, shown(value), value.length(), maxChars);
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        return String.format(
            "%s %s holds the control character U+%04X at position %d; control characters are"
                + " not allowed",
            what, shown(value), (int) c, i);
      }
      if (Character.isSurrogate(c)) {
        if (!pairedAt(value, i)) {
          return String.format(
              "%s %s holds an unpaired surrogate at position %d; it is not valid Unicode",
              what, shown(value), i);
        }
        i++;
      }
    }
    return null;
  }

  /**
   * As {@link #problem}, throwing.
   *
   * @throws LakeException INVALID_ARGUMENT with the reason
   */
  public static String check(String what, String value, int maxChars) {
    String problem = problem(what, value, maxChars);
    if (problem != null) {
      throw new LakeException(ErrorKind.INVALID_ARGUMENT, problem);
    }
    return value;
  }

  private static boolean pairedAt(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
