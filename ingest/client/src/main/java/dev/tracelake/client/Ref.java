package dev.tracelake.client;

import java.util.Objects;

/**
 * A branch or tag of a table.
 *
 * @param name e.g. {@code main} or {@code training-set-fraud-v3}
 * @param type branch or tag
 * @param snapshotId the snapshot it points at
 */
public record Ref(String name, Type type, long snapshotId) {
  /** The kind of a ref. */
  public enum Type {
    /** Moves forward with appends and fast-forwards. */
    BRANCH,
    /** Fixed on one snapshot; only an admin can move or drop it. */
    TAG
  }

  /** Checks the arguments. */
  public Ref {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }
}
