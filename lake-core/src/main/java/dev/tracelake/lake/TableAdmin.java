package dev.tracelake.lake;

import org.apache.iceberg.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Administrative operations on a table's refs: the only way to move or drop a tag. They change
 * which snapshot a name points at; they never delete snapshots or data files. Every operation is
 * logged at WARN so an audit trail exists even before access control arrives.
 */
public final class TableAdmin {
  private static final Logger LOG = LoggerFactory.getLogger(TableAdmin.class);

  private final LakeTable table;

  TableAdmin(LakeTable table) {
    this.table = table;
  }

  /**
   * Points an existing tag at another snapshot.
   *
   * @throws LakeException NOT_FOUND for an unknown tag or snapshot
   */
  public RefInfo moveTag(String tag, long snapshotId) {
    Table t = table.load();
    table.requireTag(t, tag);
    table.requireSnapshot(t, snapshotId);
    long from = t.refs().get(tag).snapshotId();
    table.commitRefs(m -> m.replaceTag(tag, snapshotId));
    LOG.warn(
        "ADMIN table {}: moved tag '{}' from snapshot {} to {}",
        table.name(),
        tag,
        from,
        snapshotId);
    return table.findRef(tag);
  }

  /**
   * Drops a tag; the snapshot it pointed at stays.
   *
   * @throws LakeException NOT_FOUND for an unknown tag
   */
  public void dropTag(String tag) {
    Table t = table.load();
    table.requireTag(t, tag);
    long at = t.refs().get(tag).snapshotId();
    table.commitRefs(m -> m.removeTag(tag));
    LOG.warn("ADMIN table {}: dropped tag '{}' (was at snapshot {})", table.name(), tag, at);
  }

  /**
   * Drops a branch other than {@code main}; its snapshots stay and remain readable by id.
   *
   * @throws LakeException NOT_FOUND for an unknown branch, INVALID_ARGUMENT for {@code main}
   */
  public void dropBranch(String branch) {
    if (LakeTable.MAIN.equals(branch)) {
      throw LakeException.invalid("Table %s: branch 'main' cannot be dropped", table.name());
    }
    Table t = table.load();
    table.requireBranch(t, branch);
    long at = t.refs().get(branch).snapshotId();
    table.commitRefs(m -> m.removeBranch(branch));
    LOG.warn("ADMIN table {}: dropped branch '{}' (was at snapshot {})", table.name(), branch, at);
  }
}
