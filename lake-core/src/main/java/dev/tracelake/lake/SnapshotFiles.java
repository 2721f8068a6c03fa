package dev.tracelake.lake;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The data files of whole snapshots, remembered: a snapshot never changes, so the files a scan of
 * it plans (without filters) are the same every time, and planning them again means reading every
 * manifest again. Keyed by the table's UUID and the snapshot id; the least recently used entries go
 * first once more than {@link #MAX_FILES} files are held.
 */
final class SnapshotFiles {
  /** At most this many file entries are kept (about 200 bytes each). */
  static final int MAX_FILES = 200_000;

  /**
   * @param appendedAfter the ancestor whose files are left out; null for every file
   */
  record Key(String tableUuid, long snapshotId, Long appendedAfter) {}

  record Files(List<DataFileInfo> files, int deleteFiles) {}

  private final Map<Key, Files> entries = new LinkedHashMap<>(16, 0.75f, true);
  // guarded by this
  private long held;

  /** Returns the files of a snapshot, planning them with {@code planner} the first time. */
  Files get(Key key, Supplier<Files> planner) {
    synchronized (this) {
      Files cached = entries.get(key);
      if (cached != null) {
        return cached;
      }
    }
    Files planned = planner.get(); // outside the lock: planning reads manifests
    synchronized (this) {
      if (planned.files().size() > MAX_FILES || entries.containsKey(key)) {
        return planned;
      }
      entries.put(key, planned);
      held += planned.files().size();
      var eldest = entries.entrySet().iterator();
      while (held > MAX_FILES && eldest.hasNext()) {
        Map.Entry<Key, Files> e = eldest.next();
        held -= e.getValue().files().size();
        eldest.remove();
      }
    }
    return planned;
  }
}
