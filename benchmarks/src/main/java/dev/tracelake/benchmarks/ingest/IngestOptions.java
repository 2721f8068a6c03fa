package dev.tracelake.benchmarks.ingest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * What the ingest benchmark runs; see {@link #USAGE}.
 *
 * @param modes {@code throughput}, {@code latency} and/or {@code soak}, run in this order
 * @param serverJar the CLI jar the server runs from
 * @param serverJvmOptions extra JVM flags for the server (heap, JFR)
 * @param commitIntervalMs the server's commit interval
 * @param outputDir where each invocation creates its run directory; null for the temp directory
 * @param keepFiles keep the warehouse and baseline files instead of deleting them at the end
 * @param seed the data generator's seed
 * @param rows throughput: rows sent per run
 * @param batchSize throughput: rows per Arrow batch (one append each)
 * @param writers throughput: concurrent writers sharing the batches
 * @param repeats throughput: measured runs per target
 * @param warmups throughput: unmeasured runs per target first
 * @param writerCounts latency: the writer counts to measure, one phase each
 * @param latencyBatchSize latency: rows per append
 * @param rate latency: appends per second per writer
 * @param latencySeconds latency: measured seconds per phase
 * @param latencyWarmupSeconds latency: seconds per phase before measuring
 * @param soakSeconds soak: duration
 * @param soakWriters soak: concurrent writers
 * @param soakBatchSize soak: rows per append
 * @param soakRate soak: appends per second per writer; 0 for as fast as acknowledgements allow
 * @param sampleSeconds soak: seconds between RSS samples
 */
record IngestOptions(
    List<String> modes,
    Path serverJar,
    List<String> serverJvmOptions,
    long commitIntervalMs,
    Path outputDir,
    boolean keepFiles,
    long seed,
    long rows,
    int batchSize,
    int writers,
    int repeats,
    int warmups,
    List<Integer> writerCounts,
    int latencyBatchSize,
    double rate,
    int latencySeconds,
    int latencyWarmupSeconds,
    int soakSeconds,
    int soakWriters,
    int soakBatchSize,
    double soakRate,
    int sampleSeconds) {
  static final String THROUGHPUT = "throughput";
  static final String LATENCY = "latency";
  static final String SOAK = "soak";
  static final List<String> ALL_MODES = List.of(THROUGHPUT, LATENCY, SOAK);

  static final String USAGE =
      """
      Usage: IngestBenchmark [options]
        --modes A,B          throughput, latency, soak, in any combination (default throughput)
        --server-jar PATH    CLI jar the server runs from (default ingest/cli/target/tracelake.jar)
        --server-jvm-opts S  extra JVM flags for the server, space-separated; TRACELAKE_JAVA_OPTS
                             from the environment is added too (e.g. -Xmx1g, JFR)
        --commit-interval-ms N  the server's commit interval (default 1000, the server default)
        --out DIR            output directory (default: system temp directory)
        --keep-files         keep the warehouse and baseline files (default: delete at the end)
        --seed N             data generator seed (default 42)
      throughput (ingest vs raw parquet-java on the same rows, alternating pairs):
        --rows N             rows per run (default 2000000)
        --batch-size N       rows per Arrow batch, one append each (default 10000)
        --writers N          concurrent writers sharing the batches (default 4)
        --repeats N          measured runs per target (default 5)
        --warmups N          warm-up runs per target (default 1)
      latency (steady appends, one phase per writer count):
        --writer-counts A,B  writer counts (default 1,4,16)
        --latency-batch-size N  rows per append (default 100)
        --rate R             appends per second per writer (default 10)
        --latency-seconds N  measured seconds per phase (default 25)
        --latency-warmup-seconds N  unmeasured seconds first (default 5)
      soak (sustained load, server RSS sampled):
        --soak-seconds N     duration (default 300)
        --soak-writers N     writers (default 4)
        --soak-batch-size N  rows per append (default 1000)
        --soak-rate R        appends per second per writer, 0 = as fast as acks allow (default 5)
        --sample-seconds N   seconds between RSS samples (default 5)
      """;

  IngestOptions {
    modes = List.copyOf(modes);
    serverJvmOptions = List.copyOf(serverJvmOptions);
    writerCounts = List.copyOf(writerCounts);
    if (modes.isEmpty() || !Set.copyOf(ALL_MODES).containsAll(modes)) {
      throw new IllegalArgumentException("Modes must be among " + ALL_MODES + ", got " + modes);
    }
    positive("--commit-interval-ms", commitIntervalMs);
    positive("--rows", rows);
    positive("--batch-size", batchSize);
    positive("--writers", writers);
    positive("--repeats", repeats);
    if (warmups < 0) {
      throw new IllegalArgumentException("--warmups must not be negative, got " + warmups);
    }
    if (writerCounts.isEmpty() || writerCounts.stream().anyMatch(n -> n <= 0)) {
      throw new IllegalArgumentException("--writer-counts must be positive, got " + writerCounts);
    }
    positive("--latency-batch-size", latencyBatchSize);
    if (!(rate > 0)) {
      throw new IllegalArgumentException("--rate must be positive, got " + rate);
    }
    positive("--latency-seconds", latencySeconds);
    if (latencyWarmupSeconds < 0) {
      throw new IllegalArgumentException(
          "--latency-warmup-seconds must not be negative, got " + latencyWarmupSeconds);
    }
    positive("--soak-seconds", soakSeconds);
    positive("--soak-writers", soakWriters);
    positive("--soak-batch-size", soakBatchSize);
    if (!(soakRate >= 0)) {
      throw new IllegalArgumentException("--soak-rate must not be negative, got " + soakRate);
    }
    positive("--sample-seconds", sampleSeconds);
  }

  boolean runs(String mode) {
    return modes.contains(mode);
  }

  /**
   * Parses command-line arguments; what they leave out takes the defaults in {@link #USAGE}.
   *
   * @throws IllegalArgumentException naming the argument that is unknown or lacks a valid value
   */
  static IngestOptions parse(String... args) {
    Builder b = new Builder();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--modes" -> b.modes = List.of(value(args, ++i, arg).split(","));
        case "--server-jar" -> b.serverJar = Path.of(value(args, ++i, arg));
        case "--server-jvm-opts" -> b.serverJvmOptions.addAll(words(value(args, ++i, arg)));
        case "--commit-interval-ms" -> b.commitIntervalMs = number(args, ++i, arg);
        case "--out" -> b.outputDir = Path.of(value(args, ++i, arg));
        case "--keep-files" -> b.keepFiles = true;
        case "--seed" -> b.seed = number(args, ++i, arg);
        case "--rows" -> b.rows = number(args, ++i, arg);
        case "--batch-size" -> b.batchSize = (int) number(args, ++i, arg);
        case "--writers" -> b.writers = (int) number(args, ++i, arg);
        case "--repeats" -> b.repeats = (int) number(args, ++i, arg);
        case "--warmups" -> b.warmups = (int) number(args, ++i, arg);
        case "--writer-counts" ->
            b.writerCounts =
                Arrays.stream(value(args, ++i, arg).split(","))
                    .map(text -> (int) parseNumber(text, arg))
                    .toList();
        case "--latency-batch-size" -> b.latencyBatchSize = (int) number(args, ++i, arg);
        case "--rate" -> b.rate = decimal(args, ++i, arg);
        case "--latency-seconds" -> b.latencySeconds = (int) number(args, ++i, arg);
        case "--latency-warmup-seconds" -> b.latencyWarmupSeconds = (int) number(args, ++i, arg);
        case "--soak-seconds" -> b.soakSeconds = (int) number(args, ++i, arg);
        case "--soak-writers" -> b.soakWriters = (int) number(args, ++i, arg);
        case "--soak-batch-size" -> b.soakBatchSize = (int) number(args, ++i, arg);
        case "--soak-rate" -> b.soakRate = decimal(args, ++i, arg);
        case "--sample-seconds" -> b.sampleSeconds = (int) number(args, ++i, arg);
        default -> throw new IllegalArgumentException("Unknown argument '" + arg + "'\n" + USAGE);
      }
    }
    String fromEnvironment = System.getenv("TRACELAKE_JAVA_OPTS");
    if (fromEnvironment != null) {
      b.serverJvmOptions.addAll(0, words(fromEnvironment));
    }
    return b.build();
  }

  private static List<String> words(String text) {
    return Arrays.stream(text.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
  }

  private static String value(String[] args, int i, String name) {
    if (i >= args.length) {
      throw new IllegalArgumentException("Argument " + name + " needs a value\n" + USAGE);
    }
    return args[i];
  }

  private static long number(String[] args, int i, String name) {
    return parseNumber(value(args, i, name), name);
  }

  private static long parseNumber(String text, String name) {
    try {
      return Long.parseLong(text.trim().replace("_", "").replace(",", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Argument " + name + " needs a whole number, got '" + text + "'", e);
    }
  }

  private static double decimal(String[] args, int i, String name) {
    String text = value(args, i, name);
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Argument " + name + " needs a number, got '" + text + "'", e);
    }
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }

  private static final class Builder {
    List<String> modes = List.of(THROUGHPUT);
    Path serverJar = Path.of("ingest", "cli", "target", "tracelake.jar");
    List<String> serverJvmOptions = new ArrayList<>();
    long commitIntervalMs = 1000;
    Path outputDir;
    boolean keepFiles;
    long seed = 42;
    long rows = 2_000_000;
    int batchSize = 10_000;
    int writers = 4;
    int repeats = 5;
    int warmups = 1;
    List<Integer> writerCounts = List.of(1, 4, 16);
    int latencyBatchSize = 100;
    double rate = 10;
    int latencySeconds = 25;
    int latencyWarmupSeconds = 5;
    int soakSeconds = 300;
    int soakWriters = 4;
    int soakBatchSize = 1000;
    double soakRate = 5;
    int sampleSeconds = 5;

    IngestOptions build() {
      return new IngestOptions(
          modes,
          serverJar,
          serverJvmOptions,
          commitIntervalMs,
          outputDir,
          keepFiles,
          seed,
          rows,
          batchSize,
          writers,
          repeats,
          warmups,
          writerCounts,
          latencyBatchSize,
          rate,
          latencySeconds,
          latencyWarmupSeconds,
          soakSeconds,
          soakWriters,
          soakBatchSize,
          soakRate,
          sampleSeconds);
    }
  }
}
