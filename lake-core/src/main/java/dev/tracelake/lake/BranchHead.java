package dev.tracelake.lake;

import java.util.Map;
import java.util.Optional;

/**
 * The state of a branch that a commit is about to build on, handed to a {@link CommitCheck}. A
 * check that passes on this state is a check that holds for the commit: Iceberg runs it on the very
 * head the new snapshot gets as parent, and if another writer moves the branch first, the commit
 * fails and is retried, and the check runs again on the new head.
 */
public interface BranchHead {
  /**
   * Summary keys under this prefix are carried across archiving: for each, the newest value in a
   * branch's history stays answerable without reading that history ({@link
   * #olderCarriedSummary()}). Ingest records each writer's committed offsets under it.
   */
  String CARRIED_SUMMARY_PREFIX = "tracelake.writer.";

  /** Returns the branch's head snapshot, empty when the branch has none yet. */
  Optional<SnapshotInfo> head();

  /**
   * Returns the head and all its ancestors, newest first, read lazily; ancestors that were archived
   * come from the archive, so a long walk costs as many snapshots as it reads.
   */
  Iterable<SnapshotInfo> history();

  /**
   * Returns the head and the ancestors still in the table's live metadata, newest first: a bounded
   * walk (the live window of history).
   */
  Iterable<SnapshotInfo> recentHistory();

  /**
   * Returns, for each summary key under {@link #CARRIED_SUMMARY_PREFIX}, its newest value among the
   * ancestors older than {@link #recentHistory()}, with the snapshot that committed it: the
   * checkpoint archived with them. Together with {@code recentHistory()} it gives every carried
   * key's newest value in the whole history at a bounded cost.
   */
  Map<String, SummaryValue> olderCarriedSummary();
}
