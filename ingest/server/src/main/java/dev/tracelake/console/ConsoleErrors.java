package dev.tracelake.console;

import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.TableName;
import dev.tracelake.lineage.LineageException;
import dev.tracelake.query.QueryException;

/**
 * The one table from domain errors to HTTP statuses. Messages of domain errors name the value at
 * fault and are shown; anything else is a 500 with a generic message, logged once with its cause.
 */
final class ConsoleErrors {
  private ConsoleErrors() {}

  /** An error as the console answers it. */
  record Answer(int status, String message, boolean internal) {}

  static Answer of(Throwable e) {
    return of(e, t -> true);
  }

  /**
   * As {@link #of(Throwable)}, with a missing table's hint naming only the tables {@code visible}
   * allows (those the asker may read): no existence leak.
   */
  static Answer of(Throwable e, java.util.function.Predicate<TableName> visible) {
    if (e instanceof ApiException a) {
      return new Answer(a.status(), a.getMessage(), false);
    }
    if (e instanceof LakeException l) {
      int status =
          switch (l.kind()) {
            case NOT_FOUND -> 404;
            case INVALID_ARGUMENT -> 400;
            case ALREADY_EXISTS, FAILED_PRECONDITION, CONFLICT, OFFSET_OUT_OF_RANGE -> 409;
            // a limit hit or the server busy, stopping or unsure: try again later, or less
            case UNKNOWN_OUTCOME, RETRY, SHUTTING_DOWN, RESOURCE_EXHAUSTED -> 503;
          };
      return new Answer(status, l.messageShowing(visible), false);
    }
    if (e instanceof LineageException l) {
      int status =
          switch (l.kind()) {
            case NOT_FOUND -> 404;
            case INVALID_ARGUMENT -> 400;
            case FAILED_PRECONDITION -> 409;
            case UNAVAILABLE -> 503;
          };
      return new Answer(status, l.getMessage(), false);
    }
    if (e instanceof QueryException q) {
      return switch (q.kind()) {
        case NOT_FOUND -> new Answer(404, q.getMessage(), false);
        case INVALID_ARGUMENT -> new Answer(400, q.getMessage(), false);
        case PERMISSION_DENIED -> new Answer(403, q.getMessage(), false);
        case FAILED_PRECONDITION -> new Answer(409, q.getMessage(), false);
        case DEADLINE_EXCEEDED -> new Answer(504, q.getMessage(), false);
        case RESOURCE_EXHAUSTED, CANCELLED -> new Answer(503, q.getMessage(), false);
        default -> new Answer(500, "Internal error; the server log has the details", true);
      };
    }
    if (e instanceof IllegalArgumentException) {
      return new Answer(400, e.getMessage(), false);
    }
    return new Answer(500, "Internal error; the server log has the details", true);
  }
}
