package dev.tracelake.lake;

import java.util.Map;

/**
 * One Parquet data file of a snapshot, as another engine needs it to read the snapshot directly.
 *
 * <p>A file need not hold every column of its table. Following the Iceberg spec's column projection
 * rules, a column whose field id is missing from the file takes, for every row of the file, its
 * value from {@code constants} when the key is present (the file's identity-partition value, which
 * may be null), and is null otherwise.
 *
 * @param location the file's location as the catalog records it ({@code file:/...}, {@code s3://})
 * @param localPath the file's local path, or null when it is not on the local file system
 * @param recordCount rows in the file
 * @param sizeBytes the file's size
 * @param constants field id to the value of that column in every row of the file (identity
 *     partition values): a {@link String}, {@link Long}, {@link Integer}, {@link Boolean} or {@link
 *     Double}, or null; empty when the file has none
 */
public record DataFileInfo(
    String location,
    String localPath,
    long recordCount,
    long sizeBytes,
    Map<Integer, Object> constants) {
  // the class of Collections.unmodifiableMap's views: such a map is kept, not copied again
  private static final Class<?> UNMODIFIABLE =
      java.util.Collections.unmodifiableMap(new java.util.HashMap<>()).getClass();

  public DataFileInfo {
    // values may be null: keep them (Map.copyOf would refuse). A plan shares one unmodifiable map
    // between all files of a partition, so that one is not copied per file.
    constants =
        constants.isEmpty()
            ? Map.of()
            : UNMODIFIABLE.isInstance(constants)
                ? constants
                : java.util.Collections.unmodifiableMap(new java.util.HashMap<>(constants));
  }

  /** A file that holds every column it has values for. */
  public DataFileInfo(String location, String localPath, long recordCount, long sizeBytes) {
    this(location, localPath, recordCount, sizeBytes, Map.of());
  }
}
