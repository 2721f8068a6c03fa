package dev.tracelake.cli;

import dev.tracelake.icebergrest.RestCatalogConfig;
import dev.tracelake.ingest.IngestConfig;
import dev.tracelake.ingest.MetricsHttpServer;
import dev.tracelake.ingest.TracelakeServer;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lineage.LineageOptions;
import dev.tracelake.lineage.OpenLineageEmitter;
import dev.tracelake.lineage.OpenLineageServer;
import dev.tracelake.pgwire.PgServerConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tracelake serve}: the gRPC server (IngestService, health, reflection) on the lake.
 *
 * <p>Each setting comes from, in order: its flag, its environment variable, the optional properties
 * file ({@code --config}, keys as the flags without dashes), then the default. SIGTERM and Ctrl-C
 * stop the server gracefully: queued requests are committed and acknowledged first.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Start the gRPC server (default 127.0.0.1:7420) and the OpenLineage endpoint (default port"
          + " 7421) on the lake (default ./tracelake-data).",
      "Settings: flag, then environment variable, then --config file, then default."
    })
final class ServeCommand implements Callable<Integer> {
  static final int DEFAULT_OPENLINEAGE_PORT = 7421;
  static final int DEFAULT_METRICS_PORT = 7422;

  @Mixin GlobalOptions global;

  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "<file>", description = "Properties file of settings.")
  Path configFile;

  @Option(
      names = "--host",
      description = "Address to bind (env TRACELAKE_HOST; default 127.0.0.1).")
  String host;

  @Option(names = "--port", description = "gRPC port (env TRACELAKE_PORT; default 7420).")
  Integer port;

  @Option(
      names = "--commit-interval-ms",
      description =
          "Longest wait of a request for its commit (env TRACELAKE_COMMIT_INTERVAL_MS;"
              + " default 1000).")
  Long commitIntervalMs;

  @Option(
      names = "--max-message-bytes",
      description = "Largest request accepted (env TRACELAKE_MAX_MESSAGE_BYTES; default 64 MiB).")
  Integer maxMessageBytes;

  @Option(
      names = "--inflight-bytes",
      description =
          "Memory for requests not yet committed (env TRACELAKE_INFLIGHT_BYTES;"
              + " default 512 MiB).")
  Long inflightBytes;

  @Option(
      names = "--write-threads",
      description =
          "Threads that encode the Parquet of one large commit, each into its own data files"
              + " (env TRACELAKE_WRITE_THREADS; default: the number of processors).")
  Integer writeThreads;

  @Option(
      names = "--openlineage-port",
      description =
          "Port of the OpenLineage HTTP endpoint POST /api/v1/lineage, on the same host"
              + " (env TRACELAKE_OPENLINEAGE_PORT; default "
              + DEFAULT_OPENLINEAGE_PORT
              + "; -1 disables it).")
  Integer openLineagePort;

  @Option(
      names = "--openlineage-url",
      paramLabel = "<url>",
      description =
          "Send an OpenLineage RunEvent for every run change to this Marquez-compatible endpoint"
              + " (POST <url>/api/v1/lineage; env TRACELAKE_OPENLINEAGE_URL; default: none).")
  String openLineageUrl;

  @Option(
      names = "--openlineage-namespace",
      paramLabel = "<ns>",
      description =
          "Namespace of the jobs and datasets in emitted events (env"
              + " TRACELAKE_OPENLINEAGE_NAMESPACE; default tracelake).")
  String openLineageNamespace;

  @Option(
      names = "--metrics-port",
      description =
          "Port of the Prometheus endpoint GET /metrics, on the same host (env"
              + " TRACELAKE_METRICS_PORT; default "
              + DEFAULT_METRICS_PORT
              + "; -1 disables it).")
  Integer metricsPort;

  @Option(
      names = "--log-format",
      paramLabel = "text|json",
      description =
          "Log format on stderr: text, or json (one object per line) for log collectors (env"
              + " TRACELAKE_LOG_FORMAT; default text).")
  LogFormat logFormat;

  @Option(
      names = "--health-check-interval-ms",
      description =
          "How often the catalog and warehouse are checked; while either fails, gRPC health"
              + " reports NOT_SERVING (env TRACELAKE_HEALTH_CHECK_INTERVAL_MS; default 10000).")
  Long healthCheckIntervalMs;

  @Option(
      names = "--run-timeout-ms",
      description =
          "How long a started run may go without a connected writer, a commit or a start before it"
              + " is ABORTED (env TRACELAKE_RUN_TIMEOUT_MS; default 600000).")
  Long runTimeoutMs;

  @Option(
      names = "--pg-port",
      description =
          "Port of the PostgreSQL endpoint (Tracelake SQL for psql, JDBC, pandas and BI tools), on"
              + " the same host (env TRACELAKE_PG_PORT; default "
              + PgServerConfig.DEFAULT_PORT
              + "; -1 disables it).")
  Integer pgPort;

  @Option(
      names = "--pg-max-connections",
      description =
          "PostgreSQL connections served at once; more are refused (env"
              + " TRACELAKE_PG_MAX_CONNECTIONS; default 100).")
  Integer pgMaxConnections;

  @Option(
      names = "--rest-port",
      description =
          "Port of the Iceberg REST catalog (read-only, for Spark, Trino, Flink, PyIceberg), on the"
              + " same host (env TRACELAKE_REST_PORT; default "
              + RestCatalogConfig.DEFAULT_PORT
              + "; -1 disables it).")
  Integer restPort;

  @Option(
      names = "--token-file",
      paramLabel = "<file>",
      description =
          "The server token's file, created (mode 0600) with a random token when missing; the"
              + " PostgreSQL password and the REST bearer token (env TRACELAKE_TOKEN_FILE; default"
              + " <warehouse>/.tracelake/token). TRACELAKE_TOKEN gives the token itself instead.")
  Path tokenFile;

  @Option(
      names = "--pg-tls-keystore",
      paramLabel = "<file.p12>",
      description =
          "PKCS#12 keystore (certificate and key) for TLS on the PostgreSQL endpoint: clients"
              + " asking for SSL get it (env TRACELAKE_PG_TLS_KEYSTORE; password in"
              + " TRACELAKE_PG_TLS_KEYSTORE_PASSWORD; default: no TLS, SSLRequest answered N).")
  Path pgTlsKeystore;

  @Option(
      names = "--doors-allow-remote",
      description =
          "Let the PostgreSQL endpoint and the REST catalog listen on a non-loopback --host (env"
              + " TRACELAKE_DOORS_ALLOW_REMOTE=true). Until access control exists they accept one"
              + " shared token and have no per-table privileges.")
  Boolean doorsAllowRemote;

  @Option(
      names = "--insecure-no-auth",
      description =
          "Serve without access control: any caller may do anything (env"
              + " TRACELAKE_INSECURE_NO_AUTH=true). By default every call needs a bearer token: the"
              + " server's own (in --token-file, picked up by the CLI on this machine) or one issued"
              + " with 'tracelake auth token create'.")
  Boolean insecureNoAuth;

  @Override
  public Integer call() throws Exception {
    Properties file = loadConfigFile();
    logFormat(file).apply();
    IngestConfig config = ingestConfig(file);
    int lineagePort = openLineagePort(file);
    int metricsPortInForce = metricsPort(file);
    java.time.Duration healthInterval = healthInterval(file);
    LakeConfig lakeConfig = lakeConfig(file);
    Doors.Settings doorSettings = doorSettings(file, config.host(), lakeConfig);
    CountDownLatch stopped = new CountDownLatch(1);
    try (Lake lake = Lake.open(lakeConfig)) {
      String emitTo =
          setting(
              openLineageUrl,
              "TRACELAKE_OPENLINEAGE_URL",
              file,
              "openlineage-url",
              java.util.function.Function.identity(),
              null);
      // Without an emitter the lineage index is built on the first lineage question; with one,
      // it catches up every second so run events go out as runs change.
      LineageOptions lineageOptions =
          emitTo == null
              ? LineageOptions.defaults().withManualRefresh()
              : LineageOptions.defaults();
      dev.tracelake.access.ServerAccess access =
          ServeAccess.open(
              lake,
              lakeConfig,
              doorSettings,
              setting(
                  insecureNoAuth,
                  envName("insecure-no-auth"),
                  file,
                  "insecure-no-auth",
                  Boolean::valueOf,
                  false),
              config.host());
      TracelakeServer server =
          TracelakeServer.onNetty(lake, config, lineageOptions, access)
              .healthCheckInterval(healthInterval)
              .runTimeout(runTimeout(file))
              .start();
      // the CLI on this machine finds the server through its warehouse (ServerTarget)
      java.util.Optional<java.nio.file.Path> advert =
          ServerAdvert.publish(lakeConfig, config.host(), server.port());
      OpenLineageServer openLineage;
      MetricsHttpServer metricsServer;
      try {
        openLineage =
            startOptional(
                "OpenLineage endpoint",
                lineagePort,
                openLineagePort,
                "openlineage-port",
                file,
                () ->
                    OpenLineageServer.start(
                        server.lineage().openLineageHandler(),
                        new InetSocketAddress(config.host(), lineagePort),
                        ServeAccess.openLineageGate(access)));
      } catch (RuntimeException e) {
        server.stop();
        throw e;
      }
      try {
        metricsServer =
            startOptional(
                "Metrics endpoint",
                metricsPortInForce,
                metricsPort,
                "metrics-port",
                file,
                () ->
                    MetricsHttpServer.start(
                        server.metrics(),
                        new InetSocketAddress(config.host(), metricsPortInForce)));
      } catch (RuntimeException e) {
        stopOpenLineage(openLineage);
        server.stop();
        throw e;
      }
      Doors doors;
      try {
        doors = openDoors(doorSettings, file, server);
      } catch (RuntimeException e) {
        stopOpenLineage(openLineage);
        stopMetrics(metricsServer);
        server.stop();
        if (e instanceof IllegalArgumentException) {
          throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        throw e;
      }
      if (emitTo != null) {
        String namespace =
            setting(
                openLineageNamespace,
                "TRACELAKE_OPENLINEAGE_NAMESPACE",
                file,
                "openlineage-namespace",
                java.util.function.Function.identity(),
                "tracelake");
        try {
          server
              .lineage()
              .publishRunsTo(
                  OpenLineageEmitter.builder(java.net.URI.create(emitTo))
                      .namespace(namespace)
                      .build());
        } catch (IllegalArgumentException e) {
          doors.close();
          stopOpenLineage(openLineage);
          stopMetrics(metricsServer);
          server.stop();
          throw new ParameterException(
              spec.commandLine(), "Invalid --openlineage-url '" + emitTo + "': " + e.getMessage());
        }
      }
      Thread hook =
          new Thread(
              () -> {
                // events arriving after the gRPC server stopped would find lineage closed
                advert.ifPresent(ServerAdvert::withdraw);
                doors.close();
                stopOpenLineage(openLineage);
                server.stop();
                stopMetrics(metricsServer);
                stopped.countDown();
              },
              "tracelake-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      spec.commandLine()
          .getOut()
          .printf(
              "Tracelake serving gRPC on %s:%d%s%s (warehouse %s, catalog %s). Ctrl-C stops it.%n",
              config.host(),
              server.port(),
              openLineage == null
                  ? ""
                  : ", OpenLineage on " + openLineage.baseUri() + OpenLineageEmitter.PATH,
              metricsServer == null ? "" : ", metrics on " + metricsServer.uri(),
              lakeConfig.warehouse(),
              lakeConfig.describeCatalog());
      if (!doors.describe().isEmpty()) {
        spec.commandLine().getOut().printf("Tracelake doors: %s.%n", doors.describe());
      }
      spec.commandLine().getOut().flush();
      try {
        server.awaitTermination();
        stopped.await(); // the shutdown hook is still committing; keep the lake open for it
      } catch (InterruptedException e) {
        advert.ifPresent(ServerAdvert::withdraw);
        doors.close();
        stopOpenLineage(openLineage);
        server.stop();
        stopMetrics(metricsServer);
        Thread.currentThread().interrupt();
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the JVM is exiting and the hook is running: nothing to remove
        }
      }
    }
    return 0;
  }

  /**
   * Starts an HTTP endpoint beside the gRPC server, or returns null when its port is -1. A busy
   * default port only warns, so that a second server on one machine still starts; a port asked for
   * must bind.
   */
  private <T> T startOptional(
      String what,
      int port,
      Integer flag,
      String key,
      Properties file,
      java.util.function.Supplier<T> start) {
    if (port < 0) {
      return null;
    }
    try {
      return start.get();
    } catch (UncheckedIOException e) {
      if (portGiven(flag, key, file)) {
        throw e;
      }
      spec.commandLine()
          .getErr()
          .printf(
              "warning: %s not started: %s (%s); pass --%s to choose another port or -1 to"
                  + " disable it%n",
              what, e.getMessage(), e.getCause() == null ? "" : e.getCause().getMessage(), key);
      spec.commandLine().getErr().flush();
      return null;
    }
  }

  /** Resolves the settings of the PostgreSQL endpoint and the Iceberg REST catalog. */
  private Doors.Settings doorSettings(Properties file, String host, LakeConfig lakeConfig) {
    int pg = optionalPort(pgPort, "pg-port", PgServerConfig.DEFAULT_PORT, file);
    int rest = optionalPort(restPort, "rest-port", RestCatalogConfig.DEFAULT_PORT, file);
    int maxConnections;
    try {
      maxConnections =
          setting(
              pgMaxConnections,
              envName("pg-max-connections"),
              file,
              "pg-max-connections",
              Integer::valueOf,
              100);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Path tokens =
        setting(
            tokenFile,
            envName("token-file"),
            file,
            "token-file",
            Path::of,
            Doors.defaultTokenFile(lakeConfig));
    boolean allowRemote =
        setting(
            doorsAllowRemote,
            envName("doors-allow-remote"),
            file,
            "doors-allow-remote",
            Boolean::valueOf,
            false);
    String token =
        global.location.clientToken.token != null
            ? global.location.clientToken.token // serve --token: the server's own token
            : System.getenv("TRACELAKE_TOKEN");
    Path keystore =
        setting(pgTlsKeystore, envName("pg-tls-keystore"), file, "pg-tls-keystore", Path::of, null);
    String keystorePassword = System.getenv("TRACELAKE_PG_TLS_KEYSTORE_PASSWORD");
    Doors.Settings settings =
        new Doors.Settings(
            host,
            pg,
            maxConnections,
            rest,
            tokens,
            token == null || token.isBlank() ? null : token.strip(),
            allowRemote,
            keystore,
            keystorePassword == null ? new char[0] : keystorePassword.toCharArray());
    try {
      Doors.checkBinding(settings);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    return settings;
  }

  /** Opens the PostgreSQL endpoint and the Iceberg REST catalog as their settings say. */
  private Doors openDoors(Doors.Settings settings, Properties file, TracelakeServer server) {
    return Doors.open(
        settings,
        server,
        new Doors.OptionalStarter() {
          @Override
          public <T> T start(
              String what, int port, String key, java.util.function.Supplier<T> start) {
            return startOptional(
                what, port, key.equals("pg-port") ? pgPort : restPort, key, file, start);
          }
        });
  }

  private static boolean portGiven(Integer flag, String key, Properties file) {
    String env = System.getenv(envName(key));
    return flag != null || (env != null && !env.isBlank()) || file.getProperty(key) != null;
  }

  private static String envName(String key) {
    return "TRACELAKE_" + key.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
  }

  int openLineagePort(Properties file) {
    return optionalPort(openLineagePort, "openlineage-port", DEFAULT_OPENLINEAGE_PORT, file);
  }

  int metricsPort(Properties file) {
    return optionalPort(metricsPort, "metrics-port", DEFAULT_METRICS_PORT, file);
  }

  /** Returns the port in force for an optional endpoint: -1 (disabled) or 0 to 65535. */
  private int optionalPort(Integer flag, String key, int fallback, Properties file) {
    int port;
    try {
      port = setting(flag, envName(key), file, key, Integer::valueOf, fallback);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (port < -1 || port > 65_535) {
      throw new ParameterException(
          spec.commandLine(),
          "Setting "
              + key
              + " ("
              + envName(key)
              + ") must be -1 (disabled) or a port from 0 to 65535, got "
              + port);
    }
    return port;
  }

  private LogFormat logFormat(Properties file) {
    try {
      return setting(
          logFormat,
          "TRACELAKE_LOG_FORMAT",
          file,
          "log-format",
          text -> {
            for (LogFormat f : LogFormat.values()) {
              if (f.name().equalsIgnoreCase(text)) {
                return f;
              }
            }
            throw new IllegalArgumentException(
                "Setting log-format (TRACELAKE_LOG_FORMAT) must be text or json, got '"
                    + text
                    + "'");
          },
          LogFormat.TEXT);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private java.time.Duration healthInterval(Properties file) {
    long ms;
    try {
      ms =
          setting(
              healthCheckIntervalMs,
              "TRACELAKE_HEALTH_CHECK_INTERVAL_MS",
              file,
              "health-check-interval-ms",
              Long::valueOf,
              TracelakeServer.DEFAULT_HEALTH_INTERVAL.toMillis());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (ms <= 0) {
      throw new ParameterException(
          spec.commandLine(),
          "Setting health-check-interval-ms (TRACELAKE_HEALTH_CHECK_INTERVAL_MS) must be"
              + " positive, got "
              + ms);
    }
    return java.time.Duration.ofMillis(ms);
  }

  private java.time.Duration runTimeout(Properties file) {
    long ms;
    try {
      ms =
          setting(
              runTimeoutMs,
              "TRACELAKE_RUN_TIMEOUT_MS",
              file,
              "run-timeout-ms",
              Long::valueOf,
              java.time.Duration.ofMinutes(10).toMillis());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (ms <= 0) {
      throw new ParameterException(
          spec.commandLine(),
          "Setting run-timeout-ms (TRACELAKE_RUN_TIMEOUT_MS) must be positive, got " + ms);
    }
    return java.time.Duration.ofMillis(ms);
  }

  private static void stopMetrics(MetricsHttpServer metrics) {
    if (metrics != null) {
      metrics.close();
    }
  }

  private static void stopOpenLineage(OpenLineageServer openLineage) {
    if (openLineage != null) {
      openLineage.close();
    }
  }

  private Properties loadConfigFile() {
    Properties props = new Properties();
    if (configFile == null) {
      return props;
    }
    try (Reader reader = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
      props.load(reader);
    } catch (IOException e) {
      throw CliException.of("Cannot read config file %s: %s", configFile, e.getMessage());
    }
    return props;
  }

  IngestConfig ingestConfig(Properties file) {
    IngestConfig d = IngestConfig.defaults();
    try {
      IngestConfig config =
          new IngestConfig(
              setting(host, "TRACELAKE_HOST", file, "host", Function.identity(), d.host()),
              setting(port, "TRACELAKE_PORT", file, "port", Integer::valueOf, d.port()),
              setting(
                  maxMessageBytes,
                  "TRACELAKE_MAX_MESSAGE_BYTES",
                  file,
                  "max-message-bytes",
                  Integer::valueOf,
                  d.maxMessageBytes()),
              d.commitMaxRows(),
              d.commitMaxBytes(),
              Duration.ofMillis(
                  setting(
                      commitIntervalMs,
                      "TRACELAKE_COMMIT_INTERVAL_MS",
                      file,
                      "commit-interval-ms",
                      Long::valueOf,
                      d.commitInterval().toMillis())),
              setting(
                  inflightBytes,
                  "TRACELAKE_INFLIGHT_BYTES",
                  file,
                  "inflight-bytes",
                  Long::valueOf,
                  d.inflightBytes()),
              d.shutdownGrace(),
              setting(
                  writeThreads,
                  "TRACELAKE_WRITE_THREADS",
                  file,
                  "write-threads",
                  Integer::valueOf,
                  d.writeThreads()));
      return config;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private LakeConfig lakeConfig(Properties file) {
    var matched = spec.commandLine().getParseResult();
    String warehouse = global.location.warehouse;
    if (!matched.hasMatchedOption("--warehouse")
        && System.getenv("TRACELAKE_WAREHOUSE") == null
        && file.getProperty("warehouse") != null) {
      warehouse = file.getProperty("warehouse");
    }
    String catalog = global.location.catalogUri;
    if (!matched.hasMatchedOption("--catalog-uri")
        && System.getenv("TRACELAKE_CATALOG_URI") == null
        && file.getProperty("catalog-uri") != null) {
      catalog = file.getProperty("catalog-uri");
    }
    LakeConfig.Builder builder =
        LakeConfig.builder()
            .warehouse(warehouse)
            .catalogUri(catalog == null || catalog.isBlank() ? null : catalog);
    // catalog.* keys pass through as Iceberg catalog properties (jdbc.user, jdbc.password, ...)
    for (Map.Entry<Object, Object> e : file.entrySet()) {
      String key = e.getKey().toString();
      if (key.startsWith("catalog.")) {
        builder.catalogProperty(key.substring("catalog.".length()), e.getValue().toString());
      }
    }
    // catalog user/password and S3 flags or env variables win over the file's catalog.* keys
    global.location.catalogProperties().forEach(builder::catalogProperty);
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private static <T> T setting(
      T flag, String env, Properties file, String key, Function<String, T> parse, T fallback) {
    if (flag != null) {
      return flag;
    }
    String text = System.getenv(env);
    if (text == null || text.isBlank()) {
      text = file.getProperty(key);
    }
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      return parse.apply(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Setting " + key + " (" + env + ") must be a number, got '" + text + "'");
    }
  }
}
