package dev.tracelake.lake;

/**
 * What kind of failure a {@link LakeException} reports: the one error vocabulary of lake-core and
 * the ingest path. Transports map each kind to one status in one place (for gRPC: {@code
 * GrpcErrors}, which also names each kind as a {@code tracelake.v1.ErrorReason}).
 */
public enum ErrorKind {
  /** A table, snapshot, ref or column that the caller named does not exist. */
  NOT_FOUND,
  /** The caller asked to create something that already exists. */
  ALREADY_EXISTS,
  /** The request is wrong whatever the state of the lake: bad schema, bad value, bad name. */
  INVALID_ARGUMENT,
  /** The request conflicts with the current state (a protected tag, a non-fast-forward). */
  FAILED_PRECONDITION,
  /** A commit lost its race with other writers after every retry; nothing was committed. */
  CONFLICT,
  /**
   * The catalog did not say whether a commit landed; the data may or may not be committed. An
   * append retried with the same writer offset is exactly-once safe.
   */
  UNKNOWN_OUTCOME,
  /** A writer's offset does not follow its last committed or queued one. */
  OFFSET_OUT_OF_RANGE,
  /** The request was not done now (an earlier offset failed, a race); send it again unchanged. */
  RETRY,
  /** The server is shutting down; send the request to another server. */
  SHUTTING_DOWN,
  /** The request is larger or deeper than a limit allows, or the server is out of memory. */
  RESOURCE_EXHAUSTED
}
