package dev.tracelake.access;

import java.util.regex.Pattern;

/** Checks of the names the access model stores, so bad input is refused with its value named. */
final class AccessNames {
  private static final Pattern PRINCIPAL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");
  private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final int MAX_SHOWN = 80;

  private AccessNames() {}

  static String principal(String name) {
    if (name == null || !PRINCIPAL.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "Principal name '"
              + cap(name)
              + "' is not valid: 1 to 128 of [A-Za-z0-9._@-], starting with a letter or digit");
    }
    if (name.equalsIgnoreCase(LocalCredential.PRINCIPAL)) {
      throw new IllegalArgumentException(
          "Principal name '" + name + "' is reserved for the server's own token");
    }
    return name;
  }

  static String role(String name) {
    if (name == null || !ROLE.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "Role name '"
              + cap(name)
              + "' is not valid: 1 to 128 of [A-Za-z0-9._-], starting with a letter or digit");
    }
    return name;
  }

  /** Shows at most 80 characters of a user's value, with control characters escaped. */
  static String cap(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < value.length() && sb.length() < MAX_SHOWN; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return value.length() > MAX_SHOWN ? sb + "..." : sb.toString();
  }
}
