package dev.tracelake.benchmarks.ingest;

import com.sun.management.OperatingSystemMXBean;
import dev.tracelake.client.AppendAck;
import dev.tracelake.client.Provenance;
import dev.tracelake.client.TableWriter;
import dev.tracelake.client.TracelakeClient;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * End-to-end ingest throughput against raw parquet-java on the same rows: runs alternate between
 * the two in pairs whose order flips every pair (A B, B A, ...), warm-ups first.
 *
 * <p>An ingest run creates a fresh table, opens the writers (untimed), then times from the first
 * append to the last acknowledgement, i.e. until every row is in a committed snapshot. The baseline
 * writes the same Arrow batches to one Parquet file in this (the client's) JVM while the server
 * idles.
 */
final class ThroughputMode {
  static final String INGEST = "ingest";
  static final String RAW = "raw-parquet";

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final OperatingSystemMXBean OS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /**
   * One timed run.
   *
   * @param nanos wall time
   * @param threadCpuNanos raw-parquet: the writing thread's CPU time; ingest: 0
   * @param clientCpuNanos CPU time of the client JVM (for raw-parquet: the JVM writing the file)
   * @param serverCpuNanos ingest: CPU time of the server process; raw-parquet: 0
   * @param parquetBytes bytes of Parquet data files written
   */
  record Sample(
      String target,
      int pair,
      boolean warmup,
      long nanos,
      long threadCpuNanos,
      long clientCpuNanos,
      long serverCpuNanos,
      long rows,
      long parquetBytes) {
    double rowsPerSecond() {
      return rows / (nanos / 1e9);
    }

    /** Rows per second of CPU of every process doing the work (client and server for ingest). */
    double rowsPerCpuSecond() {
      return rows / ((clientCpuNanos + serverCpuNanos) / 1e9);
    }

    /** Rows per CPU second of the process that writes Parquet (the server, or the raw JVM). */
    double rowsPerWriterCpuSecond() {
      return rows / ((target.equals(INGEST) ? serverCpuNanos : clientCpuNanos) / 1e9);
    }
  }

  private final IngestOptions options;
  private final TracelakeClient client;
  private final ServerProcess server;
  private final Path runDirectory;
  private final Provenance provenance;
  private final PrintStream out;
  private final List<String> tables = new ArrayList<>();

  ThroughputMode(
      IngestOptions options,
      TracelakeClient client,
      ServerProcess server,
      Path runDirectory,
      Provenance provenance,
      PrintStream out) {
    this.options = options;
    this.client = client;
    this.server = server;
    this.runDirectory = runDirectory;
    this.provenance = provenance;
    this.out = out;
  }

  /** Returns the tables the ingest runs wrote, each holding every row of the data set once. */
  List<String> tables() {
    return List.copyOf(tables);
  }

  /** Runs the pairs and prints each run and the summary; returns every sample. */
  List<Sample> run() throws IOException {
    try (AppendHarness.Dataset data =
        AppendHarness.generate(options.rows(), options.batchSize(), options.seed())) {
      out.printf(
          Locale.ROOT,
          "%n== throughput: %,d rows in %d batches of up to %,d rows (%.1f MB of Arrow buffers),"
              + " %d writers ==%n",
          data.rows(),
          data.batches().size(),
          options.batchSize(),
          data.arrowBytes() / 1e6,
          options.writers());
      List<Sample> samples = new ArrayList<>();
      int runs = options.warmups() + options.repeats();
      for (int p = 1; p <= runs; p++) {
        boolean warmup = p <= options.warmups();
        int pair = warmup ? p : p - options.warmups();
        String name = (warmup ? "w" : "r") + pair;
        List<String> order = p % 2 == 1 ? List.of(RAW, INGEST) : List.of(INGEST, RAW);
        for (String target : order) {
          Sample sample =
              target.equals(RAW)
                  ? raw(data, name, pair, warmup)
                  : ingest(data.batches(), data.rows(), name, pair, warmup);
          print(name, sample, data.arrowBytes());
          samples.add(sample);
        }
      }
      summarize(samples, data.arrowBytes());
      return samples;
    }
  }

  private Sample raw(AppendHarness.Dataset data, String name, int pair, boolean warmup) {
    System.gc();
    long thread = THREADS.getCurrentThreadCpuTime();
    long process = OS.getProcessCpuTime();
    long start = System.nanoTime();
    AppendHarness.RawWrite written =
        AppendHarness.writeRawParquet(
            data.batches(), runDirectory.resolve(RAW), name, options.keepFiles());
    long nanos = System.nanoTime() - start;
    long processCpu = OS.getProcessCpuTime() - process;
    long threadCpu = THREADS.getCurrentThreadCpuTime() - thread;
    if (written.rows() != data.rows()) {
      throw new IllegalStateException(
          "Raw Parquet run "
              + name
              + " wrote "
              + written.rows()
              + " rows, expected "
              + data.rows());
    }
    return new Sample(
        RAW, pair, warmup, nanos, threadCpu, processCpu, 0, written.rows(), written.parquetBytes());
  }

  private Sample ingest(
      List<VectorSchemaRoot> batches, long rows, String name, int pair, boolean warmup)
      throws IOException {
    String table = "bench.throughput_" + name;
    client.createTable(table, AppendHarness.schema());
    int writers = options.writers();
    List<TableWriter> opened = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      opened.add(client.openWriter(table, "throughput-" + w, provenance));
    }
    ExecutorService threads = Executors.newFixedThreadPool(writers);
    try {
      System.gc();
      long process = OS.getProcessCpuTime();
      long serverCpu = server.cpuNanos();
      long start = System.nanoTime();
      List<Future<Long>> sent = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        TableWriter writer = opened.get(w);
        int first = w;
        sent.add(threads.submit(() -> sendShare(writer, batches, first, writers)));
      }
      long acked = 0;
      for (Future<Long> f : sent) {
        acked += f.get();
      }
      long nanos = System.nanoTime() - start;
      long serverNanos = server.cpuNanos() - serverCpu;
      long processCpu = OS.getProcessCpuTime() - process;
      if (acked != rows) {
        throw new IllegalStateException(
            "Ingest run " + name + " acknowledged " + acked + " rows, expected " + rows);
      }
      tables.add(table);
      return new Sample(
          INGEST,
          pair,
          warmup,
          nanos,
          0,
          processCpu,
          serverNanos,
          acked,
          dataBytes(client.describe(table).location()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted during ingest run " + name, e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("Ingest run " + name + " failed: " + e.getCause(), e);
    } finally {
      threads.shutdownNow();
      opened.forEach(TableWriter::close);
    }
  }

  /** Appends every {@code writers}-th batch from {@code first}; returns rows acknowledged. */
  private static long sendShare(
      TableWriter writer, List<VectorSchemaRoot> batches, int first, int writers) {
    List<CompletableFuture<AppendAck>> acks = new ArrayList<>();
    for (int i = first; i < batches.size(); i += writers) {
      acks.add(writer.append(batches.get(i)));
    }
    writer.flush();
    return acks.stream().mapToLong(f -> f.join().rowCount()).sum();
  }

  private static long dataBytes(String location) throws IOException {
    Path data = Path.of(URI.create(location.startsWith("/") ? "file:" + location : location));
    data = data.resolve("data");
    if (!Files.isDirectory(data)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(data)) {
      return files
          .filter(f -> f.toString().endsWith(".parquet"))
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .sum();
    }
  }

  private void print(String name, Sample s, long arrowBytes) {
    out.printf(
        Locale.ROOT,
        "%-3s %-12s %7.3f s  %,10.0f rows/s %6.1f input MB/s  client cpu %6.3f s  server cpu"
            + " %6.3f s  parquet %.1f MB%s%n",
        name,
        s.target(),
        s.nanos() / 1e9,
        s.rowsPerSecond(),
        arrowBytes / 1e6 / (s.nanos() / 1e9),
        s.clientCpuNanos() / 1e9,
        s.serverCpuNanos() / 1e9,
        s.parquetBytes() / 1e6,
        s.warmup() ? "  warm-up" : "");
  }

  private void summarize(List<Sample> samples, long arrowBytes) {
    List<Sample> raw = measured(samples, RAW);
    List<Sample> ingest = measured(samples, INGEST);
    out.println();
    out.printf(
        Locale.ROOT,
        "%-12s %4s %9s %9s %9s %11s %10s %12s %12s %12s%n",
        "target",
        "runs",
        "median s",
        "min s",
        "max s",
        "rows/s",
        "input MB/s",
        "client cpu s",
        "server cpu s",
        "parquet MB/s");
    for (List<Sample> target : List.of(raw, ingest)) {
      double seconds = median(target, s -> s.nanos() / 1e9);
      out.printf(
          Locale.ROOT,
          "%-12s %4d %9.3f %9.3f %9.3f %,11.0f %10.1f %12.3f %12.3f %12.1f%n",
          target.get(0).target(),
          target.size(),
          seconds,
          target.stream().mapToDouble(s -> s.nanos() / 1e9).min().orElseThrow(),
          target.stream().mapToDouble(s -> s.nanos() / 1e9).max().orElseThrow(),
          median(target, Sample::rowsPerSecond),
          arrowBytes / 1e6 / seconds,
          median(target, s -> s.clientCpuNanos() / 1e9),
          median(target, s -> s.serverCpuNanos() / 1e9),
          median(target, s -> s.parquetBytes() / 1e6 / (s.nanos() / 1e9)));
    }
    double[] pairRatios = new double[Math.min(raw.size(), ingest.size())];
    for (int i = 0; i < pairRatios.length; i++) {
      pairRatios[i] = ingest.get(i).rowsPerSecond() / raw.get(i).rowsPerSecond();
    }
    double ratio = median(ingest, Sample::rowsPerSecond) / median(raw, Sample::rowsPerSecond);
    out.printf(
        Locale.ROOT,
        "ingest/raw-parquet rows per CPU second: server only vs raw JVM %.3f, client+server vs raw"
            + " JVM %.3f%n",
        median(ingest, Sample::rowsPerWriterCpuSecond)
            / median(raw, Sample::rowsPerWriterCpuSecond),
        median(ingest, Sample::rowsPerCpuSecond) / median(raw, Sample::rowsPerCpuSecond));
    StringBuilder pairs = new StringBuilder();
    for (double r : pairRatios) {
      pairs.append(pairs.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", r));
    }
    out.printf(
        Locale.ROOT,
        "ingest/raw-parquet rows/s: ratio of medians %.3f; per-pair ratios [%s], median %.3f%n",
        ratio,
        pairs,
        Stats.median(pairRatios));
    out.printf(Locale.ROOT, "RATIO ingest/raw-parquet = %.2f%n", ratio);
  }

  private static List<Sample> measured(List<Sample> samples, String target) {
    return samples.stream().filter(s -> !s.warmup() && s.target().equals(target)).toList();
  }

  private static double median(List<Sample> samples, ToDoubleFunction<Sample> metric) {
    return Stats.median(samples.stream().mapToDouble(metric).toArray());
  }
}
