package dev.tracelake.lake;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.util.SnapshotUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a table's old snapshots from its live metadata to its archive, in two steps that are each
 * safe to repeat and to run on several replicas at once:
 *
 * <ol>
 *   <li>Append every snapshot to be moved to the archive (only those it lacks, and only if the
 *       archive did not move meanwhile). A snapshot whose child stays live gets a checkpoint of the
 *       carried summary values (writer offsets) as of itself.
 *   <li>Remove from the live metadata the snapshots that are in the archive, in one metadata commit
 *       (Iceberg's optimistic commit: lost races are retried on the new head). Nothing else
 *       changes: no file is deleted (manifest lists and manifests stay for reads of the archived
 *       snapshots, data files for everyone), refs and schemas stay.
 * </ol>
 *
 * <p>Iceberg's own {@code ExpireSnapshots} refuses tables with {@code gc.enabled=false}, which
 * every Tracelake table has; the removal is the same metadata change, without its file clean-up.
 */
final class HistoryArchiver {
  private static final Logger LOG = LoggerFactory.getLogger(HistoryArchiver.class);
  private static final int ATTEMPTS = 20;
  private static final int ARCHIVE_SNAPSHOTS_KEPT = 10;

  /** Properties a table gets at its first archive run, if it lacks them (older tables). */
  static final Map<String, String> UPGRADED_PROPERTIES =
      Map.of(
          TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED,
          "true",
          TableProperties.METADATA_PREVIOUS_VERSIONS_MAX,
          Lake.PREVIOUS_METADATA_VERSIONS,
          TableProperties.MANIFEST_MIN_MERGE_COUNT,
          Lake.MANIFEST_MIN_MERGE_COUNT);

  private final Lake lake;
  private final SnapshotArchive archive;

  HistoryArchiver(Lake lake, SnapshotArchive archive) {
    this.lake = lake;
    this.archive = archive;
  }

  /**
   * Archives what the table's history policy says should leave the live metadata.
   *
   * @param onlyIfDue do nothing unless enough snapshots piled up (the automatic trigger)
   */
  ArchiveResult archive(TableName name, boolean onlyIfDue) {
    Table table = lake.load(name);
    TableOperations ops = ((HasTableOperations) table).operations();
    TableMetadata base = ops.current();
    HistoryPolicy policy = HistoryPolicy.of(base.properties());
    int before = base.snapshots().size();
    String uuid = base.uuid();
    if (onlyIfDue && !policy.due(before)) {
      return new ArchiveResult(name, 0, 0, before, before, archive.count(name, uuid));
    }
    // Everything older than main's live window is archived, also snapshots that stay live because
    // a ref or another branch's window keeps them: main's history below its live part is then
    // wholly in the archive, which time travel by timestamp relies on.
    Set<Long> window = window(base, policy);
    Set<Long> keepLive = keep(base, policy);
    List<Snapshot> candidates = new ArrayList<>();
    Set<Long> leaving = new HashSet<>();
    for (Snapshot s : base.snapshots()) {
      if (!window.contains(s.snapshotId())) {
        candidates.add(s);
        if (!keepLive.contains(s.snapshotId())) {
          leaving.add(s.snapshotId());
        }
      }
    }
    if (leaving.isEmpty()) {
      return new ArchiveResult(name, 0, 0, before, before, archive.count(name, uuid));
    }
    candidates.sort(Comparator.comparingLong(Snapshot::sequenceNumber));
    Written written = writeToArchive(name, uuid, base, candidates, leaving);
    int expired = expire(name, ops, written.rows());
    TableMetadata after = ops.current();
    archiveUpkeep(name);
    LOG.info(
        "Table {}: archived {} snapshots, removed {} from the live metadata ({} live now)",
        name,
        written.fresh(),
        expired,
        after.snapshots().size());
    return new ArchiveResult(
        name,
        written.fresh(),
        expired,
        before,
        after.snapshots().size(),
        archive.count(name, uuid));
  }

  /** The live window proper: the newest snapshots and main's head with its recent ancestors. */
  static Set<Long> window(TableMetadata meta, HistoryPolicy policy) {
    Set<Long> keep = new HashSet<>();
    SnapshotRef main = meta.ref(LakeTable.MAIN);
    if (main != null) {
      int n = 0;
      for (Snapshot s : SnapshotUtil.ancestorsOf(main.snapshotId(), meta::snapshot)) {
        if (n++ >= policy.liveSnapshots()) {
          break;
        }
        keep.add(s.snapshotId());
      }
    }
    List<Snapshot> newest = new ArrayList<>(meta.snapshots());
    newest.sort(Comparator.comparingLong(Snapshot::sequenceNumber).reversed());
    for (int i = 0; i < Math.min(policy.liveSnapshots(), newest.size()); i++) {
      keep.add(newest.get(i).snapshotId());
    }
    return keep;
  }

  /** The snapshots a history policy keeps live: ref targets, recent ancestors, the newest. */
  static Set<Long> keep(TableMetadata meta, HistoryPolicy policy) {
    Set<Long> keep = new HashSet<>();
    for (SnapshotRef ref : meta.refs().values()) {
      keep.add(ref.snapshotId());
      if (ref.isBranch()) {
        int n = 0;
        for (Snapshot s : SnapshotUtil.ancestorsOf(ref.snapshotId(), meta::snapshot)) {
          if (n++ >= policy.liveSnapshots()) {
            break;
          }
          keep.add(s.snapshotId());
        }
      }
    }
    List<Snapshot> newest = new ArrayList<>(meta.snapshots());
    newest.sort(Comparator.comparingLong(Snapshot::sequenceNumber).reversed());
    for (int i = 0; i < Math.min(policy.liveSnapshots(), newest.size()); i++) {
      keep.add(newest.get(i).snapshotId());
    }
    return keep;
  }

  private record Written(Map<Long, ArchivedSnapshot> rows, int fresh) {}

  /**
   * Appends the candidates the archive lacks, with checkpoints where a live history will end: at
   * each leaving snapshot that a snapshot staying live descends from directly.
   */
  private Written writeToArchive(
      TableName name,
      String uuid,
      TableMetadata base,
      List<Snapshot> candidates,
      Set<Long> leaving) {
    Set<Long> boundaries = new HashSet<>();
    for (Snapshot s : base.snapshots()) {
      if (!leaving.contains(s.snapshotId())
          && s.parentId() != null
          && leaving.contains(s.parentId())) {
        boundaries.add(s.parentId());
      }
    }
    Set<Long> onMain = new HashSet<>();
    SnapshotRef main = base.ref(LakeTable.MAIN);
    if (main != null) {
      for (Snapshot s : SnapshotUtil.ancestorsOf(main.snapshotId(), base::snapshot)) {
        onMain.add(s.snapshotId());
      }
    }
    Table live = lake.load(name);
    for (int attempt = 1; ; attempt++) {
      SnapshotArchive.Seen seen = archive.seen(name, uuid, candidates);
      List<ArchivedSnapshot> rows = new ArrayList<>();
      int fresh = 0;
      for (Snapshot c : candidates) {
        ArchivedSnapshot existing = seen.rows().get(c.snapshotId());
        boolean needsCheckpoint =
            boundaries.contains(c.snapshotId()) && (existing == null || existing.carried() == null);
        if (existing == null || needsCheckpoint) {
          Map<String, SummaryValue> carried =
              needsCheckpoint ? carriedAt(name, live, base, c) : null;
          rows.add(ArchivedSnapshot.of(c, onMain.contains(c.snapshotId()), carried));
          if (existing == null) {
            fresh++;
          }
        }
      }
      try {
        archive.append(name, uuid, seen, rows, fresh);
        Map<Long, ArchivedSnapshot> all = new HashMap<>(seen.rows());
        rows.forEach(r -> all.merge(r.snapshotId(), r, (a, b) -> a.carried() != null ? a : b));
        return new Written(all, fresh);
      } catch (SnapshotArchive.ArchiveMoved e) {
        if (attempt >= ATTEMPTS) {
          throw new LakeException(
              ErrorKind.CONFLICT,
              "Table "
                  + name
                  + ": archive append lost to concurrent archivers "
                  + attempt
                  + " times",
              e);
        }
        LOG.debug("Table {}: archive moved while appending (attempt {}), retrying", name, attempt);
        backoff(attempt);
      }
    }
  }

  /**
   * Returns the carried summary values as of {@code snapshot}: folded from it back through its live
   * ancestors, over the checkpoint of the archived snapshot below them.
   */
  private Map<String, SummaryValue> carriedAt(
      TableName name, Table live, TableMetadata base, Snapshot snapshot) {
    List<Snapshot> chain = new ArrayList<>();
    Snapshot s = snapshot;
    Map<String, SummaryValue> start = Map.of();
    while (s != null) {
      chain.add(s);
      Long parent = s.parentId();
      if (parent == null) {
        break;
      }
      Snapshot p = base.snapshot(parent);
      if (p == null) {
        start = lake.history().carriedBefore(name, live, s);
        break;
      }
      s = p;
    }
    Map<String, SummaryValue> values = new HashMap<>(start);
    Collections.reverse(chain);
    for (Snapshot c : chain) {
      TableHistory.carry(values, c.snapshotId(), c.summary() == null ? Map.of() : c.summary());
    }
    return values;
  }

  /** Removes the archived candidates from the live metadata; returns how many were removed. */
  private int expire(TableName name, TableOperations ops, Map<Long, ArchivedSnapshot> archived) {
    for (int attempt = 1; ; attempt++) {
      TableMetadata fresh = ops.refresh();
      Set<Long> keep = keep(fresh, HistoryPolicy.of(fresh.properties()));
      Set<Long> remove = new HashSet<>();
      for (Snapshot s : fresh.snapshots()) {
        if (archived.containsKey(s.snapshotId()) && !keep.contains(s.snapshotId())) {
          remove.add(s.snapshotId());
        }
      }
      // a live snapshot whose parent leaves needs the parent's checkpoint in the archive: keep
      // parents without one (and, in turn, theirs) until a later run writes it
      boolean changed = true;
      while (changed) {
        changed = false;
        for (Snapshot s : fresh.snapshots()) {
          Long p = s.parentId();
          if (!remove.contains(s.snapshotId())
              && p != null
              && remove.contains(p)
              && archived.get(p).carried() == null) {
            remove.remove(p);
            changed = true;
          }
        }
      }
      Map<String, String> upgrade = new HashMap<>();
      UPGRADED_PROPERTIES.forEach(
          (k, v) -> {
            if (!fresh.properties().containsKey(k)) {
              upgrade.put(k, v);
            }
          });
      if (remove.isEmpty() && upgrade.isEmpty()) {
        return 0;
      }
      TableMetadata.Builder update = TableMetadata.buildFrom(fresh).removeSnapshots(remove);
      if (!upgrade.isEmpty()) {
        update.setProperties(upgrade);
      }
      var lock = lake.commitLock(fresh.uuid());
      CommitFailedException lost = null;
      lock.lock();
      try {
        // under the lock no commit of this process can land: a head that moved is seen here,
        // before a metadata file is written for a commit that would lose
        if (ops.refresh() == fresh) {
          ops.commit(fresh, update.build());
          return remove.size();
        }
      } catch (CommitFailedException e) {
        lost = e;
      } finally {
        lock.unlock();
      }
      if (attempt >= ATTEMPTS) {
        throw new LakeException(
            ErrorKind.CONFLICT,
            "Table "
                + name
                + ": removing archived snapshots from the live metadata lost to concurrent"
                + " commits "
                + attempt
                + " times (they stay live and archived; a later run removes them)",
            lost);
      }
      if (lost != null) {
        backoff(attempt);
      }
    }
  }

  /**
   * Keeps the archive table itself small: its own old snapshots leave its metadata (its head holds
   * every row, and no one reads the archive as of an older version), and its small files are
   * compacted, which keeps lookups to a few files.
   */
  private void archiveUpkeep(TableName name) {
    Table archiveTable = archive.loadForWrite(name, false);
    if (archiveTable == null) {
      return;
    }
    try {
      Compaction.compact(
          lake, SnapshotArchive.describe(name), archiveTable, CompactionOptions.defaults());
    } catch (RuntimeException e) {
      LOG.info(
          "Table {}: compacting its archive failed, trying next time: {}", name, e.getMessage());
    }
    TableOperations ops = ((HasTableOperations) archiveTable).operations();
    TableMetadata meta = ops.refresh();
    if (meta.snapshots().size() <= 2 * ARCHIVE_SNAPSHOTS_KEPT) {
      return;
    }
    List<Snapshot> all = new ArrayList<>(meta.snapshots());
    all.sort(Comparator.comparingLong(Snapshot::sequenceNumber).reversed());
    Set<Long> remove = new HashSet<>();
    for (Snapshot s : all.subList(ARCHIVE_SNAPSHOTS_KEPT, all.size())) {
      remove.add(s.snapshotId());
    }
    for (SnapshotRef ref : meta.refs().values()) {
      remove.remove(ref.snapshotId());
    }
    try {
      ops.commit(meta, TableMetadata.buildFrom(meta).removeSnapshots(remove).build());
    } catch (CommitFailedException e) {
      LOG.debug("Archive of {} moved while trimming its own history; next time", name);
    }
  }

  private static void backoff(int attempt) {
    long cap = Math.min(1000L, 10L << Math.min(attempt, 6));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LakeException(ErrorKind.CONFLICT, "Interrupted while archiving history", e);
    }
  }
}
