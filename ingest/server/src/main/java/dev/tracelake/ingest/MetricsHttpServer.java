package dev.tracelake.ingest;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Serves {@code GET /metrics} for Prometheus on the JDK's built-in HTTP server. */
public final class MetricsHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsHttpServer.class);
  public static final String PATH = "/metrics";

  /** Handler threads: a few clients that stall mid-request cannot hold them all. */
  static final int THREADS = 8;

  static {
    // before any HttpServer of the process starts: the JDK's server has no timeouts by default
    dev.tracelake.lineage.HttpTimeouts.apply(10);
  }

  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsHttpServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving {@code metrics} on {@code address}; port 0 picks a free port.
   *
   * @throws UncheckedIOException when the address cannot be bound
   */
  public static MetricsHttpServer start(ServerMetrics metrics, InetSocketAddress address) {
    HttpServer server;
    try {
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot serve metrics on " + address, e);
    }
    ExecutorService executor =
        Executors.newFixedThreadPool(
            THREADS,
            r -> {
              Thread t = new Thread(r, "tracelake-metrics");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", exchange -> serve(metrics, exchange));
    server.start();
    MetricsHttpServer started = new MetricsHttpServer(server, executor);
    LOG.info("Serving Prometheus metrics on {}", started.uri());
    return started;
  }

  /**
   * Returns the URI a scraper reads, e.g. {@code http://127.0.0.1:7422/metrics}: the bound host
   * (loopback when bound to every interface; IPv6 in brackets) and the actual port.
   */
  public URI uri() {
    InetSocketAddress a = server.getAddress();
    String host =
        a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + a.getPort() + PATH);
  }

  /** Returns the bound address, with the actual port. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  private static void serve(ServerMetrics metrics, HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestURI().getPath().equals(PATH)) {
        send(exchange, 404, "text/plain; charset=utf-8", "Not found; metrics are at " + PATH);
        return;
      }
      if (!"GET".equals(exchange.getRequestMethod())
          && !"HEAD".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, 405, "text/plain; charset=utf-8", "Use GET");
        return;
      }
      if (exchange.getRequestHeaders().containsKey("Content-Type")) {
        // a scrape has no body; a request that sends one is not a scrape
        send(exchange, 415, "text/plain; charset=utf-8", "A GET of " + PATH + " takes no body");
        return;
      }
      String accept = exchange.getRequestHeaders().getFirst("Accept");
      send(exchange, 200, ServerMetrics.contentType(accept), metrics.scrape(accept));
    } catch (RuntimeException e) {
      LOG.error("Metrics request failed", e);
      throw e;
    }
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
