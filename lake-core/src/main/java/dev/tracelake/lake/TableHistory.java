package dev.tracelake.lake;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A table's whole history: the snapshots in its live metadata and those archived from it, as one.
 * Every lookup tries the live metadata first and the archive second, in that order: a snapshot is
 * archived before it is removed from the live metadata, so a reader that misses it in the live
 * metadata finds it in the archive read after.
 */
final class TableHistory {
  private static final Logger LOG = LoggerFactory.getLogger(TableHistory.class);

  private final SnapshotArchive archive;
  private final SnapshotViews views = new SnapshotViews();
  // guarded by itself: metadata location -> ids of main's head and its live ancestors
  private final Map<String, Set<Long>> liveMain =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Set<Long>> eldest) {
          return size() > 16;
        }
      };

  TableHistory(SnapshotArchive archive) {
    this.archive = archive;
  }

  SnapshotArchive archive() {
    return archive;
  }

  /** Returns how many snapshots a table's live metadata holds. */
  static int liveCount(Table table) {
    return ((HasTableOperations) table).operations().current().snapshots().size();
  }

  private static String uuid(Table live) {
    return live.uuid().toString();
  }

  /** Returns a snapshot by id, live or archived; null when the table never had it. */
  Snapshot snapshot(TableName name, Table live, long snapshotId) {
    Snapshot s = live.snapshot(snapshotId);
    if (s != null) {
      return s;
    }
    return archive.find(name, uuid(live), snapshotId).map(ArchivedSnapshot::toIceberg).orElse(null);
  }

  /** Returns the archived row of a snapshot that is not live, if any. */
  Optional<ArchivedSnapshot> archived(TableName name, Table live, long snapshotId) {
    return archive.find(name, uuid(live), snapshotId);
  }

  /** The head and its ancestors still in the live metadata, newest first. */
  static Iterable<Snapshot> liveAncestors(Table live, Snapshot head) {
    if (head == null) {
      return List.of();
    }
    return SnapshotUtil.ancestorsOf(head.snapshotId(), live::snapshot);
  }

  /**
   * The head and all its ancestors, newest first, read lazily: the live metadata's, then the
   * archive's (scanned newest first, so a walk costs the rows it passes).
   */
  Iterable<Snapshot> ancestors(TableName name, Table live, Snapshot head) {
    if (head == null) {
      return List.of();
    }
    return () -> new Ancestors(name, live, head);
  }

  private final class Ancestors implements Iterator<Snapshot> {
    private final TableName name;
    private final Table live;
    private Snapshot next;
    private Iterator<ArchivedSnapshot> archived;

    Ancestors(TableName name, Table live, Snapshot head) {
      this.name = name;
      this.live = live;
      this.next = head;
    }

    @Override
    public boolean hasNext() {
      return next != null;
    }

    @Override
    public Snapshot next() {
      if (next == null) {
        throw new NoSuchElementException();
      }
      Snapshot current = next;
      next = parentOf(current);
      return current;
    }

    private Snapshot parentOf(Snapshot s) {
      Long parent = s.parentId();
      if (parent == null) {
        return null;
      }
      Snapshot p = live.snapshot(parent);
      if (p != null) {
        return p;
      }
      if (archived == null) {
        archived = archive.descending(name, uuid(live), s.sequenceNumber());
      }
      while (archived.hasNext()) {
        ArchivedSnapshot row = archived.next();
        if (row.snapshotId() == parent) {
          return row.toIceberg();
        }
      }
      LOG.debug("Table {}: the history of snapshot {} ends at it", name, s.snapshotId());
      return null;
    }
  }

  /**
   * For each carried summary key, its newest value in the ancestors older than the live part of a
   * chain: the checkpoint archived with the parent of the chain's oldest live snapshot.
   */
  Map<String, SummaryValue> carriedBefore(TableName name, Table live, Snapshot oldestLive) {
    Long parent = oldestLive == null ? null : oldestLive.parentId();
    if (parent == null) {
      return Map.of();
    }
    Optional<ArchivedSnapshot> row = archive.find(name, uuid(live), parent);
    if (row.isEmpty()) {
      LOG.warn(
          "Table {}: snapshot {}, the parent of the oldest live snapshot {}, is neither live nor"
              + " archived; carried summary values before it are unknown",
          name,
          parent,
          oldestLive.snapshotId());
      return Map.of();
    }
    if (row.get().carried() != null) {
      return row.get().carried();
    }
    return foldArchived(name, live, row.get());
  }

  /**
   * Folds carried summary values from an archived snapshot back to the nearest archived ancestor
   * with a checkpoint, or the first snapshot. The slow path: only when a checkpoint is missing.
   */
  Map<String, SummaryValue> foldArchived(TableName name, Table live, ArchivedSnapshot from) {
    LOG.info(
        "Table {}: no checkpoint of carried summary values at archived snapshot {}; folding them"
            + " from the archived history",
        name,
        from.snapshotId());
    List<ArchivedSnapshot> chain = new ArrayList<>();
    Map<String, SummaryValue> base = Map.of();
    ArchivedSnapshot current = from;
    Iterator<ArchivedSnapshot> rows = null;
    while (current != null) {
      if (current.carried() != null) {
        base = current.carried();
        break;
      }
      chain.add(current);
      Long parent = current.parentId();
      if (parent == null) {
        break;
      }
      if (rows == null) {
        rows = archive.descending(name, uuid(live), current.sequenceNumber());
      }
      ArchivedSnapshot found = null;
      while (rows.hasNext()) {
        ArchivedSnapshot r = rows.next();
        if (r.snapshotId() == parent) {
          found = r;
          break;
        }
      }
      current = found;
    }
    Map<String, SummaryValue> out = new HashMap<>(base);
    Collections.reverse(chain);
    for (ArchivedSnapshot s : chain) {
      carry(out, s.snapshotId(), s.summary());
    }
    return out;
  }

  /** Puts the carried keys of one snapshot's summary over {@code values}. */
  static void carry(
      Map<String, SummaryValue> values, long snapshotId, Map<String, String> summary) {
    for (Map.Entry<String, String> e : summary.entrySet()) {
      if (e.getKey().startsWith(BranchHead.CARRIED_SUMMARY_PREFIX)) {
        values.put(e.getKey(), new SummaryValue(e.getValue(), snapshotId));
      }
    }
  }

  /** Returns the ids of main's head and its live ancestors. */
  private Set<Long> liveMainIds(Table live) {
    String location = ((HasTableOperations) live).operations().current().metadataFileLocation();
    synchronized (liveMain) {
      Set<Long> cached = location == null ? null : liveMain.get(location);
      if (cached != null) {
        return cached;
      }
    }
    Set<Long> ids = new HashSet<>();
    SnapshotRef main = live.refs().get(LakeTable.MAIN);
    if (main != null) {
      for (Snapshot s : liveAncestors(live, live.snapshot(main.snapshotId()))) {
        ids.add(s.snapshotId());
      }
    }
    if (location != null) {
      synchronized (liveMain) {
        liveMain.put(location, ids);
      }
    }
    return ids;
  }

  /**
   * Returns whether {@code ancestorId} is {@code snapshotId} or one of its ancestors, archived ones
   * included.
   */
  boolean isAncestor(TableName name, Table live, long ancestorId, long snapshotId) {
    if (ancestorId == snapshotId) {
      return snapshot(name, live, snapshotId) != null;
    }
    if (live.snapshot(ancestorId) != null && live.snapshot(snapshotId) != null) {
      if (SnapshotUtil.isAncestorOf(live, snapshotId, ancestorId)) {
        return true;
      }
    }
    Snapshot descendant = snapshot(name, live, snapshotId);
    Snapshot ancestor = snapshot(name, live, ancestorId);
    if (descendant == null
        || ancestor == null
        || ancestor.sequenceNumber() >= descendant.sequenceNumber()) {
      return false;
    }
    // main only moves forward in Tracelake, so two snapshots that were both on main are in order
    if (onMain(name, live, descendant) && onMain(name, live, ancestor)) {
      return true;
    }
    for (Snapshot s : ancestors(name, live, descendant)) {
      if (s.snapshotId() == ancestorId) {
        return true;
      }
      if (s.sequenceNumber() < ancestor.sequenceNumber()) {
        return false;
      }
    }
    return false;
  }

  private boolean onMain(TableName name, Table live, Snapshot s) {
    if (live.snapshot(s.snapshotId()) != null && liveMainIds(live).contains(s.snapshotId())) {
      return true;
    }
    // older live snapshots (kept by a tag or another branch) are archived too, with the flag
    return archive
        .find(name, uuid(live), s.snapshotId())
        .map(ArchivedSnapshot::mainAncestor)
        .orElse(false);
  }

  /**
   * Returns the snapshot of {@code main} current at a time: its newest ancestor committed at or
   * before it, archived ones included; null when there is none.
   */
  Snapshot mainAsOf(TableName name, Table live, long millis) {
    SnapshotRef main = live.refs().get(LakeTable.MAIN);
    if (main == null) {
      return null;
    }
    Snapshot oldest = null;
    for (Snapshot s : liveAncestors(live, live.snapshot(main.snapshotId()))) {
      if (s.timestampMillis() <= millis) {
        return s;
      }
      oldest = s;
    }
    if (oldest == null || oldest.parentId() == null) {
      return null;
    }
    return archive.mainAsOf(name, uuid(live), millis).map(ArchivedSnapshot::toIceberg).orElse(null);
  }

  /** Returns the first snapshot of main's history (the oldest ancestor), archived or live. */
  Snapshot firstOnMain(TableName name, Table live) {
    SnapshotRef main = live.refs().get(LakeTable.MAIN);
    if (main == null) {
      return null;
    }
    Snapshot oldest = null;
    for (Snapshot s : liveAncestors(live, live.snapshot(main.snapshotId()))) {
      oldest = s;
    }
    if (oldest == null || oldest.parentId() == null) {
      return oldest;
    }
    Snapshot first = null;
    Iterator<ArchivedSnapshot> rows = archive.descending(name, uuid(live), oldest.sequenceNumber());
    while (rows.hasNext()) {
      ArchivedSnapshot r = rows.next();
      if (r.mainAncestor()) {
        first = r.toIceberg();
      }
    }
    return first == null ? oldest : first;
  }

  /**
   * Returns the table to read {@code target} from: the live table when the snapshots the read walks
   * are live, else a read-only view holding them. An incremental read after {@code appendedAfter}
   * walks from the target down to that snapshot (Iceberg's generic reader wants it present).
   */
  Table readTable(TableName name, Table live, Snapshot target, Long appendedAfter) {
    List<Snapshot> chain = new ArrayList<>();
    boolean allLive = true;
    for (Snapshot s : ancestors(name, live, target)) {
      chain.add(s);
      allLive &= live.snapshot(s.snapshotId()) != null;
      if (appendedAfter == null || appendedAfter == s.snapshotId()) {
        break;
      }
    }
    return allLive ? live : views.view(live, chain);
  }

  /** Lists every snapshot, live and archived, oldest first (by commit time, then id). */
  List<SnapshotInfo> all(TableName name, Table live) {
    Map<Long, SnapshotInfo> byId = new LinkedHashMap<>();
    for (Snapshot s : live.snapshots()) {
      byId.put(s.snapshotId(), SnapshotInfo.of(s));
    }
    Iterator<ArchivedSnapshot> rows = archive.descending(name, uuid(live), Long.MAX_VALUE);
    while (rows.hasNext()) {
      ArchivedSnapshot r = rows.next();
      byId.putIfAbsent(r.snapshotId(), r.info());
    }
    List<SnapshotInfo> all = new ArrayList<>(byId.values());
    all.sort(
        Comparator.comparing(SnapshotInfo::committedAt).thenComparing(SnapshotInfo::snapshotId));
    return all;
  }

  /** Returns the live snapshots and the archive's files, for engines that read them directly. */
  SnapshotSources sources(TableName name, Table live) {
    List<SnapshotInfo> liveInfos = new ArrayList<>();
    for (Snapshot s : live.snapshots()) {
      liveInfos.add(SnapshotInfo.of(s));
    }
    liveInfos.sort(
        Comparator.comparing(SnapshotInfo::committedAt).thenComparing(SnapshotInfo::snapshotId));
    List<DataFileInfo> files = new ArrayList<>();
    for (SnapshotArchive.ArchiveFile f : archive.files(name, uuid(live), true)) {
      String location = f.location();
      files.add(
          new DataFileInfo(
              location,
              location.contains("://") && !location.startsWith("file:")
                  ? null
                  : LocalFileIO.toPath(location).toString(),
              f.rows(),
              f.bytes()));
    }
    return new SnapshotSources(uuid(live), liveInfos, files);
  }

  /** Returns how many snapshots the table has had, live and archived. */
  long count(TableName name, Table live) {
    long archived = archive.count(name, uuid(live));
    if (archived == 0) {
      return liveCount(live);
    }
    long both = 0;
    List<SnapshotArchive.ArchiveFile> files = archive.files(name, uuid(live), false);
    long newestArchived = files.isEmpty() ? Long.MIN_VALUE : files.get(0).maxSeq();
    for (Snapshot s : live.snapshots()) {
      // only live snapshots as old as the archive's newest can be in it too (tags, retries)
      if (s.sequenceNumber() <= newestArchived
          && archive.find(name, uuid(live), s.snapshotId()).isPresent()) {
        both++;
      }
    }
    return liveCount(live) + archived - both;
  }

  /**
   * Returns a page of snapshots, newest first (by sequence number, the commit order), live and
   * archived merged.
   *
   * @param beforeSeq only snapshots committed before this sequence number (exclusive)
   */
  SnapshotPage page(TableName name, Table live, int limit, long beforeSeq) {
    List<Snapshot> liveRows = new ArrayList<>();
    Set<Long> liveIds = new HashSet<>();
    for (Snapshot s : live.snapshots()) {
      liveIds.add(s.snapshotId());
      if (s.sequenceNumber() < beforeSeq) {
        liveRows.add(s);
      }
    }
    liveRows.sort(Comparator.comparingLong(Snapshot::sequenceNumber).reversed());
    ArchiveMerge rows = archive.descending(name, uuid(live), beforeSeq);
    ArchivedSnapshot pendingArchived = null;
    int l = 0;
    List<SnapshotInfo> out = new ArrayList<>();
    long lastSeq = beforeSeq;
    boolean more = false;
    while (true) {
      Snapshot nextLive = l < liveRows.size() ? liveRows.get(l) : null;
      // an archive file is decoded only when its rows may come before the next live snapshot: a
      // first page the live window fills reads none (a long history's archive files are large)
      if (pendingArchived == null
          && (nextLive == null || nextLive.sequenceNumber() <= rows.upperBound())) {
        while (pendingArchived == null && rows.hasNext()) {
          ArchivedSnapshot r = rows.next();
          if (!liveIds.contains(r.snapshotId())) {
            pendingArchived = r;
          }
        }
      }
      if (nextLive == null && pendingArchived == null) {
        break;
      }
      if (out.size() == limit) {
        more = true;
        break;
      }
      if (pendingArchived == null
          || (nextLive != null && nextLive.sequenceNumber() > pendingArchived.sequenceNumber())) {
        out.add(SnapshotInfo.of(nextLive));
        lastSeq = nextLive.sequenceNumber();
        l++;
      } else {
        out.add(pendingArchived.info());
        lastSeq = pendingArchived.sequenceNumber();
        pendingArchived = null;
      }
    }
    return new SnapshotPage(
        out, more ? Optional.of(SnapshotPage.token(lastSeq)) : Optional.empty());
  }
}
