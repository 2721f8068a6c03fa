package dev.tracelake.query;

/**
 * What kind of failure a {@link QueryException} reports. Transports map each kind to one status in
 * one place (for gRPC the constants share the status names).
 */
public enum QueryErrorKind {
  /** A table, snapshot, branch, tag or column that the query names does not exist. */
  NOT_FOUND,
  /** The query is wrong whatever the state of the lake: a syntax, binder or conversion error. */
  INVALID_ARGUMENT,
  /** The query tried something the read-only sandbox refuses: a write, a setting, a file. */
  PERMISSION_DENIED,
  /** The query conflicts with how the lake is set up (e.g. data files not on a local disk). */
  FAILED_PRECONDITION,
  /** The caller cancelled the query. */
  CANCELLED,
  /** The query ran longer than its timeout and was cancelled. */
  DEADLINE_EXCEEDED,
  /** The query needed more memory than the sandbox allows. */
  RESOURCE_EXHAUSTED,
  /** Anything else; the message is generic and the cause is logged on the server. */
  INTERNAL
}
