package dev.tracelake.benchmarks;

import java.io.IOException;

/**
 * One way of writing the benchmark's batches, given at construction, to Parquet. The harness calls
 * {@link #prepare}, then times {@link #append}, then calls {@link #discard}; only {@code append} is
 * measured.
 */
public interface AppendTarget {
  /** Returns the short name the report uses. */
  String label();

  /** Sets up run {@code runName} (untimed): a fresh file name or a fresh table. */
  void prepare(String runName) throws IOException;

  /** Writes every batch and makes the result durable or visible as the target does (timed). */
  Written append() throws IOException;

  /** Deletes the data files of the last run (untimed), to keep the disk from filling. */
  void discard() throws IOException;

  /**
   * What one append wrote.
   *
   * @param rows rows written
   * @param parquetBytes bytes of Parquet data files written (metadata files not included)
   * @param dataFiles Parquet data files written
   * @param location the file or table written, for messages and tests
   */
  public record Written(long rows, long parquetBytes, int dataFiles, String location) {}
}
