package dev.tracelake.benchmarks.ingest;

import java.util.Arrays;

/** Medians and percentiles of samples. */
final class Stats {
  private Stats() {}

  /** Returns the median; the mean of the two middle values for an even count, NaN when empty. */
  static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /**
   * Returns the nearest-rank percentile of sorted values: the smallest value with at least {@code
   * p} percent of the values at or below it; NaN when empty.
   */
  static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
