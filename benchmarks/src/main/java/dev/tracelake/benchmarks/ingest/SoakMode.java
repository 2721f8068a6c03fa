package dev.tracelake.benchmarks.ingest;

import dev.tracelake.client.Provenance;
import dev.tracelake.client.TracelakeClient;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sustained load for a fixed duration while the server's resident memory is sampled: writers cycle
 * through a pool of batches (rows repeat), and the report compares the first minute's RSS with the
 * last minute's, and gives each minute's median, so that a one-off step (the JVM growing its heap
 * once as it warms up) can be told from growth.
 */
final class SoakMode {
  private static final int POOL_BATCHES = 256;
  private static final long MINUTE_NANOS = 60_000_000_000L;

  /**
   * One sample of the server.
   *
   * @param nanos since the load started
   * @param rssBytes the server's resident set size
   * @param serverCpuNanos the server's CPU time since the load started
   * @param ackedRows rows acknowledged since the load started
   */
  record RssSample(long nanos, long rssBytes, long serverCpuNanos, long ackedRows) {}

  /**
   * What the soak measured.
   *
   * @param idleRssBytes the server's RSS just before the load
   * @param samples the series
   * @param load the writers' result
   * @param snapshots snapshots the soak table holds at the end
   */
  record Result(long idleRssBytes, List<RssSample> samples, SteadyLoad.Result load, int snapshots) {
    Result {
      samples = List.copyOf(samples);
    }

    /** Returns the median RSS of the samples taken in {@code [fromNanos, toNanos]}. */
    double medianRss(long fromNanos, long toNanos) {
      return Stats.median(
          samples.stream()
              .filter(s -> s.nanos() >= fromNanos && s.nanos() <= toNanos)
              .mapToDouble(RssSample::rssBytes)
              .toArray());
    }
  }

  private final IngestOptions options;
  private final TracelakeClient client;
  private final ServerProcess server;
  private final Provenance provenance;
  private final PrintStream out;

  SoakMode(
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

  Result run() {
    long durationNanos = options.soakSeconds() * 1_000_000_000L;
    out.printf(
        Locale.ROOT,
        "%n== soak: %d s, %d writers, appends of %,d rows, %s; RSS every %d s ==%n",
        options.soakSeconds(),
        options.soakWriters(),
        options.soakBatchSize(),
        options.soakRate() > 0
            ? String.format(Locale.ROOT, "%.1f appends/s per writer", options.soakRate())
            : "as fast as acknowledgements allow",
        options.sampleSeconds());
    String table = "bench.soak";
    client.createTable(table, AppendHarness.schema());
    try (AppendHarness.Dataset data =
        AppendHarness.generate(
            (long) POOL_BATCHES * options.soakBatchSize(),
            options.soakBatchSize(),
            options.seed())) {
      long idleRss = server.rssBytes();
      out.printf(Locale.ROOT, "server RSS before the load: %.1f MB%n", idleRss / 1e6);
      SteadyLoad load =
          new SteadyLoad(
              client,
              table,
              options.soakWriters(),
              data.batches(),
              options.soakRate(),
              Long.MAX_VALUE,
              durationNanos,
              provenance);
      long cpuStart = server.cpuNanos();
      load.start();
      List<RssSample> samples = new ArrayList<>();
      long intervalNanos = options.sampleSeconds() * 1_000_000_000L;
      long previousRows = 0;
      long previousNanos = 0;
      for (long next = intervalNanos; next <= durationNanos; next += intervalNanos) {
        long wait = load.startNanos() + next - System.nanoTime();
        if (wait > 0) {
          ServerProcess.sleep(wait / 1_000_000);
        }
        long now = System.nanoTime() - load.startNanos();
        RssSample s =
            new RssSample(now, server.rssBytes(), server.cpuNanos() - cpuStart, load.ackedRows());
        samples.add(s);
        out.printf(
            Locale.ROOT,
            "t=%4.0f s  rss %7.1f MB  acked %,12d rows  %,9.0f rows/s  server cpu %5.0f%%%n",
            now / 1e9,
            s.rssBytes() / 1e6,
            s.ackedRows(),
            (s.ackedRows() - previousRows) / ((now - previousNanos) / 1e9),
            samples.size() == 1
                ? 100.0 * s.serverCpuNanos() / now
                : 100.0
                    * (s.serverCpuNanos() - samples.get(samples.size() - 2).serverCpuNanos())
                    / (now - previousNanos));
        previousRows = s.ackedRows();
        previousNanos = now;
      }
      SteadyLoad.Result result = load.await();
      int snapshots = client.describe(table).snapshotCount();
      Result soak = new Result(idleRss, samples, result, snapshots);
      summarize(soak, durationNanos);
      return soak;
    }
  }

  private void summarize(Result soak, long durationNanos) {
    double first = soak.medianRss(0, MINUTE_NANOS);
    double last = soak.medianRss(durationNanos - MINUTE_NANOS, Long.MAX_VALUE);
    double min = soak.samples().stream().mapToLong(RssSample::rssBytes).min().orElse(0);
    double max = soak.samples().stream().mapToLong(RssSample::rssBytes).max().orElse(0);
    SteadyLoad.Result load = soak.load();
    long[] firstMinute = load.latenciesSentBetween(0, MINUTE_NANOS);
    long[] lastMinute = load.latenciesSentBetween(durationNanos - MINUTE_NANOS, Long.MAX_VALUE);
    out.println();
    out.printf(
        Locale.ROOT,
        "soak: %,d rows in %.1f s = %,.0f rows/s; %d snapshots; max send lag %.0f ms%n",
        load.ackedRows(),
        load.nanos() / 1e9,
        load.ackedRows() / (load.nanos() / 1e9),
        soak.snapshots(),
        load.maxLagNanos() / 1e6);
    out.printf(
        Locale.ROOT,
        "RSS MB: idle %.1f, min %.1f, max %.1f; median first minute %.1f, last minute %.1f"
            + " (%+.1f%%)%n",
        soak.idleRssBytes() / 1e6,
        min / 1e6,
        max / 1e6,
        first / 1e6,
        last / 1e6,
        100 * (last - first) / first);
    List<String> minutes = new ArrayList<>();
    List<Double> medians = new ArrayList<>();
    for (long start = 0; start < durationNanos; start += MINUTE_NANOS) {
      long from = start;
      long to = start + MINUTE_NANOS;
      if (soak.samples().stream().anyMatch(x -> x.nanos() > from && x.nanos() <= to)) {
        double median = soak.medianRss(from + 1, to);
        medians.add(median);
        minutes.add(String.format(Locale.ROOT, "%.0f", median / 1e6));
      }
    }
    out.printf(Locale.ROOT, "RSS MB, median of each minute: %s", String.join(", ", minutes));
    if (medians.size() >= 3) {
      double second = medians.get(1);
      double lastMedian = medians.get(medians.size() - 1);
      out.printf(
          Locale.ROOT, "; second minute to last %+.1f%%", 100 * (lastMedian - second) / second);
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "ack latency ms: first minute p50 %.1f p99 %.1f; last minute p50 %.1f p99 %.1f%n",
        Stats.percentile(firstMinute, 50) / 1e6,
        Stats.percentile(firstMinute, 99) / 1e6,
        Stats.percentile(lastMinute, 50) / 1e6,
        Stats.percentile(lastMinute, 99) / 1e6);
  }
}
