package dev.tracelake.ingest;

import dev.tracelake.lake.AppendResult;
import dev.tracelake.lake.TableName;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The server's Prometheus metrics: what was ingested and committed, how long commits and
 * acknowledgements took, commit retries and conflicts, query latency, lineage index lag, health and
 * the JVM. Names follow Prometheus conventions once exported ({@code tracelake_commit_seconds} with
 * {@code _bucket}, {@code _count} and {@code _sum}; counters end in {@code _total}).
 *
 * <p>Per-table series carry a {@code table} label ({@code namespace.name}); latency histograms
 * carry none, so their cardinality stays fixed however many tables there are.
 */
public final class ServerMetrics {
  /** Commit outcome label values. */
  public enum CommitOutcome {
    COMMITTED,
    /** another replica committed some of the writer offsets first (resolved, nothing lost) */
    WRITER_CONFLICT,
    /** every commit attempt lost its race to other writers (nothing committed, retryable) */
    RACES_LOST,
    FAILED;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private static final Duration[] LATENCY_SLOS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofMillis(750),
    Duration.ofSeconds(1),
    Duration.ofMillis(1500),
    Duration.ofSeconds(2),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30)
  };

  private final PrometheusMeterRegistry registry;
  private final Timer commitLatency;
  private final Timer ackLatency;
  private final ConcurrentMap<String, Timer> queryLatency = new ConcurrentHashMap<>();
  private final ConcurrentMap<CounterKey, Counter> counters = new ConcurrentHashMap<>();

  private ServerMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    this.commitLatency =
        histogram(
            "tracelake.commit",
            "Time to write one commit group's data files and commit its snapshot",
            null);
    this.ackLatency =
        histogram(
            "tracelake.ack",
            "Time from a request's arrival to its acknowledgement (after its durable commit)",
            null);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  /** Returns fresh metrics on their own Prometheus registry. */
  public static ServerMetrics create() {
    return new ServerMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /** Returns the registry, e.g. to add meters or to read values in tests. */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * Returns the metrics in the Prometheus text format, or in OpenMetrics when {@code accept} asks
   * for it.
   */
  public String scrape(String accept) {
    return registry.scrape(contentType(accept));
  }

  /** Returns the content type {@link #scrape(String)} produces for {@code accept}. */
  public static String contentType(String accept) {
    return accept != null && accept.contains("application/openmetrics-text")
        ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
        : "text/plain; version=0.0.4; charset=utf-8";
  }

  private Timer histogram(String name, String description, String outcome) {
    Timer.Builder builder = Timer.builder(name).description(description);
    return (outcome == null ? builder : builder.tag("outcome", outcome))
        .serviceLevelObjectives(LATENCY_SLOS)
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry);
  }

  /**
   * Failure codes whose series start at zero for every table that receives a request: the codes an
   * append can end with, so that an alert on a rate of failures sees 0, not "no data".
   */
  private static final List<String> FAILURE_CODES =
      List.of(
          "INVALID_ARGUMENT",
          "NOT_FOUND",
          "OUT_OF_RANGE",
          "RESOURCE_EXHAUSTED",
          "ABORTED",
          "UNAVAILABLE",
          "INTERNAL");

  private final Set<TableName> seen = ConcurrentHashMap.newKeySet();

  /** A request arrived for {@code table} with its Arrow bytes. */
  void received(TableName table, long bytes) {
    if (seen.add(table)) {
      registerAtZero(table);
    }
    counter("tracelake.ingest.requests", "Append requests received", table).increment();
    counter("tracelake.ingest.request.bytes", "Arrow bytes of append requests received", table)
        .increment(bytes);
  }

  /**
   * Registers the table's event counters (retries, duplicates, conflicts, failures by code) before
   * their first event, so dashboards and alerts read 0 rather than no data.
   */
  private void registerAtZero(TableName table) {
    duplicates(table);
    retries(table);
    for (CommitOutcome kind : List.of(CommitOutcome.WRITER_CONFLICT, CommitOutcome.RACES_LOST)) {
      conflicts(table, kind);
    }
    for (String code : FAILURE_CODES) {
      failures(table, code);
    }
  }

  private Counter duplicates(TableName table) {
    return counter(
        "tracelake.ingest.duplicates",
        "Requests acknowledged as already committed (a writer's retry)",
        table);
  }

  private Counter retries(TableName table) {
    return counter(
        "tracelake.commit.retries",
        "Commit attempts that lost a race to another writer and were retried",
        table);
  }

  private Counter conflicts(TableName table, CommitOutcome kind) {
    return counter(
        "tracelake.commit.conflicts",
        "Commits given up on conflict: writer offsets committed by another replica"
            + " (writer_conflict) or every attempt lost its race (races_lost)",
        table,
        "kind",
        kind.label());
  }

  private Counter failures(TableName table, String code) {
    return counter(
        "tracelake.ingest.failures",
        "Append requests refused or failed, by gRPC status code",
        table,
        "code",
        code);
  }

  /** A request was acknowledged {@code nanos} after it arrived. */
  void acked(Ack ack, long nanos) {
    ackLatency.record(nanos, TimeUnit.NANOSECONDS);
    if (ack.alreadyCommitted()) {
      duplicates(ack.table()).increment();
    }
  }

  /** A commit group ended with {@code outcome} after {@code nanos}. */
  void commitEnded(TableName table, CommitOutcome outcome, AppendResult result, long nanos) {
    counter("tracelake.commits", "Commit groups by outcome", table, "outcome", outcome.label())
        .increment();
    if (outcome == CommitOutcome.WRITER_CONFLICT || outcome == CommitOutcome.RACES_LOST) {
      conflicts(table, outcome).increment();
    }
    if (result == null) {
      return;
    }
    commitLatency.record(nanos, TimeUnit.NANOSECONDS);
    counter("tracelake.ingest.rows", "Rows committed", table).increment(result.rows());
    counter("tracelake.ingest.bytes", "Parquet bytes committed", table).increment(result.bytes());
    counter("tracelake.ingest.files", "Parquet data files committed", table)
        .increment(result.dataFiles());
    if (result.attempts() > 1) {
      retries(table).increment(result.attempts() - 1);
    }
  }

  /** A request was refused or failed; {@code reason} is its gRPC status code name. */
  void failed(TableName table, String reason) {
    failures(table, reason).increment();
  }

  /** A query ended with {@code outcome} ({@code ok}, {@code error}, {@code cancelled}). */
  void queryEnded(String outcome, long nanos) {
    queryLatency
        .computeIfAbsent(
            outcome,
            o ->
                histogram(
                    "tracelake.query", "SQL query time, from request to the last batch sent", o))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Registers a gauge read from {@code state} at each scrape; the gauge keeps {@code state}. */
  <T> void gauge(String name, String description, T state, ToDoubleFunction<T> value) {
    Gauge.builder(name, state, value)
        .description(description)
        .strongReference(true)
        .register(registry);
  }

  /** Registers a gauge read from {@code value} at each scrape. */
  void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(registry);
  }

  /** The per-table counters, looked up once: they are bumped on every request and commit. */
  private record CounterKey(String name, TableName table, String tagValue) {}

  private Counter counter(String name, String description, TableName table) {
    return counter(name, description, table, null, null);
  }

  private Counter counter(
      String name, String description, TableName table, String tag, String tagValue) {
    return counters.computeIfAbsent(
        new CounterKey(name, table, tagValue),
        k -> {
          Counter.Builder builder =
              Counter.builder(name).description(description).tag("table", table.toString());
          return (tag == null ? builder : builder.tag(tag, tagValue)).register(registry);
        });
  }
}
