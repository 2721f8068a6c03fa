package dev.tracelake.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The samples of one benchmark invocation and their medians.
 *
 * @param options what was run
 * @param runDirectory where the run wrote its files
 * @param rows rows per append
 * @param arrowBytes Arrow buffer bytes of those rows
 * @param samples every run, warm-ups included, in the order they ran
 */
record AppendReport(
    BenchmarkOptions options, Path runDirectory, long rows, long arrowBytes, List<Sample> samples) {
  private static final String ROW_FORMAT =
      "%-16s %4s %9s %9s %9s %7s %7s %9s %11s %10s %12s %10s %5s";

  AppendReport {
    samples = List.copyOf(samples);
  }

  /** Returns the measured (not warm-up) samples of a target, by pair. */
  List<Sample> measured(String target) {
    return samples.stream().filter(s -> !s.warmup() && s.target().equals(target)).toList();
  }

  /** Returns the median of a metric over a target's measured samples. */
  double median(String target, ToDoubleFunction<Sample> metric) {
    return median(measured(target).stream().mapToDouble(metric).toArray());
  }

  /** Returns lake-core's median rows/s over the baseline's. */
  double ratioOfMedians() {
    return ratioOfMedians(LakeTableTarget.LABEL, RawParquetTarget.LABEL, Sample::rowsPerSecond);
  }

  /** Returns the median of a throughput metric of one target over that of another. */
  double ratioOfMedians(String target, String reference, ToDoubleFunction<Sample> throughput) {
    return median(target, throughput) / median(reference, throughput);
  }

  /** Returns, for each pair, one target's rows/s over another's in the same pair. */
  double[] pairRatios(String target, String reference) {
    List<Sample> baseline = measured(reference);
    List<Sample> contender = measured(target);
    double[] ratios = new double[Math.min(baseline.size(), contender.size())];
    for (int i = 0; i < ratios.length; i++) {
      ratios[i] = contender.get(i).rowsPerSecond() / baseline.get(i).rowsPerSecond();
    }
    return ratios;
  }

  /** Returns the report as a plain-text table, with the ratio lines when both targets ran. */
  String format() {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "%,d rows in %d Arrow batches of up to %,d rows; Arrow input %.1f MB (MB = 10^6 bytes)",
            rows,
            (rows + options.batchSize() - 1) / options.batchSize(),
            options.batchSize(),
            arrowBytes / Sample.MB));
    lines.add(
        String.format(
            Locale.ROOT,
            ROW_FORMAT,
            "target",
            "runs",
            "median s",
            "min s",
            "max s",
            "spread",
            "cpu s",
            "jvm cpu s",
            "rows/s",
            "input MB/s",
            "parquet MB/s",
            "parquet MB",
            "files"));
    for (String target : options.targets()) {
      if (!measured(target).isEmpty()) {
        lines.add(targetLine(target));
      }
    }
    lines.addAll(ratioLines());
    return String.join(System.lineSeparator(), lines);
  }

  private String targetLine(String target) {
    double[] seconds = measured(target).stream().mapToDouble(Sample::seconds).toArray();
    double min = Arrays.stream(seconds).min().orElseThrow();
    double max = Arrays.stream(seconds).max().orElseThrow();
    double median = median(seconds);
    return String.format(
        Locale.ROOT,
        ROW_FORMAT,
        target,
        seconds.length,
        decimal(median, 3),
        decimal(min, 3),
        decimal(max, 3),
        decimal(100 * (max - min) / median, 1) + "%",
        decimal(median(target, Sample::threadCpuSeconds), 3),
        decimal(median(target, Sample::processCpuSeconds), 3),
        String.format(Locale.ROOT, "%,.0f", median(target, Sample::rowsPerSecond)),
        decimal(median(target, Sample::inputMbPerSecond), 1),
        decimal(median(target, Sample::parquetMbPerSecond), 1),
        decimal(median(target, s -> s.written().parquetBytes() / Sample.MB), 1),
        decimal(median(target, s -> s.written().dataFiles()), 0));
  }

  private List<String> ratioLines() {
    List<String> lines = new ArrayList<>();
    List<String> ran = options.targets();
    String raw = RawParquetTarget.LABEL;
    String meta = RawParquetTarget.WITH_METADATA_LABEL;
    String lake = LakeTableTarget.LABEL;
    if (ran.contains(meta) && ran.contains(raw)) {
      lines.add(ratioLine(meta, raw));
    }
    if (ran.contains(meta) && ran.contains(lake)) {
      lines.add(ratioLine(lake, meta));
    }
    if (options.compares()) {
      lines.add(
          String.format(
              Locale.ROOT,
              "%s/%s rows per CPU second (less disturbed by other processes): appending thread"
                  + " %.3f, whole JVM %.3f",
              lake,
              raw,
              ratioOfMedians(lake, raw, Sample::rowsPerThreadCpuSecond),
              ratioOfMedians(lake, raw, Sample::rowsPerProcessCpuSecond)));
      lines.add(ratioLine(lake, raw));
      lines.add(String.format(Locale.ROOT, "RATIO %s/%s = %.2f", lake, raw, ratioOfMedians()));
    }
    return lines;
  }

  private String ratioLine(String target, String reference) {
    double[] pairs = pairRatios(target, reference);
    StringBuilder perPair = new StringBuilder();
    for (double ratio : pairs) {
      perPair.append(perPair.length() == 0 ? "" : ", ").append(decimal(ratio, 3));
    }
    return String.format(
        Locale.ROOT,
        "%s/%s rows/s: ratio of medians %.3f; per-pair ratios [%s], median %.3f",
        target,
        reference,
        ratioOfMedians(target, reference, Sample::rowsPerSecond),
        perPair,
        median(pairs));
  }

  static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  private static String decimal(double value, int places) {
    return String.format(Locale.ROOT, "%." + places + "f", value);
  }
}
