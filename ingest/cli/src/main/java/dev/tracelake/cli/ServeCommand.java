package dev.tracelake.cli;

import dev.tracelake.access.LocalCredential;
import dev.tracelake.console.ConsoleServer;
import dev.tracelake.console.ReplayConsoleExtension;
import dev.tracelake.ingest.IngestConfig;
import dev.tracelake.ingest.MetricsHttpServer;
import dev.tracelake.ingest.TracelakeServer;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lineage.LineageOptions;
import dev.tracelake.lineage.OpenLineageEmitter;
import dev.tracelake.lineage.OpenLineageServer;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
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
      "Start the gRPC server (default 127.0.0.1:7420), the OpenLineage endpoint (default port"
          + " 7421) and the auditor's web console (default http://127.0.0.1:7423/) on the lake"
          + " (default ./tracelake-data).",
      "Settings: flag, then environment variable, then --config file, then default."
    })
final class ServeCommand implements Callable<Integer> {
  static final int DEFAULT_OPENLINEAGE_PORT = 7421;
  static final int DEFAULT_METRICS_PORT = 7422;
  static final int DEFAULT_CONSOLE_PORT = ConsoleServer.DEFAULT_PORT;

  @Mixin GlobalOptions global;

  @Spec CommandSpec spec;

  @Mixin ServeSettings settings;

