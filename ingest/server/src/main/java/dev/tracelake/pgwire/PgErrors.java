package dev.tracelake.pgwire;

import dev.tracelake.query.QueryException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Maps the engine's errors to SQLSTATE codes and positions, in one place. */
final class PgErrors {
  private static final Pattern NEAR = Pattern.compile("at or near \"([^\"]+)\"");
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]{1,128})\"");

  private PgErrors() {}

  static PgException translate(QueryException e, String statement) {
    String message = e.getMessage() == null ? "query failed" : e.getMessage();
    String lower = message.toLowerCase(Locale.ROOT);
    String state =
        switch (e.kind()) {
          case NOT_FOUND ->
              lower.contains("column") ? "42703" : lower.startsWith("table") ? "42P01" : "42704";
          case INVALID_ARGUMENT -> {
            if (lower.contains("parser error") || lower.contains("syntax error")) {
              yield "42601";
            } else if (lower.contains("column") && lower.contains("not found")) {
              yield "42703";
            } else if (lower.contains("function") && lower.contains("does not exist")) {
              yield "42883";
            } else if (lower.contains("conversion") || lower.contains("could not convert")) {
              yield "22P02";
            } else if (lower.contains("table") && lower.contains("does not exist")) {
              yield "42P01";
            }
            yield "42000";
          }
          case PERMISSION_DENIED -> PgException.INSUFFICIENT_PRIVILEGE;
          case FAILED_PRECONDITION -> "55000";
          case CANCELLED, DEADLINE_EXCEEDED -> PgException.QUERY_CANCELED;
          case RESOURCE_EXHAUSTED -> "53200";
          case INTERNAL -> "XX000";
        };
    return new PgException(state, message, position(message, statement), false);
  }

  /**
   * The 1-based position in the client's statement of the token an error names ({@code at or near
   * "x"}, or the first quoted name), 0 when it cannot be found there.
   */
  static int position(String message, String statement) {
    Matcher m = NEAR.matcher(message);
    String token = m.find() ? m.group(1) : null;
    if (token == null) {
      Matcher q = QUOTED.matcher(message);
      token = q.find() ? q.group(1) : null;
    }
    if (token == null) {
      return 0;
    }
    int at = statement.toLowerCase(Locale.ROOT).indexOf(token.toLowerCase(Locale.ROOT));
    return at < 0 ? 0 : at + 1;
  }
}
