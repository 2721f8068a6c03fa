package dev.tracelake.query;

import dev.tracelake.lake.DataFileInfo;
import dev.tracelake.lake.ScanPlan;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.TableName;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds which snapshot added each data file: the files of a snapshot minus those of its parent.
 * Tracelake only appends, so every row of a file was added by the snapshot that added the file.
 *
 * <p>lake-core's scan plans do not say which snapshot added a file, so this plans each snapshot on
 * the way; snapshots never change, so their file lists are cached for the engine's lifetime (LRU).
 */
final class FileOrigins {
  private final int maxSnapshots;
  // guarded by this
  private final Map<SnapshotKey, List<DataFileInfo>> filesBySnapshot;

  private record SnapshotKey(TableName table, long snapshotId) {}

  /**
   * The data files one snapshot added.
   *
   * @param snapshot the snapshot
   * @param files the files it added, all local
   */
  record AddedFiles(SnapshotInfo snapshot, List<DataFileInfo> files) {
    AddedFiles {
      files = List.copyOf(files);
    }

    /** Returns the local paths of the files. */
    List<String> paths() {
      return files.stream().map(DataFileInfo::localPath).toList();
    }
  }

  FileOrigins(int maxSnapshots) {
    this.maxSnapshots = maxSnapshots;
    this.filesBySnapshot =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<SnapshotKey, List<DataFileInfo>> eldest) {
            return size() > FileOrigins.this.maxSnapshots;
          }
        };
  }

  /**
   * Returns what each snapshot from {@code to} back to {@code from} (exclusive) added, newest
   * first.
   *
   * @param from the snapshot after which additions count; null for the table's first snapshot
   * @throws QueryException INVALID_ARGUMENT when {@code from} is not an ancestor of {@code to}
   */
  List<AddedFiles> addedBetween(QueryScope scope, TableName table, Long from, long to) {
    List<AddedFiles> out = new ArrayList<>();
    Long current = to;
    while (current != null && !current.equals(from)) {
      Optional<SnapshotInfo> found = scope.snapshot(table, current);
      if (found.isEmpty()) {
        // an expired ancestor: the history stops here
        current = null;
        break;
      }
      SnapshotInfo snapshot = found.get();
      Long parent = snapshot.parentId();
      if ("replace".equals(snapshot.operation())) {
        // a compaction moved rows into new files and added none: their origins stay the
        // snapshots that appended them
        out.add(new AddedFiles(snapshot, List.of()));
        current = parent;
        continue;
      }
      List<DataFileInfo> added = new ArrayList<>(files(scope, table, snapshot.snapshotId()));
      if (parent != null && scope.snapshot(table, parent).isPresent()) {
        Set<String> before = new HashSet<>();
        files(scope, table, parent).forEach(f -> before.add(f.location()));
        added.removeIf(f -> before.contains(f.location()));
      }
      out.add(new AddedFiles(snapshot, added));
      current = parent;
    }
    if (from != null && current == null) {
      throw QueryException.invalid(
          "Table %s: snapshot %d is not an ancestor of snapshot %d, so no rows were added from one"
              + " to the other",
          table, from, to);
    }
    return out;
  }

  private List<DataFileInfo> files(QueryScope scope, TableName table, long snapshotId) {
    SnapshotKey key = new SnapshotKey(table, snapshotId);
    synchronized (this) {
      List<DataFileInfo> cached = filesBySnapshot.get(key);
      if (cached != null) {
        return cached;
      }
    }
    ScanPlan plan = scope.plan(table, new VersionSpec.AtSnapshot(snapshotId));
    QueryScope.localFiles(plan); // refuses files not on the local file system
    List<DataFileInfo> files = plan.files();
    synchronized (this) {
      filesBySnapshot.put(key, files);
    }
    return files;
  }
}