  @Override
  public Integer call() throws Exception {
    Properties file = settings.loadConfigFile();
    settings.logFormat(file).apply();
    IngestConfig config = settings.ingestConfig(file);
    int lineagePort = settings.openLineagePort(file);
    int metricsPortInForce = settings.metricsPort(file);
    java.time.Duration healthInterval = settings.healthInterval(file);
    java.time.Duration compactionInterval = settings.compactionInterval(file);
    LakeConfig lakeConfig = settings.lakeConfig(file, global);
    Doors.Settings doorSettings = settings.doorSettings(file, config.host(), lakeConfig);
    dev.tracelake.access.OidcSettings oidc = settings.oidcSettings(file);
    if (global.location.clientToken.token != null) {
      // serve --token: the server's own token, as TRACELAKE_TOKEN gives it
      doorSettings =
          new Doors.Settings(
              doorSettings.host(),
              doorSettings.pgPort(),
              doorSettings.pgMaxConnections(),
              doorSettings.restPort(),
              doorSettings.tokenFile(),
              global.location.clientToken.token.strip(),
              doorSettings.allowRemote(),
              doorSettings.pgTlsKeystore(),
              doorSettings.pgTlsKeystorePassword());
    }
    // TLS files are checked before anything listens: a bad file stops serve with its name
    dev.tracelake.tls.ServerTls tls = settings.tls(file, global.location.clientTls);
    String metricsHost = settings.metricsHost(file, config.host());
    CountDownLatch stopped = new CountDownLatch(1);
    try (Lake lake = Lake.open(lakeConfig)) {
      String emitTo = settings.openLineageUrl(file);
      // Without an emitter the lineage index is built on the first lineage question; with one,
      // it catches up every second so run events go out as runs change.
      LineageOptions lineageOptions =
          emitTo == null
              ? LineageOptions.defaults().withManualRefresh()
              : LineageOptions.defaults();
      dev.tracelake.access.ServerAccess access;
      try {
        access =
            ServeAccess.open(
                lake,
                lakeConfig,
                doorSettings,
                settings.insecureNoAuth(file),
                config.host(),
                tls,
                settings.tlsPrincipalFrom(file),
                oidc);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      TracelakeServer server =
          TracelakeServer.onNetty(lake, config, lineageOptions, access, tls)
              .healthCheckInterval(healthInterval)
              .compactionInterval(compactionInterval)
              .runTimeout(settings.runTimeout(file))
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
                "openlineage-port",
                file,
                () ->
                    OpenLineageServer.start(
                        server.lineage().openLineageHandler(),
                        new InetSocketAddress(config.host(), lineagePort),
                        ServeAccess.openLineageGate(access),
                        tls == null ? null : tls.httpsConfigurator()));
      } catch (RuntimeException e) {
        server.stop();
        throw e;
      }
      try {
        metricsServer =
            startOptional(
                "Metrics endpoint",
                metricsPortInForce,
                "metrics-port",
                file,
                () ->
                    MetricsHttpServer.start(
                        server.metrics(), new InetSocketAddress(metricsHost, metricsPortInForce)));
      } catch (RuntimeException e) {
        stopOpenLineage(openLineage);
        server.stop();
        throw e;
      }
      Doors doors;
      try {
        doors = openDoors(doorSettings, file, server, tls);
      } catch (RuntimeException e) {
        stopOpenLineage(openLineage);
        stopMetrics(metricsServer);
        server.stop();
        if (e instanceof IllegalArgumentException) {
          throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        throw e;
      }
      ConsoleServer console;
      int consolePort = settings.consolePort(file);
      Doors.Settings consoleCredential = doorSettings;
      try {
        console =
            startOptional(
                "Console",
                consolePort,
                "console-port",
                file,
                () -> startConsole(lake, server, file, consolePort, consoleCredential, tls));
      } catch (RuntimeException e) {
        doors.close();
        stopOpenLineage(openLineage);
        stopMetrics(metricsServer);
        server.stop();
        throw e;
      }
      if (emitTo != null) {
        String namespace = settings.openLineageNamespace(file);
        try {
          server
              .lineage()
              .publishRunsTo(
                  OpenLineageEmitter.builder(java.net.URI.create(emitTo))
                      .namespace(namespace)
                      .build());
        } catch (IllegalArgumentException e) {
          stopConsole(console);
          doors.close();
          stopOpenLineage(openLineage);
          stopMetrics(metricsServer);
          server.stop();
          throw new ParameterException(
              spec.commandLine(), "Invalid --openlineage-url '" + emitTo + "': " + e.getMessage());
        }
      }
      dev.tracelake.ingest.HealthServer healthServer;
      int healthPort = settings.healthPort(file);
      try {
        healthServer =
            healthPort < 0
                ? null
                : dev.tracelake.ingest.HealthServer.start(
                    server, new InetSocketAddress(config.host(), healthPort));
      } catch (RuntimeException e) {
        stopConsole(console);
        doors.close();
        stopOpenLineage(openLineage);
        stopMetrics(metricsServer);
        server.stop();
        throw e;
      }
      Thread hook =
          new Thread(
              () -> {
                // events arriving after the gRPC server stopped would find lineage closed
                advert.ifPresent(ServerAdvert::withdraw);
                stopHealth(healthServer);
                stopConsole(console);
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
              "Tracelake serving gRPC%s on %s:%d%s%s%s (warehouse %s, catalog %s). Ctrl-C stops"
                  + " it.%n",
              tls == null
                  ? ""
                  : " over TLS"
                      + (tls.clientAuth() == dev.tracelake.tls.ClientAuth.NONE
                          ? ""
                          : " (client certificates " + tls.clientAuth().label() + ")"),
              config.host(),
              server.port(),
              openLineage == null
                  ? ""
                  : ", OpenLineage on " + openLineage.baseUri() + OpenLineageEmitter.PATH,
              metricsServer == null ? "" : ", metrics on " + metricsServer.uri(),
              console == null
                  ? ""
                  : ", console on "
                      + console.uri()
                      + " (sign in with the server token"
                      + (doorSettings.token() != null
                          ? ", $TRACELAKE_TOKEN"
                          : " in " + doorSettings.tokenFile().toAbsolutePath())
                      + ")",
              lakeConfig.warehouse(),
              lakeConfig.describeCatalog());
      if (!doors.describe().isEmpty()) {
        spec.commandLine().getOut().printf("Tracelake doors: %s.%n", doors.describe());
      }
      if (healthServer != null) {
        spec.commandLine()
            .getOut()
            .printf(
                "Tracelake health checks (plaintext gRPC) on %s:%d.%n",
                config.host(), healthServer.port());
      }
      spec.commandLine().getOut().flush();
      try {
        server.awaitTermination();
        stopped.await(); // the shutdown hook is still committing; keep the lake open for it
      } catch (InterruptedException e) {
        advert.ifPresent(ServerAdvert::withdraw);
        stopHealth(healthServer);
        stopConsole(console);
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
      String what, int port, String key, Properties file, java.util.function.Supplier<T> start) {
    if (port < 0) {
      return null;
    }
    try {
      return start.get();
    } catch (UncheckedIOException e) {
      if (settings.portGiven(key, file)) {
        throw e;
      }
      // through the log, not printed: with --log-format json every stderr line must be JSON
      org.slf4j.LoggerFactory.getLogger(ServeCommand.class)
          .warn(
              "{} not started: {} ({}); pass --{} to choose another port or -1 to disable it",
              what,
              e.getMessage(),
              e.getCause() == null ? "" : e.getCause().getMessage(),
              key);
      return null;
    }
  }

  /** Opens the PostgreSQL endpoint and the Iceberg REST catalog as their settings say. */
  private Doors openDoors(
      Doors.Settings doorSettings,
      Properties file,
      TracelakeServer server,
      dev.tracelake.tls.ServerTls tls) {
    return Doors.open(
        doorSettings,
        server,
        new Doors.OptionalStarter() {
          @Override
          public <T> T start(
              String what, int port, String key, java.util.function.Supplier<T> start) {
            return startOptional(what, port, key, file, start);
          }
        },
        tls);
  }

  /**
   * Starts the auditor's console on the server's lake, lineage and SQL engine. It signs in with the
   * server token, through the same credential as the PostgreSQL and REST doors (the access seam).
   */
  private ConsoleServer startConsole(
      Lake lake,
      TracelakeServer server,
      Properties file,
      int port,
      Doors.Settings doors,
      dev.tracelake.tls.ServerTls tls) {
    ConsoleServer.Builder builder =
        ConsoleServer.builder(lake, server.lineage(), server.sqlEngine())
            .address(new InetSocketAddress(settings.consoleHost(file), port))
            .tls(tls)
            .extension(new ReplayConsoleExtension(server.replays()))
            .authenticator(
                server.access() != null
                    // under access control the console, like the doors, takes issued tokens and
                    // honours per-table grants
                    ? server.access().control()
                    : doors.token() != null
                        ? LocalCredential.of(doors.token())
                        : LocalCredential.fromFile(doors.tokenFile()));
    if (server.access() != null) {
      builder.tableAccess(server.access().doorAccess());
    }
    if (settings.consoleAllowRemote || server.access() != null) {
      // under access control each person signs in with their own token and sees what their grants
      // allow, so the console may listen where the operator says, as gRPC does
      builder.allowRemote();
    }
    try {
      return builder.start();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private static void stopHealth(dev.tracelake.ingest.HealthServer health) {
    if (health != null) {
      health.close();
    }
  }

  private static void stopConsole(ConsoleServer console) {
    if (console != null) {
      console.close();
    }
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
}
