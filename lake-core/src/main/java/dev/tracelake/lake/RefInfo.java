package dev.tracelake.lake;

/**
 * A named reference to a snapshot.
 *
 * @param name the branch or tag name
 * @param type whether it is a branch (moves with appends) or a tag (fixed)
 * @param snapshotId the snapshot it points at
 */
public record RefInfo(String name, Type type, long snapshotId) {
  /** The kind of a reference. */
  public enum Type {
    BRANCH,
    TAG
  }
}
