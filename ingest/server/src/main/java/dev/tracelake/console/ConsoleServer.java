package dev.tracelake.console;

import dev.tracelake.access.Authenticator;
import dev.tracelake.access.LocalCredential;
import dev.tracelake.access.TableAccess;
import dev.tracelake.lake.Lake;
import dev.tracelake.lineage.Lineage;
import dev.tracelake.lineage.evidence.EvidenceExporter;
import dev.tracelake.lineage.evidence.EvidenceVerifier;
import dev.tracelake.query.SqlEngine;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auditor's console: a web UI and its JSON API over the lake, lineage and SQL, on Jetty. Tables
 * with their snapshot timelines, refs and schemas; finding records by id or by a column filter; a
 * record's explanation as a graph; downstream impact; runs; evidence bundles to export and verify.
 * Reads only.
 *
 * <p>It binds loopback only unless {@link Builder#allowRemote()} is called, and answers only those
 * the server's {@link Authenticator} accepts ({@link Builder#authenticator}: {@code tracelake
 * serve} passes the server token's credential, the one the PostgreSQL and REST doors use), or,
 * without one, holders of a key of its own ({@link #signInUri()}); see {@link ConsoleAuth}.
 * Threads, queued requests, idle connections, request headers, bodies, pages and SQL run time are
 * all bounded.
 */
public final class ConsoleServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);

  /** The default port. */
  public static final int DEFAULT_PORT = 7423;

  /** The most connections open at once; more wait in the operating system's accept queue. */
  static final int MAX_CONNECTIONS = 256;

  private final Server server;
  private final ServerConnector connector;
  private final String key;
  private final String host;

  private ConsoleServer(Server server, ServerConnector connector, String key, String host) {
    this.server = server;
    this.connector = connector;
    this.key = key;
    this.host = host;
  }

  /** Starts building a console over these parts. */
  public static Builder builder(Lake lake, Lineage lineage, SqlEngine sql) {
    return new Builder(lake, lineage, sql);
  }

  /** Returns the address of the console's home page, without its key. */
  public URI uri() {
    String scheme =
        connector.getDefaultConnectionFactory() instanceof SslConnectionFactory ? "https" : "http";
    return URI.create(scheme + "://" + host + ":" + port() + "/");
  }

  /**
   * Returns the address that signs a browser in: the home page with the console's own key, or the
   * home page alone when the server's authenticator decides (its sign-in form takes the token).
   */
  public URI signInUri() {
    return key == null ? uri() : URI.create(uri() + "?" + ConsoleAuth.KEY_PARAM + "=" + key);
  }

  /**
   * Returns the console's own key (a script sends it as {@code Authorization: Bearer <key>}).
   *
   * @throws IllegalStateException when the console uses the server's authenticator instead
   */
  public String key() {
    if (key == null) {
      throw new IllegalStateException(
          "This console checks the server's token, not a key of its own");
    }
    return key;
  }

  /** Returns the port actually bound (useful with port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** Stops serving: open requests finish (for up to 5 s), new connections are refused. */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("Console did not stop cleanly: {}", e.getMessage());
    }
  }

  /** Builds a {@link ConsoleServer}. */
  public static final class Builder {
    private final Lake lake;
    private final Lineage lineage;
    private final SqlEngine sql;
    private InetSocketAddress address = new InetSocketAddress("127.0.0.1", DEFAULT_PORT);
    private dev.tracelake.tls.ServerTls tls;
    private boolean allowRemote;
    private String key;
    private Authenticator authenticator;
    private TableAccess tableAccess = TableAccess.ALL_AUTHENTICATED;
    private int maxThreads = 16;
    private Duration idleTimeout = Duration.ofSeconds(30);
    private Duration queryTimeout = Duration.ofSeconds(30);
    private final Map<String, ConsoleExtension> extensions = new LinkedHashMap<>();

    private Builder(Lake lake, Lineage lineage, SqlEngine sql) {
      this.lake = Objects.requireNonNull(lake, "lake");
      this.lineage = Objects.requireNonNull(lineage, "lineage");
      this.sql = Objects.requireNonNull(sql, "sql");
    }

    /** Listens on {@code address} (default 127.0.0.1:7423; port 0 picks a free port). */
    public Builder address(InetSocketAddress address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * Allows an address other than loopback. Insecure until access control lands: anyone who
     * reaches the port and has the key sees every table.
     */
    /**
     * Serves over TLS (HTTPS) with the server's certificate.
     *
     * @param value the server's TLS, or null for plaintext HTTP
     */
    public Builder tls(dev.tracelake.tls.ServerTls value) {
      this.tls = value;
      return this;
    }

    public Builder allowRemote() {
      this.allowRemote = true;
      return this;
    }

    /** Uses {@code key} instead of a fresh random one (e.g. from a file an operator keeps). */
    public Builder key(String key) {
      if (key == null || key.length() < 16 || !key.matches("[A-Za-z0-9_-]+")) {
        throw new IllegalArgumentException(
            "A console key must be at least 16 characters of A-Z, a-z, 0-9, '_' and '-'");
      }
      this.key = key;
      return this;
    }

    /**
     * Checks tokens with the server's authenticator (the access seam the other doors share) instead
     * of a key of the console's own.
     */
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
      return this;
    }

    /**
     * Decides which tables a principal may see (default: every authenticated principal sees every
     * table). A table it may not read is refused (403) and left out of listings; its records'
     * values in an explanation or an evidence bundle are withheld.
     */
    public Builder tableAccess(TableAccess access) {
      this.tableAccess = Objects.requireNonNull(access, "access");
      return this;
    }

    /** Caps the threads serving requests (default 16); more requests wait in a bounded queue. */
    public Builder maxThreads(int threads) {
      if (threads < 4 || threads > 1024) {
        throw new IllegalArgumentException("Console threads must be 4 to 1024, got " + threads);
      }
      this.maxThreads = threads;
      return this;
    }

    /** Closes a connection idle (or sending too slowly) for this long (default 30 s). */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive(timeout, "idle timeout");
      return this;
    }

    /** Stops a record search's SQL after this long (default 30 s). */
    public Builder queryTimeout(Duration timeout) {
      this.queryTimeout = positive(timeout, "query timeout");
      return this;
    }

    /** Adds a part of the console (e.g. the replay comparison); see {@link ConsoleExtension}. */
    public Builder extension(ConsoleExtension extension) {
      if (!extension.name().matches("[a-z][a-z0-9-]{0,31}")) {
        throw new IllegalArgumentException(
            "Console extension name '" + extension.name() + "' must match [a-z][a-z0-9-]*");
      }
      extensions.put(extension.name(), extension);
      return this;
    }

    private static Duration positive(Duration d, String what) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("Console " + what + " must be positive, got " + d);
      }
      return d;
    }

    /**
     * Starts the console.
     *
     * @throws IllegalArgumentException when the address is not loopback and remote access was not
     *     allowed
     * @throws UncheckedIOException when the address cannot be bound
     */
    public ConsoleServer start() {
      if (address.isUnresolved()) {
        throw new IllegalArgumentException(
            "Cannot resolve console host " + address.getHostString());
      }
      if (!allowRemote && !address.getAddress().isLoopbackAddress()) {
        throw new IllegalArgumentException(
            "The console binds only loopback addresses without access control; "
                + address.getAddress().getHostAddress()
                + " is not (turn access control on, or allow it explicitly to bind anyway,"
                + " insecurely)");
      }
      // bounded threads; Jetty wants its job queue unbounded (it queues its own tasks there too),
      // so connections are bounded instead
      QueuedThreadPool threads = new QueuedThreadPool(maxThreads, 2, 60_000);
      threads.setName("tracelake-console");
      threads.setDaemon(true);
      Server server = new Server(threads);
      HttpConfiguration http = new HttpConfiguration();
      http.setSendServerVersion(false);
      http.setSendXPoweredBy(false);
      http.setRequestHeaderSize(16 * 1024);
      ServerConnector connector =
          tls == null
              ? new ServerConnector(server, 1, 1, new HttpConnectionFactory(http))
              : tls.jettyConnector(server, 1, 1, http);
      connector.setHost(address.getAddress().getHostAddress());
      connector.setPort(address.getPort());
      connector.setIdleTimeout(idleTimeout.toMillis());
      server.addConnector(connector);
      server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, server));
      server.setStopTimeout(5_000);
      if (authenticator != null && key != null) {
        throw new IllegalArgumentException(
            "A console checks either the server's authenticator or a key of its own, not both");
      }
      String usedKey = authenticator != null ? null : key == null ? ConsoleAuth.newKey() : key;
      Authenticator checks = authenticator != null ? authenticator : LocalCredential.of(usedKey);
      ConsoleContext context =
          new ConsoleContext(
              lake,
              lineage,
              sql,
              EvidenceExporter.of(lake, lineage),
              EvidenceVerifier.of(lake, lineage),
              queryTimeout);
      try {
        connector.open();
      } catch (java.io.IOException e) {
        throw new UncheckedIOException("Cannot serve the console on " + address, e);
      }
      InetSocketAddress bound =
          new InetSocketAddress(address.getAddress(), connector.getLocalPort());
      server.setHandler(
          new ConsoleHandler(
              context,
              ConsoleAuth.of(checks, tableAccess, bound, allowRemote),
              StaticAssets.load(),
              extensions));
      try {
        server.start();
      } catch (Exception e) {
        try {
          server.stop();
        } catch (Exception ignored) {
          // nothing more to release
        }
        throw new UncheckedIOException(
            "Cannot serve the console on " + address,
            e instanceof java.io.IOException io ? io : new java.io.IOException(e.getMessage(), e));
      }
      String host = address.getAddress().getHostAddress();
      if (address.getAddress().isAnyLocalAddress()) {
        host = "127.0.0.1";
      } else if (host.contains(":")) {
        host = "[" + host + "]";
      }
      ConsoleServer console = new ConsoleServer(server, connector, usedKey, host);
      LOG.info("Serving the console on {}", console.uri());
      return console;
    }
  }
}
