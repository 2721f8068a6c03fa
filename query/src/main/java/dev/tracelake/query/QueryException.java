package dev.tracelake.query;

import java.util.Objects;

/**
 * The one exception type the query module throws for a failed query. Its message names the table,
 * version, tag, column, statement or setting at fault and never carries a stack trace; its {@link
 * #kind()} tells a transport which status to use.
 */
public class QueryException extends RuntimeException {
  private final QueryErrorKind kind;

  public QueryException(QueryErrorKind kind, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public QueryException(QueryErrorKind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /** Returns what kind of failure this is. */
  public QueryErrorKind kind() {
    return kind;
  }

  static QueryException invalid(String format, Object... args) {
    return new QueryException(QueryErrorKind.INVALID_ARGUMENT, String.format(format, args));
  }

  static QueryException denied(String format, Object... args) {
    return new QueryException(QueryErrorKind.PERMISSION_DENIED, String.format(format, args));
  }

  static QueryException notFound(String format, Object... args) {
    return new QueryException(QueryErrorKind.NOT_FOUND, String.format(format, args));
  }
}
