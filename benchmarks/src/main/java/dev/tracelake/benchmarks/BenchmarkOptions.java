package dev.tracelake.benchmarks;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * What to run.
 *
 * @param rows rows in the data set
 * @param batchSize rows per Arrow batch
 * @param repeats measured runs per target
 * @param warmups unmeasured runs per target before the measured ones
 * @param outputDir where each invocation creates its own run directory; null for the system's
 *     temporary directory
 * @param seed the data generator's seed
 * @param keepFiles keep the written files instead of deleting them after each run
 * @param fsyncBaseline force the baseline's file to disk after writing, as lake-core does
 * @param baselinePageRows the baseline's Parquet page row limit; by default the one lake-core
 *     creates tables with ({@link dev.tracelake.lake.Lake#PAGE_ROW_LIMIT}), so both write the same
 *     pages
 * @param targets the targets to run, in this order in the first pair: the baseline and lake-core
 *     for the comparison, one alone to profile it, the metadata-column reference to split a gap
 */
record BenchmarkOptions(
    long rows,
    int batchSize,
    int repeats,
    int warmups,
    Path outputDir,
    long seed,
    boolean keepFiles,
    boolean fsyncBaseline,
    int baselinePageRows,
    List<String> targets) {
  static final List<String> DEFAULT_TARGETS =
      List.of(RawParquetTarget.LABEL, LakeTableTarget.LABEL);
  static final Set<String> KNOWN_TARGETS =
      Set.of(RawParquetTarget.LABEL, LakeTableTarget.LABEL, RawParquetTarget.WITH_METADATA_LABEL);

  static final String USAGE =
      """
      Usage: AppendBenchmark [options]
        --rows N           rows in the data set (default 1000000)
        --batch-size N     rows per Arrow batch (default 65536)
        --repeats N        measured runs per target (default 5)
        --warmups N        warm-up runs per target (default 2)
        --out DIR          output directory (default: system temp directory)
        --seed N           data generator seed (default 42)
        --keep-files       keep written files (default: delete them after each run)
        --fsync-baseline   fsync the raw Parquet file, as lake-core's file IO does
        --baseline-page-rows N  the raw Parquet page row limit (default: lake-core's, 2000)
        --targets A,B,...  targets to run (default raw-parquet,lake-core); also
                           raw-parquet+meta: raw Parquet with lake-core's metadata columns
      """;

  BenchmarkOptions {
    if (baselinePageRows <= 0) {
      throw new IllegalArgumentException(
          "Baseline page rows must be positive, got " + baselinePageRows);
    }
    if (rows <= 0 || batchSize <= 0 || repeats <= 0 || warmups < 0) {
      throw new IllegalArgumentException(
          String.format(
              "Rows, batch size and repeats must be positive and warm-ups not negative; got"
                  + " rows=%d, batch size=%d, repeats=%d, warm-ups=%d",
              rows, batchSize, repeats, warmups));
    }
    targets = List.copyOf(targets);
    if (targets.isEmpty()
        || !KNOWN_TARGETS.containsAll(targets)
        || Set.copyOf(targets).size() != targets.size()) {
      throw new IllegalArgumentException(
          "Targets must be distinct and among " + KNOWN_TARGETS + ", got " + targets);
    }
  }

  /**
   * Parses command-line arguments; what they leave out takes the defaults in {@link #USAGE}.
   *
   * @throws IllegalArgumentException naming the argument that is unknown or lacks a valid value
   */
  static BenchmarkOptions parse(String... args) {
    Builder b = new Builder();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--rows" -> b.rows = number(args, ++i, arg);
        case "--batch-size" -> b.batchSize = (int) number(args, ++i, arg);
        case "--repeats" -> b.repeats = (int) number(args, ++i, arg);
        case "--warmups" -> b.warmups = (int) number(args, ++i, arg);
        case "--out" -> b.outputDir = Path.of(value(args, ++i, arg));
        case "--seed" -> b.seed = number(args, ++i, arg);
        case "--keep-files" -> b.keepFiles = true;
        case "--fsync-baseline" -> b.fsyncBaseline = true;
        case "--baseline-page-rows" -> b.baselinePageRows = (int) number(args, ++i, arg);
        case "--targets" -> b.targets = List.of(value(args, ++i, arg).split(","));
        default -> throw new IllegalArgumentException("Unknown argument '" + arg + "'\n" + USAGE);
      }
    }
    return b.build();
  }

  /** Returns whether the baseline and lake-core both run, so the report can compare them. */
  boolean compares() {
    return targets.contains(RawParquetTarget.LABEL) && targets.contains(LakeTableTarget.LABEL);
  }

  private static String value(String[] args, int i, String name) {
    if (i >= args.length) {
      throw new IllegalArgumentException("Argument " + name + " needs a value\n" + USAGE);
    }
    return args[i];
  }

  private static long number(String[] args, int i, String name) {
    String text = value(args, i, name);
    try {
      return Long.parseLong(text.replace("_", "").replace(",", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Argument " + name + " needs a whole number, got '" + text + "'", e);
    }
  }

  private static final class Builder {
    long rows = 1_000_000;
    int batchSize = 65_536;
    int repeats = 5;
    int warmups = 2;
    Path outputDir;
    long seed = 42;
    boolean keepFiles;
    boolean fsyncBaseline;
    int baselinePageRows = dev.tracelake.lake.Lake.PAGE_ROW_LIMIT;
    List<String> targets = DEFAULT_TARGETS;

    BenchmarkOptions build() {
      return new BenchmarkOptions(
          rows,
          batchSize,
          repeats,
          warmups,
          outputDir,
          seed,
          keepFiles,
          fsyncBaseline,
          baselinePageRows,
          targets);
    }
  }
}
