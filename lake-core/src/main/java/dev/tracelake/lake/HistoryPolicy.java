package dev.tracelake.lake;

import java.util.Map;

/**
 * How much of a table's history stays in its live Iceberg metadata, read from table properties.
 * Snapshots beyond it move to the archive: the metadata file every commit rewrites stays bounded,
 * and every snapshot stays readable.
 *
 * @param liveSnapshots snapshots kept live: the newest this many, and this many ancestors of every
 *     branch head, besides every branch head and tag
 * @param archiveBatch how many more snapshots may pile up before an archive run moves them
 * @param autoArchive whether commits start archiving by themselves when it is due
 */
record HistoryPolicy(int liveSnapshots, int archiveBatch, boolean autoArchive) {
  static final String LIVE_SNAPSHOTS = "tracelake.history.live-snapshots";
  static final String ARCHIVE_BATCH = "tracelake.history.archive-batch";
  static final String AUTO_ARCHIVE = "tracelake.history.auto-archive";
  static final int DEFAULT_LIVE_SNAPSHOTS = 100;
  static final int DEFAULT_ARCHIVE_BATCH = 200;

  HistoryPolicy {
    if (liveSnapshots < 1 || archiveBatch < 1) {
      throw new IllegalArgumentException(
          "History policy needs at least one live snapshot and an archive batch of at least one,"
              + " got "
              + liveSnapshots
              + " and "
              + archiveBatch);
    }
  }

  static HistoryPolicy of(Map<String, String> properties) {
    return new HistoryPolicy(
        intProperty(properties, LIVE_SNAPSHOTS, DEFAULT_LIVE_SNAPSHOTS),
        intProperty(properties, ARCHIVE_BATCH, DEFAULT_ARCHIVE_BATCH),
        !"false".equalsIgnoreCase(properties.getOrDefault(AUTO_ARCHIVE, "true")));
  }

  /** Returns whether a table with this many live snapshots is due for archiving. */
  boolean due(int live) {
    return live >= liveSnapshots + archiveBatch;
  }

  private static int intProperty(Map<String, String> properties, String key, int fallback) {
    String value = properties.get(key);
    if (value == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      return parsed >= 1 ? parsed : fallback;
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
