package dev.tracelake.benchmarks.ingest;

import dev.tracelake.client.Provenance;
import dev.tracelake.client.TracelakeClient;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Acknowledgement latency at the server's commit interval: for each writer count, that many writers
 * append small batches at a steady rate to a fresh table; appends sent during the warm-up are left
 * out. Every writer sends a fixed number of distinct batches, so each phase's table holds each
 * generated row once.
 */
final class LatencyMode {
  /**
   * One phase's result.
   *
   * @param writers concurrent writers
   * @param table the table written
   * @param rows rows written (every generated row once, event ids 0 to rows - 1)
   * @param latencies sorted latencies of the measured appends, in nanoseconds
   * @param serverCpuNanos server CPU time during the phase
   * @param nanos the phase's wall time
   * @param maxLagNanos the most an append was sent after its scheduled time
   */
  record Phase(
      int writers,
      String table,
      long rows,
      long[] latencies,
      long serverCpuNanos,
      long nanos,
      long maxLagNanos) {}

  private final IngestOptions options;
  private final TracelakeClient client;
  private final ServerProcess server;
  private final Provenance provenance;
  private final PrintStream out;

  LatencyMode(
      IngestOptions options,
      TracelakeClient client,
      ServerProcess server,
      Provenance provenance,
      PrintStream out) {
    this.options = options;
    this.client = client;
    this.server = server;
    this.provenance = provenance;
    this.out = out;
  }

  List<Phase> run() {
    out.printf(
        Locale.ROOT,
        "%n== latency: appends of %d rows, %.1f per second per writer, %d s measured after %d s"
            + " warm-up, commit interval %d ms ==%n",
        options.latencyBatchSize(),
        options.rate(),
        options.latencySeconds(),
        options.latencyWarmupSeconds(),
        options.commitIntervalMs());
    List<Phase> phases = new ArrayList<>();
    for (int writers : options.writerCounts()) {
      phases.add(phase(writers));
      Phase p = phases.get(phases.size() - 1);
      out.printf(
          Locale.ROOT,
          "%2d writers: %,d appends, %,d rows, %,.0f rows/s, server cpu %.2f s (%.0f%% of one"
              + " core), max send lag %.0f ms%n",
          writers,
          p.latencies().length,
          p.rows(),
          p.rows() / (p.nanos() / 1e9),
          p.serverCpuNanos() / 1e9,
          100.0 * p.serverCpuNanos() / p.nanos(),
          p.maxLagNanos() / 1e6);
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "%7s %8s %8s %8s %8s %8s %8s %14s%n",
        "writers",
        "appends",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "mean ms",
        "p99/interval");
    for (Phase p : phases) {
      long[] l = p.latencies();
      double p99 = Stats.percentile(l, 99) / 1e6;
      double mean = 0;
      for (long v : l) {
        mean += v / 1e6 / l.length;
      }
      out.printf(
          Locale.ROOT,
          "%7d %8d %8.1f %8.1f %8.1f %8.1f %8.1f %14.2f%n",
          p.writers(),
          l.length,
          Stats.percentile(l, 50) / 1e6,
          Stats.percentile(l, 90) / 1e6,
          p99,
          l.length == 0 ? Double.NaN : l[l.length - 1] / 1e6,
          mean,
          p99 / options.commitIntervalMs());
    }
    return phases;
  }

  /** Returns the tables written, with their row counts. */
  static Map<String, Long> tables(List<Phase> phases) {
    Map<String, Long> tables = new LinkedHashMap<>();
    phases.forEach(p -> tables.put(p.table(), p.rows()));
    return tables;
  }

  private Phase phase(int writers) {
    String table = "bench.latency_" + writers + "w";
    client.createTable(table, AppendHarness.schema());
    int seconds = options.latencyWarmupSeconds() + options.latencySeconds();
    long sendsPerWriter = Math.max(1, (long) Math.floor(options.rate() * seconds));
    long rows = sendsPerWriter * writers * options.latencyBatchSize();
    try (AppendHarness.Dataset data =
        AppendHarness.generate(rows, options.latencyBatchSize(), options.seed())) {
      long serverCpu = server.cpuNanos();
      SteadyLoad load =
          new SteadyLoad(
              client,
              table,
              writers,
              data.batches(),
              options.rate(),
              sendsPerWriter,
              Long.MAX_VALUE,
              provenance);
      load.start();
      SteadyLoad.Result result = load.await();
      long cpu = server.cpuNanos() - serverCpu;
      if (result.ackedRows() != rows) {
        throw new IllegalStateException(
            "Latency phase with "
                + writers
                + " writers acknowledged "
                + result.ackedRows()
                + " rows, expected "
                + rows);
      }
      long[] measured =
          result.latenciesSentBetween(
              options.latencyWarmupSeconds() * 1_000_000_000L, Long.MAX_VALUE);
      return new Phase(writers, table, rows, measured, cpu, result.nanos(), result.maxLagNanos());
    }
  }
}
