package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.proto.v1.AppendRowsResponse;
import dev.tracelake.proto.v1.ExecuteRequest;
import dev.tracelake.proto.v1.QueryServiceGrpc;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Prometheus metrics over HTTP and gRPC health that follows the catalog and warehouse. */
class MonitoringTest extends IngestServerTestBase {
  private MetricsHttpServer metricsServer;
  private final HttpClient http = HttpClient.newHttpClient();

  @Override
  TracelakeServer configure(TracelakeServer unstarted) {
    return unstarted.healthCheckInterval(Duration.ofMillis(100));
  }

  @BeforeEach
  void startMetrics() {
    metricsServer =
        MetricsHttpServer.start(server.metrics(), new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void stopMetrics() {
    metricsServer.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + metricsServer.address().getPort() + path))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Returns the value of the one sample whose line starts with {@code series}. */
  private static double sample(String scrape, String series) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+\\-]+|NaN)$").matcher(scrape);
    assertThat(m.find()).as("series %s in%n%s", series, scrape).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void theMetricsUriIsTheBoundHostAndPortWithOneDoubleSlash() throws Exception {
    int port = metricsServer.address().getPort();
    assertThat(metricsServer.uri()).isEqualTo(URI.create("http://127.0.0.1:" + port + "/metrics"));
    assertThat(metricsServer.uri().toString()).doesNotContain(":///");
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(metricsServer.uri()).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void eventCountersOfATableReadZeroBeforeTheirFirstEvent() throws Exception {
    createEvents("quiet");
    try (AppendStream stream = new AppendStream(channel, "quiet", "w1")) {
      try (VectorSchemaRoot batch = events(0, 10)) {
        stream.sendArrow(0, batch);
      }
      assertThat(stream.take().getRowCount()).isEqualTo(10L);
    }
    String scrape = get("/metrics").body();
    String table = "table=\"default.quiet\"";
    assertThat(sample(scrape, "tracelake_ingest_duplicates_total{" + table + "}")).isZero();
    assertThat(sample(scrape, "tracelake_commit_retries_total{" + table + "}")).isZero();
    for (String kind : List.of("writer_conflict", "races_lost")) {
      assertThat(
              sample(
                  scrape, "tracelake_commit_conflicts_total{kind=\"" + kind + "\"," + table + "}"))
          .isZero();
    }
    for (String code : List.of("INVALID_ARGUMENT", "OUT_OF_RANGE", "ABORTED", "UNAVAILABLE")) {
      assertThat(
              sample(
                  scrape, "tracelake_ingest_failures_total{code=\"" + code + "\"," + table + "}"))
          .isZero();
    }
  }

  @Test
  void metricsCountIngestCommitsAcksAndQueriesAndIncludeTheJvm() throws Exception {
    createEvents("events");
    try (AppendStream stream = new AppendStream(channel, "events", "w1")) {
      for (int i = 0; i < 3; i++) {
        try (VectorSchemaRoot batch = events(i * 10L, 10)) {
          stream.sendArrow(i, batch);
        }
      }
      List<AppendRowsResponse> acks = stream.take(3);
      assertThat(acks).extracting(AppendRowsResponse::getRowCount).containsExactly(10L, 10L, 10L);
    }
    // a writer's retry on a new stream: a committed offset is acknowledged again, as a duplicate
    try (AppendStream stream = new AppendStream(channel, "events", "w1")) {
      try (VectorSchemaRoot batch = events(0, 10)) {
        stream.sendArrow(0, batch);
      }
      assertThat(stream.take().getAlreadyCommitted()).isTrue();
      // an offset gap is refused
      try (VectorSchemaRoot batch = events(100, 10)) {
        stream.sendArrow(7, batch);
      }
      assertThat(stream.takeOrNull()).isNull();
    }
    QueryServiceGrpc.newBlockingStub(channel)
        .execute(ExecuteRequest.newBuilder().setSql("SELECT count(*) FROM events").build())
        .forEachRemaining(r -> {});

    // the lag gauges never block a scrape: the first one starts the status check
    get("/metrics");
    server.awaitLineageLag(Duration.ofSeconds(10));
    HttpResponse<String> response = get("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
    String scrape = response.body();
    String table = "{table=\"default.events\"}";
    assertThat(sample(scrape, "tracelake_ingest_rows_total" + table)).isEqualTo(30.0);
    assertThat(sample(scrape, "tracelake_ingest_requests_total" + table)).isEqualTo(5.0);
    assertThat(sample(scrape, "tracelake_ingest_duplicates_total" + table)).isEqualTo(1.0);
    assertThat(sample(scrape, "tracelake_ingest_bytes_total" + table)).isPositive();
    assertThat(
            sample(
                scrape,
                "tracelake_ingest_failures_total{code=\"OUT_OF_RANGE\",table=\"default.events\"}"))
        .isEqualTo(1.0);
    double commits =
        sample(scrape, "tracelake_commits_total{outcome=\"committed\",table=\"default.events\"}");
    assertThat(commits).isBetween(1.0, 3.0);
    assertThat(sample(scrape, "tracelake_commit_seconds_count")).isEqualTo(commits);
    // every acknowledgement waited for its commit: none under 1 ms is possible, all within 30 s
    assertThat(sample(scrape, "tracelake_ack_seconds_count")).isEqualTo(4.0);
    assertThat(sample(scrape, "tracelake_ack_seconds_bucket{le=\"30.0\"}")).isEqualTo(4.0);
    assertThat(sample(scrape, "tracelake_query_seconds_count{outcome=\"ok\"}")).isEqualTo(1.0);
    assertThat(sample(scrape, "tracelake_ingest_inflight_bytes")).isEqualTo(0.0);
    assertThat(sample(scrape, "tracelake_catalog_up")).isEqualTo(1.0);
    assertThat(sample(scrape, "tracelake_warehouse_up")).isEqualTo(1.0);
    // the lazy lineage index has not been built: every snapshot of the table is behind
    assertThat(sample(scrape, "tracelake_lineage_index_lag_snapshots"))
        .isEqualTo(snapshotCount("events"));
    assertThat(scrape).contains("jvm_memory_used_bytes{").contains("process_uptime_seconds");

    assertThat(get("/other").statusCode()).isEqualTo(404);
  }

  @Test
  void metricsCanBeAskedForInOpenMetricsFormat() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + metricsServer.address().getPort() + "/metrics"))
                .header("Accept", "application/openmetrics-text; version=1.0.0")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/openmetrics-text"));
    assertThat(response.body()).contains("# TYPE tracelake_catalog_up gauge").endsWith("# EOF\n");
  }

  @Test
  void healthTurnsNotServingWhileTheWarehouseRefusesWritesAndLivenessStaysServing()
      throws Exception {
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
    assertThat(status(health, "")).isEqualTo(ServingStatus.SERVING);
    // A file where the probe's directory must go: every probe write fails, as on a full,
    // read-only or unmounted volume (a permission change would not stop root).
    Path blocker = warehouse.resolve(".tracelake-health");
    deleteRecursively(blocker);
    Files.writeString(blocker, "not a directory");
    try {
      awaitStatus(health, "", ServingStatus.NOT_SERVING);
      assertThat(status(health, TracelakeServer.SERVICE_NAME)).isEqualTo(ServingStatus.NOT_SERVING);
      assertThat(status(health, TracelakeServer.LIVENESS_SERVICE)).isEqualTo(ServingStatus.SERVING);
      assertThat(server.lakeHealth().warehouseError()).contains(warehouse.toString());
      assertThat(server.lakeHealth().catalogReachable()).isTrue();
      assertThat(sample(get("/metrics").body(), "tracelake_warehouse_up")).isEqualTo(0.0);
    } finally {
      Files.delete(blocker);
    }
    awaitStatus(health, "", ServingStatus.SERVING);
    assertThat(sample(get("/metrics").body(), "tracelake_warehouse_up")).isEqualTo(1.0);
  }

  private static ServingStatus status(HealthGrpc.HealthBlockingStub health, String service) {
    return health.check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
  }

  private static void awaitStatus(
      HealthGrpc.HealthBlockingStub health, String service, ServingStatus expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    ServingStatus last = null;
    while (System.nanoTime() < deadline) {
      last = status(health, service);
      if (last == expected) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("health of '" + service + "' stayed " + last + ", not " + expected);
  }

  private static void deleteRecursively(Path dir) throws Exception {
    if (Files.exists(dir)) {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
