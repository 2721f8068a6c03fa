package dev.tracelake.pgwire;

/**
 * An error to send to the client as an ErrorResponse: a SQLSTATE, a message naming the value at
 * fault and, where known, the 1-based character position in the statement.
 */
final class PgException extends RuntimeException {
  static final String PROTOCOL_VIOLATION = "08P01";
  static final String FEATURE_NOT_SUPPORTED = "0A000";
  static final String INVALID_AUTHORIZATION = "28000";
  static final String INVALID_PASSWORD = "28P01";
  static final String INVALID_PARAMETER_VALUE = "22023";
  static final String INVALID_TEXT_REPRESENTATION = "22P02";
  static final String UNDEFINED_OBJECT = "42704";
  static final String INSUFFICIENT_PRIVILEGE = "42501";
  static final String TOO_MANY_CONNECTIONS = "53300";
  static final String IN_FAILED_TRANSACTION = "25P02";
  static final String INVALID_CURSOR_NAME = "34000";
  static final String INVALID_STATEMENT_NAME = "26000";
  static final String DUPLICATE_PREPARED_STATEMENT = "42P05";
  static final String PROGRAM_LIMIT = "54000";
  static final String QUERY_CANCELED = "57014";
  static final String ADMIN_SHUTDOWN = "57P01";

  private final String sqlState;
  private final int position;
  private final boolean fatal;

  PgException(String sqlState, String message) {
    this(sqlState, message, 0, false);
  }

  PgException(String sqlState, String message, int position, boolean fatal) {
    super(message);
    this.sqlState = sqlState;
    this.position = position;
    this.fatal = fatal;
  }

  static PgException fatal(String sqlState, String message) {
    return new PgException(sqlState, message, 0, true);
  }

  static PgException protocol(String format, Object... args) {
    return fatal(PROTOCOL_VIOLATION, String.format(format, args));
  }

  String sqlState() {
    return sqlState;
  }

  /** The 1-based character position in the statement, 0 when unknown. */
  int position() {
    return position;
  }

  /** Whether the connection ends after this error. */
  boolean isFatal() {
    return fatal;
  }
}
