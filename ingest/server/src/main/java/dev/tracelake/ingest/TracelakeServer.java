package dev.tracelake.ingest;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeHealth;
import dev.tracelake.lineage.Lineage;
import dev.tracelake.lineage.LineageOptions;
import dev.tracelake.lineage.PageIndexRowSource;
import dev.tracelake.lineage.replay.Replays;
import dev.tracelake.query.SqlEngine;
import dev.tracelake.query.SqlEngineConfig;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The Tracelake gRPC server's lifecycle: IngestService, gRPC health checking and server reflection
 * on one port. Takes a {@link ServerBuilder} so tests can pass an in-process one.
 *
 * <p>{@link #stop()} is graceful: health turns NOT_SERVING, new calls are refused, every queued
 * request is committed and acknowledged (up to the shutdown grace), then the server stops.
 */
public final class TracelakeServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TracelakeServer.class);
  public static final String SERVICE_NAME = "tracelake.v1.IngestService";
  public static final String QUERY_SERVICE_NAME = "tracelake.v1.QueryService";
  public static final String LINEAGE_SERVICE_NAME = "tracelake.v1.LineageService";
  public static final String TABLE_SERVICE_NAME = "tracelake.v1.TableService";
  public static final String REPLAY_SERVICE_NAME = "tracelake.v1.ReplayService";

  /**
   * The health service name a liveness probe should ask for: SERVING while the process runs, even
   * when the catalog or warehouse is unreachable (which the other names, and "", report).
   */
  public static final String LIVENESS_SERVICE = "liveness";

  /** How often the catalog and warehouse are checked for the health service, by default. */
  public static final Duration DEFAULT_HEALTH_INTERVAL = Duration.ofSeconds(10);

  private static final List<String> READY_SERVICES =
      List.of(
          "",
          SERVICE_NAME,
          QUERY_SERVICE_NAME,
          LINEAGE_SERVICE_NAME,
          TABLE_SERVICE_NAME,
          REPLAY_SERVICE_NAME);

  private final Lake lake;
  private final IngestConfig config;
  private final Ingestor ingestor;
  private final HealthStatusManager health = new HealthStatusManager();
  private final IngestGrpcService ingestService;
  private final SqlEngine sqlEngine;
  private final Lineage lineage;
  private final QueryGrpcService queryService;
  private final Replays replays;
  private final ReplayGrpcService replayService;
  private final Server server;
  private final ServerMetrics metrics;
  private final LineageLag lineageLag;
  private Duration healthInterval = DEFAULT_HEALTH_INTERVAL;
  private final RunLiveness runLiveness;
  private Duration runTimeout = RunLiveness.DEFAULT_TIMEOUT;
  private HealthMonitor healthMonitor;
  // null: no background compaction (the default of an embedded server; `serve` turns it on)
  private Duration compactionInterval;
  private BackgroundCompaction compaction;
  private volatile boolean stopped;
  private final dev.tracelake.access.ServerAccess access;

  /**
   * Builds a server whose lineage index is built on the first lineage question and caught up before
   * each answer, so a server that only ingests keeps no index in memory.
   */
  public TracelakeServer(Lake lake, IngestConfig config, ServerBuilder<?> builder) {
    this(lake, config, builder, LineageOptions.defaults().withManualRefresh());
  }

  /**
   * Builds a server with the given lineage options; a refresh interval keeps the lineage index (and
   * OpenLineage run events) current in the background.
   */
  public TracelakeServer(
      Lake lake, IngestConfig config, ServerBuilder<?> builder, LineageOptions lineageOptions) {
    this(lake, config, builder, lineageOptions, null);
  }

  /**
   * Builds a server under access control: every call but health checks and reflection needs a
   * bearer token, and is checked against the caller's privileges and recorded in the audit log.
   *
   * @param access the access control, or null for none (every caller may do everything)
   */
  public TracelakeServer(
      Lake lake,
      IngestConfig config,
      ServerBuilder<?> builder,
      LineageOptions lineageOptions,
      dev.tracelake.access.ServerAccess access) {
    this.lake = lake;
    this.access = access;
    if (access != null) {
      builder.intercept(access.interceptor()).addService(access.service());
    }
    this.config = config;
    this.metrics = ServerMetrics.create();
    this.ingestor = new Ingestor(lake, config, metrics);
    this.ingestService = new IngestGrpcService(ingestor);
    this.sqlEngine = SqlEngine.create(lake, SqlEngineConfig.fromEnvironment());
    this.lineage = Lineage.open(lake, lineageOptions);
    // explained records are read through the Parquet page index, on local and S3 warehouses
    PageIndexRowSource pageIndex = PageIndexRowSource.attachTo(lineage, lake);
    // and so are a replay's inputs
    this.replays = Replays.open(lake, pageIndex);
    this.replayService = new ReplayGrpcService(replays);
    this.queryService = new QueryGrpcService(sqlEngine, metrics);
    this.lineageLag = LineageLag.register(lineage, metrics);
    this.runLiveness = new RunLiveness(lineage);
    this.server =
        builder
            .maxInboundMessageSize(config.maxMessageBytes())
            // the interceptor counts each run's connected writers, for aborting abandoned runs
            .addService(io.grpc.ServerInterceptors.intercept(ingestService, runLiveness))
            .addService(queryService)
            .addService(new LineageGrpcService(lineage))
            .addService(new TableGrpcService(lake))
            .addService(replayService)
            .addService(health.getHealthService())
            .addService(ProtoReflectionServiceV1.newInstance())
            .build();
  }

  /** Builds a server listening on the configured host and port over Netty. */
  public static TracelakeServer onNetty(Lake lake, IngestConfig config) {
    return onNetty(lake, config, LineageOptions.defaults().withManualRefresh());
  }

  /** Builds a server listening on the configured host and port over Netty. */
  public static TracelakeServer onNetty(
      Lake lake, IngestConfig config, LineageOptions lineageOptions) {
    return onNetty(lake, config, lineageOptions, null);
  }

  /** Builds a server under access control (null: none) on the configured host and port. */
  public static TracelakeServer onNetty(
      Lake lake,
      IngestConfig config,
      LineageOptions lineageOptions,
      dev.tracelake.access.ServerAccess access) {
    return onNetty(lake, config, lineageOptions, access, null);
  }

  /**
   * Builds a server under access control (null: none) on the configured host and port, over TLS
   * when {@code tls} is given (client certificates as it asks for them).
   */
  public static TracelakeServer onNetty(
      Lake lake,
      IngestConfig config,
      LineageOptions lineageOptions,
      dev.tracelake.access.ServerAccess access,
      dev.tracelake.tls.ServerTls tls) {
    io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder builder =
        io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder.forAddress(
            new java.net.InetSocketAddress(config.host(), config.port()));
    if (tls != null) {
      builder.sslContext(tls.nettyContext());
    }
    return new TracelakeServer(lake, config, builder, lineageOptions, access);
  }

  /** Returns the services the server serves (the access tests check they cover every method). */
  public List<io.grpc.ServerServiceDefinition> services() {
    return server.getServices();
  }

  /** Returns the server's access control, or null when it runs without. */
  public dev.tracelake.access.ServerAccess access() {
    return access;
  }

  /** Starts serving. */
  public TracelakeServer start() {
    if (!SLF4JBridgeHandler.isInstalled()) {
      // grpc-java logs through java.util.logging; route it to the same place as ours
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
    }
    for (String service : READY_SERVICES) {
      health.setStatus(service, ServingStatus.SERVING);
    }
    health.setStatus(LIVENESS_SERVICE, ServingStatus.SERVING);
    healthMonitor = new HealthMonitor(lake, health, READY_SERVICES, healthInterval, metrics);
    if (compactionInterval != null) {
      compaction =
          BackgroundCompaction.start(
              lake,
              ingestor::tablesWritten,
              compactionInterval,
              BackgroundCompaction.DEFAULT_OPTIONS,
              metrics.registry());
    }
    runLiveness.startReaper(runTimeout);
    LOG.info(
        "Tracelake serving gRPC on {}:{} (warehouse {}, catalog {})",
        config.host(),
        port(),
        lake.config().warehouse(),
        lake.config().describeCatalog());
    return this;
  }

  /**
   * Sets how often the catalog and warehouse are checked for the health service (default {@link
   * #DEFAULT_HEALTH_INTERVAL}); call before {@link #start()}.
   */
  public TracelakeServer healthCheckInterval(Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("Health check interval must be positive, got " + interval);
    }
    this.healthInterval = interval;
    return this;
  }

  /**
   * Compacts the small files of the tables this server writes every {@code interval}, in the
   * background (null turns it off, the default); call before {@link #start()}.
   */
  public TracelakeServer compactionInterval(Duration interval) {
    if (interval != null && (interval.isNegative() || interval.isZero())) {
      throw new IllegalArgumentException("Compaction interval must be positive, got " + interval);
    }
    this.compactionInterval = interval;
    return this;
  }

  /**
   * Sets how long a started run may go without a connected writer, a commit or a start before it is
   * aborted (default 10 minutes); call before {@link #start()}.
   */
  public TracelakeServer runTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("Run timeout must be positive, got " + timeout);
    }
    this.runTimeout = timeout;
    return this;
  }

  /** Returns the server's metrics, to serve them ({@link MetricsHttpServer}) or read them. */
  public ServerMetrics metrics() {
    return metrics;
  }

  /**
   * Returns the gRPC health service (the one this server serves), for a plaintext health port
   * beside a TLS one: kubelet's gRPC probes cannot speak TLS.
   */
  public io.grpc.BindableService healthService() {
    return health.getHealthService();
  }

  /** Returns the last health check of the catalog and warehouse. */
  public LakeHealth lakeHealth() {
    return healthMonitor == null ? lake.checkHealth() : healthMonitor.last();
  }

  /** Returns the port actually bound (useful with port 0). */
  public int port() {
    return server.getPort();
  }

  /**
   * Returns the server's SQL engine, for other doors onto the same SQL (the PostgreSQL endpoint);
   * it is closed when the server stops.
   */
  public SqlEngine sqlEngine() {
    return sqlEngine;
  }

  /** Returns the lake the server serves. */
  public Lake lake() {
    return lake;
  }

  /** The replays of this server's lake (the console's replay page reads them). */
  public dev.tracelake.lineage.replay.Replays replays() {
    return replays;
  }

  /** Returns the lineage service's facade, e.g. to host its OpenLineage endpoint. */
  public Lineage lineage() {
    return lineage;
  }

  /** Waits until the lineage lag gauges have a current value (tests). */
  void awaitLineageLag(Duration timeout) throws InterruptedException {
    lineageLag.awaitRefreshed(timeout);
  }

  int activeQueries() {
    return queryService.activeQueries();
  }

  long queriesCancelledByClient() {
    return queryService.cancelledByClient();
  }

  public Ingestor ingestor() {
    return ingestor;
  }

  /**
   * Stops gracefully: refuses new calls, commits and acknowledges every queued request (up to the
   * shutdown grace), ends the streams still open with UNAVAILABLE so their writers resend
   * elsewhere, and only then releases resources. Idempotent.
   */
  public void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    if (healthMonitor != null) {
      healthMonitor.close();
    }
    if (compaction != null) {
      compaction.close();
    }
    health.enterTerminalState();
    server.shutdown();
    if (!ingestor.drain(config.shutdownGrace())) {
      LOG.warn("Shutdown grace {} ran out with requests still queued", config.shutdownGrace());
    }
    // Streams left open would hold shutdown for the whole grace period; their queued requests
    // are committed by now: acknowledge them, end the streams retryably, then cut the rest.
    ingestService.endStreamsForShutdown(Duration.ofSeconds(5));
    try {
      // with every call ended, the server terminates once their last frames are flushed
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
        server.awaitTermination(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
    ingestor.close();
    runLiveness.close();
    lineageLag.close();
    lineage.close();
    replays.close();
    replayService.close();
    sqlEngine.close();
    if (access != null && access.audit() != null) {
      access.audit().close(); // every call has ended: what they recorded is appended now
    }
    LOG.info("Tracelake server stopped");
  }

  /** Waits until the server terminates. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() {
    stop();
  }
}
