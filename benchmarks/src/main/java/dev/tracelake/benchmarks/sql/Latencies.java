package dev.tracelake.benchmarks.sql;

import java.util.Arrays;
import java.util.Locale;

/**
 * Order statistics of repeated timings, in milliseconds. Percentiles are nearest-rank: p99 of 200
 * samples is the 198th smallest, of fewer than 100 samples the largest.
 */
public final class Latencies {
  private final double[] sortedMillis;

  private Latencies(double[] sortedMillis) {
    this.sortedMillis = sortedMillis;
  }

  /**
   * Returns the statistics of these timings.
   *
   * @throws IllegalArgumentException when there are none
   */
  public static Latencies ofNanos(long[] nanos) {
    if (nanos.length == 0) {
      throw new IllegalArgumentException("No timings to summarize");
    }
    double[] millis = new double[nanos.length];
    for (int i = 0; i < nanos.length; i++) {
      millis[i] = nanos[i] / 1e6;
    }
    Arrays.sort(millis);
    return new Latencies(millis);
  }

  public int count() {
    return sortedMillis.length;
  }

  public double percentile(double p) {
    int rank = (int) Math.ceil(p / 100.0 * sortedMillis.length);
    return sortedMillis[Math.max(0, Math.min(sortedMillis.length - 1, rank - 1))];
  }

  public double p50() {
    return median(sortedMillis);
  }

  public double p99() {
    return percentile(99);
  }

  public double min() {
    return sortedMillis[0];
  }

  public double max() {
    return sortedMillis[sortedMillis.length - 1];
  }

  /** Returns {@code n=.. p50=.. p99=.. min=.. max=..} in milliseconds. */
  public String format() {
    return String.format(
        Locale.ROOT,
        "n=%d p50=%.2f ms p99=%.2f ms min=%.2f ms max=%.2f ms",
        count(),
        p50(),
        p99(),
        min(),
        max());
  }

  /** Returns the median of values (the mean of the middle two for an even count). */
  public static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
}
