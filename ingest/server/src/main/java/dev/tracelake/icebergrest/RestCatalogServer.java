package dev.tracelake.icebergrest;

import dev.tracelake.access.Authenticator;
import dev.tracelake.access.TableAccess;
import dev.tracelake.lake.Lake;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lake's tables as an Apache Iceberg REST catalog, so Spark, Trino, Flink, PyIceberg and DuckDB
 * read every snapshot, tag and branch through the protocol they already speak. Read-only: writes
 * are refused with 403 (see {@link LakeCatalogView#WRITES_REFUSED}). Served by Jetty with a bounded
 * thread pool, an idle timeout and a request size limit.
 */
public final class RestCatalogServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RestCatalogServer.class);

  private final Server server;
  private final ServerConnector connector;

  private RestCatalogServer(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  /**
   * Starts serving the lake's catalog.
   *
   * @throws UncheckedIOException when the address cannot be bound
   */
  public static RestCatalogServer start(
      RestCatalogConfig config, Lake lake, Authenticator authenticator, TableAccess access) {
    return start(config, lake, authenticator, access, null);
  }

  /**
   * Starts serving the lake's catalog, over TLS (HTTPS) when {@code tls} is given.
   *
   * @throws UncheckedIOException when the address cannot be bound
   */
  public static RestCatalogServer start(
      RestCatalogConfig config,
      Lake lake,
      Authenticator authenticator,
      TableAccess access,
      dev.tracelake.tls.ServerTls tls) {
    QueuedThreadPool threads = new QueuedThreadPool(config.threads(), 2);
    threads.setName("tracelake-rest");
    threads.setDaemon(true);
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setRequestHeaderSize(16 * 1024);
    // Iceberg clients join namespace levels with %1F (unit separator) in paths; Jetty refuses
    // control characters in paths by default. The handler decodes and checks every segment.
    http.setUriCompliance(
        UriCompliance.DEFAULT.with(
            "iceberg-rest", UriCompliance.Violation.SUSPICIOUS_PATH_CHARACTERS));
    ServerConnector connector =
        tls == null
            ? new ServerConnector(server, new HttpConnectionFactory(http))
            : tls.jettyConnector(server, -1, -1, http);
    connector.setHost(config.host());
    connector.setPort(config.port());
    connector.setIdleTimeout(config.idleTimeout().toMillis());
    server.addConnector(connector);
    RestCatalogHandler handler =
        new RestCatalogHandler(
            new LakeCatalogView(lake),
            authenticator,
            access,
            new AccessTokens(config.tokenLifetime(), Clock.systemUTC()));
    SizeLimitHandler limit = new SizeLimitHandler(config.maxRequestBytes(), -1);
    limit.setHandler(handler);
    server.setHandler(limit);
    server.setErrorHandler(new IcebergErrorHandler());
    server.setStopTimeout(5_000);
    try {
      server.start();
    } catch (Exception e) {
      try {
        server.stop();
      } catch (Exception stopping) {
        e.addSuppressed(stopping);
      }
      throw new UncheckedIOException(
          "Cannot serve the Iceberg REST catalog on " + config.host() + ":" + config.port(),
          e instanceof java.io.IOException io ? io : new java.io.IOException(e.getMessage(), e));
    }
    RestCatalogServer rest = new RestCatalogServer(server, connector);
    LOG.info("Serving the Iceberg REST catalog on {}", rest.baseUri());
    return rest;
  }

  /**
   * Returns the catalog's base URI, e.g. {@code http://127.0.0.1:8181}; clients add {@code /v1}.
   */
  public URI baseUri() {
    String host = connector.getHost();
    String scheme =
        connector.getDefaultConnectionFactory() instanceof SslConnectionFactory ? "https" : "http";
    return URI.create(
        scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port());
  }

  /** Returns the port actually bound. */
  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("Stopping the Iceberg REST catalog failed: {}", e.getMessage());
    }
  }
}
