package dev.tracelake.lake;

/**
 * What kind of failure a {@link LakeException} reports. Transports map each kind to one status in
 * one place (for gRPC: NOT_FOUND, ALREADY_EXISTS, INVALID_ARGUMENT, FAILED_PRECONDITION, ABORTED,
 * UNKNOWN).
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
  /** The catalog did not say whether a commit landed; the data may or may not be committed. */
  UNKNOWN_OUTCOME
}
