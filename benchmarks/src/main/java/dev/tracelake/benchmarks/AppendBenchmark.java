package dev.tracelake.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.Provenance;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Compares lake-core's append with writing the same Arrow rows through parquet-java directly.
 *
 * <p>Both targets write the same deterministic data set, generated once. Runs alternate between the
 * targets in pairs, the order flipping every pair (A B, B A, A B, ...), so drift on a busy machine
 * hits both; warm-up runs go first and are left out of the medians. An optional third target writes
 * lake-core's metadata columns through raw Parquet, to tell how much of a gap is the extra columns
 * and how much is lake-core's write path. See README.md for the command line and RESULTS.md for
 * numbers.
 */
public final class AppendBenchmark {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final OperatingSystemMXBean OS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private AppendBenchmark() {}

  /** Runs the benchmark with command-line options and prints the report. */
  public static void main(String[] args) throws IOException {
    if (List.of(args).contains("--help")) {
      System.out.print(BenchmarkOptions.USAGE);
      return;
    }
    BenchmarkOptions options;
    try {
      options = BenchmarkOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    run(options, System.out);
  }

  /**
   * Runs the benchmark, printing progress and the report to {@code out}.
   *
   * @return every sample and the medians
   */
  static AppendReport run(BenchmarkOptions options, PrintStream out) throws IOException {
    Path parent =
        options.outputDir() == null
            ? Path.of(System.getProperty("java.io.tmpdir"))
            : options.outputDir();
    Files.createDirectories(parent);
    Path runDirectory = Files.createTempDirectory(parent, "append-bench-");
    printMachine(out, options, runDirectory);

    long start = System.nanoTime();
    Provenance provenance = provenance();
    try (EventBatches data =
            EventBatches.generate(options.rows(), options.batchSize(), options.seed());
        MetadataColumnBatches withMetadata =
            options.targets().contains(RawParquetTarget.WITH_METADATA_LABEL)
                ? MetadataColumnBatches.of(data, options.seed())
                : null;
        Lake lake = Lake.open(LakeConfig.embedded(runDirectory.resolve("lake")))) {
      out.printf(
          Locale.ROOT,
          "generated %,d rows (%.1f MB of Arrow buffers) in %.1f s%n",
          data.rows(),
          data.arrowBytes() / Sample.MB,
          (System.nanoTime() - start) / 1e9);
      List<AppendTarget> targets =
          targets(options, runDirectory, data, withMetadata, lake, provenance);
      List<Sample> samples = new ArrayList<>();
      for (int w = 1; w <= options.warmups(); w++) {
        for (AppendTarget target : inPairOrder(targets, w)) {
          samples.add(runOnce(target, "w" + w, w, true, data, options, out));
        }
      }
      for (int p = 1; p <= options.repeats(); p++) {
        for (AppendTarget target : inPairOrder(targets, p)) {
          samples.add(runOnce(target, "r" + p, p, false, data, options, out));
        }
      }
      AppendReport report =
          new AppendReport(options, runDirectory, data.rows(), data.arrowBytes(), samples);
      out.println();
      out.println(report.format());
      return report;
    }
  }

  private static List<AppendTarget> targets(
      BenchmarkOptions options,
      Path runDirectory,
      EventBatches data,
      MetadataColumnBatches withMetadata,
      Lake lake,
      Provenance provenance) {
    List<AppendTarget> targets = new ArrayList<>();
    for (String label : options.targets()) {
      Path directory = runDirectory.resolve(label);
      targets.add(
          switch (label) {
            case RawParquetTarget.LABEL ->
                new RawParquetTarget(
                    label,
                    directory,
                    data.batches(),
                    options.fsyncBaseline(),
                    options.baselinePageRows());
            case RawParquetTarget.WITH_METADATA_LABEL ->
                new RawParquetTarget(
                    label,
                    directory,
                    withMetadata.batches(),
                    options.fsyncBaseline(),
                    options.baselinePageRows());
            case LakeTableTarget.LABEL -> new LakeTableTarget(lake, data.batches(), provenance);
            default -> throw new IllegalArgumentException("Unknown target " + label);
          });
    }
    return targets;
  }

  /** Rotates the targets by one each pair: A B, B A, A B, ... for two targets. */
  private static List<AppendTarget> inPairOrder(List<AppendTarget> targets, int pair) {
    List<AppendTarget> rotated = new ArrayList<>(targets);
    Collections.rotate(rotated, -((pair - 1) % targets.size()));
    return rotated;
  }

  private static Sample runOnce(
      AppendTarget target,
      String runName,
      int pair,
      boolean warmup,
      EventBatches data,
      BenchmarkOptions options,
      PrintStream out)
      throws IOException {
    target.prepare(runName);
    // Start every run with a clean heap so one run's garbage is not collected in the next one.
    System.gc();
    long cpuStart = THREADS.getCurrentThreadCpuTime();
    long processStart = OS.getProcessCpuTime();
    long start = System.nanoTime();
    AppendTarget.Written written = target.append();
    long nanos = System.nanoTime() - start;
    long processCpu = OS.getProcessCpuTime() - processStart;
    long threadCpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
    if (written.rows() != data.rows()) {
      throw new IllegalStateException(
          String.format(
              "Target %s wrote %d rows to %s, expected %d",
              target.label(), written.rows(), written.location(), data.rows()));
    }
    if (!options.keepFiles()) {
      target.discard();
    }
    Sample sample =
        new Sample(
            target.label(), pair, warmup, nanos, threadCpu, processCpu, written, data.arrowBytes());
    out.printf(
        Locale.ROOT,
        "%-3s %-16s %7.3f s (cpu %6.3f s, jvm cpu %6.3f s) %,10.0f rows/s %6.1f input MB/s"
            + " %6.1f parquet MB/s (%.1f MB)%s%n",
        runName,
        target.label(),
        sample.seconds(),
        sample.threadCpuSeconds(),
        sample.processCpuSeconds(),
        sample.rowsPerSecond(),
        sample.inputMbPerSecond(),
        sample.parquetMbPerSecond(),
        written.parquetBytes() / Sample.MB,
        warmup ? "  warm-up" : "");
    return sample;
  }

  private static Provenance provenance() {
    return Provenance.builder()
        .codeCommit("4f1c2a9e0b7d6c5e3a2f1e0d9c8b7a6f5e4d3c2b")
        .model("fraud", "v3")
        .runId("append-benchmark")
        .producer("tracelake-benchmarks")
        .build();
  }

  private static void printMachine(PrintStream out, BenchmarkOptions options, Path runDirectory) {
    Runtime runtime = Runtime.getRuntime();
    out.printf(
        Locale.ROOT,
        "java %s (%s), %d processors, max heap %d MB%n",
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        runtime.availableProcessors(),
        runtime.maxMemory() >> 20);
    out.printf(
        Locale.ROOT,
        "rows %,d, batch size %,d, warm-ups %d, repeats %d, seed %d, fsync baseline %s,"
            + " baseline page rows %,d, targets %s%noutput %s%n",
        options.rows(),
        options.batchSize(),
        options.warmups(),
        options.repeats(),
        options.seed(),
        options.fsyncBaseline(),
        options.baselinePageRows(),
        options.targets(),
        runDirectory);
  }
}
