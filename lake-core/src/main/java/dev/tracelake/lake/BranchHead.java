package dev.tracelake.lake;

import java.util.Optional;

/**
 * The state of a branch that a commit is about to build on, handed to a {@link CommitCheck}. A
 * check that passes on this state is a check that holds for the commit: if another writer moves the
 * branch first, the commit fails and is retried, and the check runs again on the new head.
 */
public interface BranchHead {
  /** Returns the branch's head snapshot, empty when the branch has none yet. */
  Optional<SnapshotInfo> head();

  /** Returns the head and its ancestors, newest first, read lazily. */
  Iterable<SnapshotInfo> history();
}
