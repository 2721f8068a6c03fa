package dev.tracelake.lake;

/**
 * One Parquet data file of a snapshot, as another engine needs it to read the snapshot directly.
 *
 * @param location the file's location as the catalog records it ({@code file:/...}, {@code s3://})
 * @param localPath the file's local path, or null when it is not on the local file system
 * @param recordCount rows in the file
 * @param sizeBytes the file's size
 */
public record DataFileInfo(String location, String localPath, long recordCount, long sizeBytes) {}
