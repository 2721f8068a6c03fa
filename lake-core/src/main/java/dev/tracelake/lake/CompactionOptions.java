package dev.tracelake.lake;

/**
 * How a compaction picks and rewrites the small data files of a table's head. Files are grouped by
 * partition (a compacted file keeps its inputs' provenance partition) and, within a partition, by
 * size tier: tier 0 holds files under {@code smallFileBytes}, tier {@code k} files up to {@code
 * fanIn^k} times that. A tier with at least {@code fanIn} files is rewritten into one file (or
 * several of {@code targetFileBytes}), which lands a tier higher, so a row is rewritten about once
 * per tier (log-structured merging) and a partition's head keeps a few files per tier.
 *
 * @param targetFileBytes the size of the files written, and the size from which a file is left
 *     alone
 * @param smallFileBytes files smaller than this are in tier 0
 * @param fanIn how many files of one tier are merged at once (at least 2)
 * @param maxInputBytes the most bytes one run reads: the budget of a background run
 * @param maxInputFiles the most files one run rewrites
 */
public record CompactionOptions(
    long targetFileBytes, long smallFileBytes, int fanIn, long maxInputBytes, int maxInputFiles) {
  public static final long DEFAULT_TARGET_FILE_BYTES = 128L << 20;
  public static final long DEFAULT_SMALL_FILE_BYTES = 64L << 10;
  public static final int DEFAULT_FAN_IN = 8;
  public static final long DEFAULT_MAX_INPUT_BYTES = 1L << 30;
  public static final int DEFAULT_MAX_INPUT_FILES = 10_000;

  public CompactionOptions {
    if (targetFileBytes < 1 << 10) {
      throw new IllegalArgumentException(
          "Compaction target file size must be at least 1 KiB, got " + targetFileBytes);
    }
    if (smallFileBytes < 1 || smallFileBytes > targetFileBytes) {
      throw new IllegalArgumentException(
          "Compaction small-file size must be between 1 and the target file size ("
              + targetFileBytes
              + "), got "
              + smallFileBytes);
    }
    if (fanIn < 2) {
      throw new IllegalArgumentException("Compaction fan-in must be at least 2, got " + fanIn);
    }
    if (maxInputBytes < 1 || maxInputFiles < 2) {
      throw new IllegalArgumentException(
          "Compaction budget must allow at least one byte and two files, got "
              + maxInputBytes
              + " bytes and "
              + maxInputFiles
              + " files");
    }
  }

  /** The defaults: 128 MiB files, 64 KiB small files, fan-in 8, 1 GiB and 10,000 files a run. */
  public static CompactionOptions defaults() {
    return new CompactionOptions(
        DEFAULT_TARGET_FILE_BYTES,
        DEFAULT_SMALL_FILE_BYTES,
        DEFAULT_FAN_IN,
        DEFAULT_MAX_INPUT_BYTES,
        DEFAULT_MAX_INPUT_FILES);
  }

  public CompactionOptions withTargetFileBytes(long bytes) {
    return new CompactionOptions(
        bytes, Math.min(smallFileBytes, bytes), fanIn, maxInputBytes, maxInputFiles);
  }

  public CompactionOptions withSmallFileBytes(long bytes) {
    return new CompactionOptions(targetFileBytes, bytes, fanIn, maxInputBytes, maxInputFiles);
  }

  public CompactionOptions withFanIn(int files) {
    return new CompactionOptions(
        targetFileBytes, smallFileBytes, files, maxInputBytes, maxInputFiles);
  }

  public CompactionOptions withBudget(long bytes, int files) {
    return new CompactionOptions(targetFileBytes, smallFileBytes, fanIn, bytes, files);
  }

  /** Returns the size tier of a file of this many bytes. */
  int tier(long bytes) {
    if (bytes < smallFileBytes) {
      return 0;
    }
    int tier = 1;
    double upper = (double) smallFileBytes * fanIn;
    while (bytes >= upper) {
      tier++;
      upper *= fanIn;
    }
    return tier;
  }
}
