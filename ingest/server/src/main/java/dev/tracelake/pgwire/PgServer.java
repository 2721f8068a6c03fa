package dev.tracelake.pgwire;

import dev.tracelake.access.Authenticator;
import dev.tracelake.access.TableAccess;
import dev.tracelake.lake.Lake;
import dev.tracelake.query.SqlEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracelake SQL over the PostgreSQL v3 frontend/backend protocol, for psql, JDBC and Python drivers
 * and BI tools. Each connection is served by its own thread; at most {@link
 * PgServerConfig#maxConnections()} at once, and each holds at most one message and about 64 KiB of
 * pending output in memory. Every statement runs through the {@link SqlEngine} (read-only,
 * sandboxed, pinned to snapshots).
 *
 * <pre>{@code
 * try (PgServer pg = PgServer.start(PgServerConfig.defaults(), engine, lake, authenticator,
 *     TableAccess.ALL_AUTHENTICATED)) { ... }
 * }</pre>
 */
public final class PgServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PgServer.class);

  private final PgServerConfig config;
  private final ServerSocket socket;
  private final Dependencies dependencies;
  private final ExecutorService connections;
  private final Thread acceptor;
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicInteger nextPid = new AtomicInteger(1000);
  private final Map<Integer, PgConnection> byPid = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** What every connection shares. */
  record Dependencies(
      SqlEngine engine,
      Lake lake,
      Authenticator authenticator,
      TableAccess access,
      ObjectIds ids,
      SecureRandom random,
      PgServerConfig config) {}

  private PgServer(PgServerConfig config, ServerSocket socket, Dependencies dependencies) {
    this.config = config;
    this.socket = socket;
    this.dependencies = dependencies;
    this.connections =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "tracelake-pg-connection");
              t.setDaemon(true);
              return t;
            });
    this.acceptor = new Thread(this::acceptLoop, "tracelake-pg-accept");
    this.acceptor.setDaemon(true);
  }

  /**
   * Starts listening.
   *
   * @throws UncheckedIOException when the address cannot be bound
   */
  public static PgServer start(
      PgServerConfig config,
      SqlEngine engine,
      Lake lake,
      Authenticator authenticator,
      TableAccess access) {
    ServerSocket socket;
    try {
      socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(config.host(), config.port()), 128);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot serve PostgreSQL on " + config.host() + ":" + config.port(), e);
    }
    PgServer server =
        new PgServer(
            config,
            socket,
            new Dependencies(
                engine, lake, authenticator, access, new ObjectIds(), new SecureRandom(), config));
    server.acceptor.start();
    LOG.info(
        "Serving SQL over the PostgreSQL protocol on {}:{}",
        config.host(),
        server.address().getPort());
    return server;
  }

  /** Returns the bound address, with the actual port. */
  public InetSocketAddress address() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  /** Returns how many connections are open now. */
  public int activeConnections() {
    return active.get();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = socket.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("PostgreSQL endpoint: accept failed: {}", e.getMessage());
        }
        continue;
      }
      if (active.incrementAndGet() > config.maxConnections()) {
        active.decrementAndGet();
        refuse(client);
        continue;
      }
      int pid = nextPid.incrementAndGet();
      PgConnection connection = new PgConnection(client, pid, dependencies, this);
      try {
        connections.execute(
            () -> {
              try {
                connection.run();
              } finally {
                byPid.remove(pid);
                active.decrementAndGet();
              }
            });
      } catch (RuntimeException rejected) {
        active.decrementAndGet();
        closeQuietly(client);
      }
    }
  }

  /** Answers a connection over the limit with the error PostgreSQL sends, then closes it. */
  private void refuse(Socket client) {
    try (client) {
      client.setSoTimeout(1000);
      PgOutput out = new PgOutput(client.getOutputStream());
      PgConnection.writeError(
          out,
          "FATAL",
          new PgException(
              PgException.TOO_MANY_CONNECTIONS,
              "sorry, too many clients already (the limit is "
                  + config.maxConnections()
                  + " connections)"));
      out.flush();
    } catch (IOException e) {
      LOG.debug("Could not refuse a connection over the limit cleanly: {}", e.getMessage());
    }
  }

  void registered(int pid, PgConnection connection) {
    byPid.put(pid, connection);
  }

  /** Cancels the running statement of the connection with this pid and secret key, if any. */
  void cancel(int pid, int key) {
    PgConnection target = byPid.get(pid);
    if (target != null && target.secretKey() == key) {
      LOG.debug("Cancel request for connection {}", pid);
      target.cancelRunning();
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing a socket we give up on
    }
  }

  /** Stops accepting, ends every connection and waits briefly for their threads. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      socket.close();
    } catch (IOException e) {
      LOG.debug("Closing the PostgreSQL listener: {}", e.getMessage());
    }
    for (PgConnection c : byPid.values()) {
      c.shutdown();
    }
    connections.shutdownNow();
    try {
      connections.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("PostgreSQL endpoint stopped");
  }

  static boolean isDisconnect(IOException e) {
    return e instanceof java.io.EOFException || e instanceof SocketException;
  }
}
