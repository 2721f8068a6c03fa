package dev.tracelake.lake;

/**
 * A condition on the branch head that must hold for an append to commit; e.g. ingest checks that no
 * other commit already carries a writer's offset. Runs before every commit attempt.
 */
@FunctionalInterface
public interface CommitCheck {
  /**
   * Checks the branch about to be committed on.
   *
   * @throws LakeException to abort the append; nothing is committed
   */
  void check(BranchHead branch);
}
