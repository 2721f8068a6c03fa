package dev.tracelake.benchmarks.ingest;

import dev.tracelake.client.Provenance;
import dev.tracelake.client.TracelakeClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * End-to-end ingest over loopback gRPC: this JVM is the client, the Tracelake server runs in its
 * own JVM from the CLI jar. Modes: {@code throughput} (against raw parquet-java on the same rows,
 * same run), {@code latency} (acknowledgement latency at the commit interval for several writer
 * counts) and {@code soak} (sustained load while the server's RSS is sampled). See README.md for
 * the command line and RESULTS.md for numbers.
 */
public final class IngestBenchmark {
  private IngestBenchmark() {}

  /** Runs the benchmark with command-line options and prints the report. */
  public static void main(String[] args) throws IOException {
    if (List.of(args).contains("--help")) {
      System.out.print(IngestOptions.USAGE);
      return;
    }
    IngestOptions options;
    try {
      options = IngestOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    run(options, System.out);
  }

  /**
   * What a run wrote, for checking it.
   *
   * @param runDirectory the run's directory (deleted at the end unless files are kept)
   * @param warehouse the server's warehouse
   * @param tables each table the throughput and latency modes wrote, with its row count; a table
   *     holds event ids 0 to count - 1, each once
   */
  record Report(Path runDirectory, Path warehouse, Map<String, Long> tables) {
    Report {
      tables = Map.copyOf(tables);
    }
  }

  /** Runs the modes against a fresh server, printing progress and results to {@code out}. */
  static Report run(IngestOptions options, PrintStream out) throws IOException {
    Path parent =
        options.outputDir() == null
            ? Path.of(System.getProperty("java.io.tmpdir"))
            : options.outputDir();
    Files.createDirectories(parent);
    Path runDirectory = Files.createTempDirectory(parent, "ingest-bench-");
    Path warehouse = runDirectory.resolve("warehouse");
    printMachine(out, options, runDirectory);
    Map<String, Long> tables = new LinkedHashMap<>();
    Provenance provenance = provenance();
    ServerProcess server =
        ServerProcess.start(
            options.serverJar(),
            warehouse,
            options.commitIntervalMs(),
            options.serverJvmOptions(),
            runDirectory.resolve("server.log"));
    try {
      out.printf(
          Locale.ROOT,
          "server pid %d on %s, jvm options %s, log %s%n",
          server.pid(),
          server.target(),
          options.serverJvmOptions(),
          server.log());
      try (TracelakeClient client = TracelakeClient.connect(server.target())) {
        if (options.runs(IngestOptions.THROUGHPUT)) {
          ThroughputMode throughput =
              new ThroughputMode(options, client, server, runDirectory, provenance, out);
          List<ThroughputMode.Sample> samples = throughput.run();
          long rows = samples.get(0).rows();
          throughput.tables().forEach(t -> tables.put(t, rows));
        }
        if (options.runs(IngestOptions.LATENCY)) {
          tables.putAll(
              LatencyMode.tables(new LatencyMode(options, client, server, provenance, out).run()));
        }
        if (options.runs(IngestOptions.SOAK)) {
          new SoakMode(options, client, server, provenance, out).run();
        }
        out.printf(Locale.ROOT, "%nserver RSS at the end: %.1f MB%n", server.rssBytes() / 1e6);
      }
    } finally {
      int exit = server.stop();
      out.printf(Locale.ROOT, "server stopped (exit code %d); %s%n", exit, loadAverage());
    }
    if (!options.keepFiles()) {
      deleteRecursively(runDirectory);
    }
    return new Report(runDirectory, warehouse, tables);
  }

  private static Provenance provenance() {
    return Provenance.builder()
        .codeCommit("4f1c2a9e0b7d6c5e3a2f1e0d9c8b7a6f5e4d3c2b")
        .model("fraud", "v3")
        .runId("ingest-benchmark")
        .producer("tracelake-benchmarks")
        .build();
  }

  private static void printMachine(PrintStream out, IngestOptions options, Path runDirectory) {
    Runtime runtime = Runtime.getRuntime();
    out.printf(
        Locale.ROOT,
        "%s; java %s (%s), %d processors, client max heap %d MB; %s%n",
        Instant.now(),
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        runtime.availableProcessors(),
        runtime.maxMemory() >> 20,
        loadAverage());
    out.printf(Locale.ROOT, "modes %s, output %s%n", options.modes(), runDirectory);
  }

  /** Returns the load averages from /proc/loadavg, for the record of how busy the machine was. */
  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return "load average " + parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException e) {
      return "load average unknown (" + e.getMessage() + ")";
    }
  }

  private static void deleteRecursively(Path directory) throws IOException {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
