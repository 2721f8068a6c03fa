package dev.tracelake.benchmarks;

/**
 * One timed append.
 *
 * @param target the target's label
 * @param pair the index of the baseline/contender pair this run belongs to, from 1
 * @param warmup whether the run was a warm-up (not in the medians)
 * @param nanos wall time of the append
 * @param threadCpuNanos CPU time of the appending thread: less disturbed than wall time by other
 *     processes on a busy machine, but blind to work on other threads (GC, JIT)
 * @param processCpuNanos CPU time of the whole JVM during the append, GC and JIT threads included
 * @param written what the append wrote
 * @param arrowBytes bytes of Arrow buffers the appended rows occupy
 */
record Sample(
    String target,
    int pair,
    boolean warmup,
    long nanos,
    long threadCpuNanos,
    long processCpuNanos,
    AppendTarget.Written written,
    long arrowBytes) {
  static final double MB = 1_000_000.0;

  double seconds() {
    return nanos / 1e9;
  }

  double rowsPerSecond() {
    return written.rows() / seconds();
  }

  double threadCpuSeconds() {
    return threadCpuNanos / 1e9;
  }

  double processCpuSeconds() {
    return processCpuNanos / 1e9;
  }

  /** Returns rows per second of the appending thread's CPU time. */
  double rowsPerThreadCpuSecond() {
    return written.rows() / threadCpuSeconds();
  }

  /** Returns rows per second of the JVM's CPU time (all threads). */
  double rowsPerProcessCpuSecond() {
    return written.rows() / processCpuSeconds();
  }

  /**
   * Returns Arrow input megabytes (10^6 bytes) per second: the same denominator for all targets.
   */
  double inputMbPerSecond() {
    return arrowBytes / MB / seconds();
  }

  /** Returns Parquet megabytes written per second; targets that write more columns write more. */
  double parquetMbPerSecond() {
    return written.parquetBytes() / MB / seconds();
  }
}
