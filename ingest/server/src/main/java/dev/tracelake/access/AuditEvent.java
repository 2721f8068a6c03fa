package dev.tracelake.access;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One entry of the audit log: who did what to which tables, and how it ended.
 *
 * @param time when the call ended
 * @param principal who authenticated
 * @param clientUser the user name the client presented (PostgreSQL user, token id), may be empty
 * @param action the RPC ({@code IngestService/AppendRows}) or door action ({@code pg/query})
 * @param access the access class of the action ({@code read}, {@code write}, ...)
 * @param tables the tables named or read
 * @param detail what was asked: the SQL text (capped), the record explained, the writer, the grant
 * @param snapshotIds the snapshots written (writes) or read (SQL)
 * @param rows rows written or returned
 * @param outcome the gRPC status code name, {@code OK} on success
 * @param message the error message, capped; empty on success
 */
public record AuditEvent(
    Instant time,
    String principal,
    String clientUser,
    String action,
    String access,
    List<String> tables,
    String detail,
    List<Long> snapshotIds,
    long rows,
    String outcome,
    String message) {
  /** The most characters of SQL text or an error message kept. */
  public static final int MAX_TEXT = 4096;

  public AuditEvent {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(principal, "principal");
    clientUser = cap(clientUser);
    Objects.requireNonNull(action, "action");
    access = access == null ? "" : access;
    tables = List.copyOf(tables);
    detail = cap(detail);
    snapshotIds = List.copyOf(snapshotIds);
    outcome = outcome == null ? "" : outcome;
    message = cap(message);
  }

  /**
   * The outcome an HTTP door records for a response status: the gRPC status code name a gRPC call
   * would have ended with, so one vocabulary covers every door.
   */
  public static String httpOutcome(int status) {
    if (status < 400) {
      return "OK";
    }
    return switch (status) {
      case 400, 422 -> "INVALID_ARGUMENT";
      case 401 -> "UNAUTHENTICATED";
      case 403 -> "PERMISSION_DENIED";
      case 404 -> "NOT_FOUND";
      case 405, 406, 501 -> "UNIMPLEMENTED";
      case 409 -> "ALREADY_EXISTS";
      case 413, 429 -> "RESOURCE_EXHAUSTED";
      case 503 -> "UNAVAILABLE";
      case 504 -> "DEADLINE_EXCEEDED";
      default -> status < 500 ? "FAILED_PRECONDITION" : "INTERNAL";
    };
  }

  static String cap(String text) {
    if (text == null) {
      return "";
    }
    return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "...";
  }
}
