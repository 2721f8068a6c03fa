package dev.tracelake.lineage;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP server accepting OpenLineage events at {@code POST /api/v1/lineage}, on the JDK's
 * built-in server, so that external jobs (Airflow, Spark) can register runs and dataset lineage.
 * Only transport lives here; {@link OpenLineageHandler} does the work.
 */
public final class OpenLineageServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OpenLineageServer.class);

  /** The largest request body accepted. */
  public static final int MAX_BODY_BYTES = 10 * 1024 * 1024;

  /** Handler threads: more than a few clients that stall mid-request can hold at once. */
  static final int THREADS = 16;

  /**
   * Seconds a client has to send a whole request (headers and body) before the JDK's server closes
   * the connection, freeing its thread; and to take a whole response.
   */
  static final long REQUEST_SECONDS = 10;

  static {
    HttpTimeouts.apply(REQUEST_SECONDS);
  }

  private final HttpServer server;
  private final ExecutorService executor;

  private OpenLineageServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving on {@code address}; port 0 picks a free port (see {@link #address()}).
   *
   * @throws UncheckedIOException when the address cannot be bound
   */
  public static OpenLineageServer start(OpenLineageHandler handler, InetSocketAddress address) {
    return start(handler, address, null);
  }

  /**
   * Decides who may send events, and hears how each request it let through ended (for an audit
   * log).
   */
  @FunctionalInterface
  public interface Gate {
    /**
     * Admits or refuses a request.
     *
     * @param authorization the request's {@code Authorization} header, null when absent
     */
    Admission admit(String authorization);
  }

  /** A {@link Gate}'s answer for one request. */
  public interface Admission {
    /** 0 to accept, 401 when the request carries no valid credentials, 403 when it may not send. */
    int refusal();

    /**
     * Hears how an authenticated request ended (accepted or refused with 403): the status sent and
     * the JSON body sent (the event's summary, or the error).
     */
    default void ended(int status, String body) {}

    /** What the sender may touch in the lake ({@link OpenLineageHandler.Sender#ANYONE}: all). */
    default OpenLineageHandler.Sender sender() {
      return OpenLineageHandler.Sender.ANYONE;
    }

    /** An admission that records nothing. */
    static Admission of(int refusal) {
      return () -> refusal;
    }
  }

  /**
   * Starts accepting events on {@code address}, each request first passing {@code gate}.
   *
   * @param gate who may send events; null accepts every request
   */
  public static OpenLineageServer start(
      OpenLineageHandler handler, InetSocketAddress address, Gate gate) {
    return start(handler, address, gate, null);
  }

  /**
   * Starts accepting events as {@link #start(OpenLineageHandler, InetSocketAddress, Gate)} does,
   * over HTTPS when {@code https} is given.
   *
   * @param https the TLS context and parameters of each connection, or null for plaintext HTTP
   */
  public static OpenLineageServer start(
      OpenLineageHandler handler, InetSocketAddress address, Gate gate, HttpsConfigurator https) {
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(address, "address");
    HttpServer server;
    try {
      if (https == null) {
        server = HttpServer.create(address, 0);
      } else {
        HttpsServer secure = HttpsServer.create(address, 0);
        secure.setHttpsConfigurator(https);
        server = secure;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot listen for OpenLineage events on " + address, e);
    }
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            THREADS,
            r -> {
              Thread t = new Thread(r, "tracelake-openlineage-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext(OpenLineageEmitter.PATH, exchange -> serve(handler, gate, exchange));
    server.start();
    LOG.info("Accepting OpenLineage events on {}", server.getAddress());
    return new OpenLineageServer(server, executor);
  }

  /** Returns the bound address, with the actual port. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** Returns the base URL to give an emitter, e.g. {@code http://127.0.0.1:5000}. */
  public URI baseUri() {
    InetSocketAddress a = server.getAddress();
    String host =
        a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create(
        (server instanceof HttpsServer ? "https://" : "http://") + host + ":" + a.getPort());
  }

  private static void serve(OpenLineageHandler handler, Gate gate, HttpExchange exchange)
      throws IOException {
    try (exchange) {
      Admission admission = Admission.of(0);
      if (gate != null) {
        // before anything else: a caller without credentials learns nothing, not even paths
        admission = gate.admit(exchange.getRequestHeaders().getFirst("Authorization"));
        if (admission.refusal() == 401) {
          exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"tracelake\"");
          send(exchange, 401, errorJson("A valid bearer token is required"));
          return;
        }
        if (admission.refusal() != 0) {
          send(
              exchange,
              admission,
              403,
              errorJson("Permission denied: sending events needs 'write'"));
          return;
        }
      }
      String path = exchange.getRequestURI().getPath();
      if (!path.equals(OpenLineageEmitter.PATH) && !path.equals(OpenLineageEmitter.PATH + "/")) {
        send(exchange, admission, 404, errorJson("No such endpoint: " + path));
        return;
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "POST");
        send(
            exchange,
            admission,
            405,
            errorJson("Method " + exchange.getRequestMethod() + " not allowed; use POST"));
        return;
      }
      String type = exchange.getRequestHeaders().getFirst("Content-Type");
      if (!isJson(type)) {
        exchange.getResponseHeaders().set("Accept-Post", "application/json");
        send(
            exchange,
            admission,
            415,
            errorJson(
                "Content type "
                    + (type == null ? "(none)" : "'" + abbreviate(type) + "'")
                    + " is not supported; send the event as application/json"));
        return;
      }
      long announced = contentLength(exchange.getRequestHeaders().getFirst("Content-Length"));
      if (announced > MAX_BODY_BYTES) {
        // refused on its announced size, before a byte of it is read; the rest of the body is
        // never read, so the connection cannot carry another request
        exchange.getResponseHeaders().set("Connection", "close");
        send(
            exchange,
            admission,
            413,
            errorJson(
                "Event of "
                    + announced
                    + " bytes is larger than the limit of "
                    + MAX_BODY_BYTES
                    + " bytes"));
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_BODY_BYTES + 1);
      }
      if (body.length > MAX_BODY_BYTES) {
        exchange.getResponseHeaders().set("Connection", "close");
        send(
            exchange,
            admission,
            413,
            errorJson("Event larger than the limit of " + MAX_BODY_BYTES + " bytes"));
        return;
      }
      OpenLineageHandler.Response response = handler.handle(body, admission.sender());
      send(exchange, admission, response.status(), response.body());
    } catch (RuntimeException e) {
      LOG.error("OpenLineage request failed", e);
      throw e;
    }
  }

  /** The announced body length, or -1 when absent (chunked) or not a number (the server's call). */
  static long contentLength(String header) {
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Whether a Content-Type names JSON: application/json or a +json type, any parameters. */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String media = contentType.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
    return media.equals("application/json")
        || (media.startsWith("application/") && media.endsWith("+json"));
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }

  private static String errorJson(String message) {
    return OpenLineageEvents.json(JsonValues.MAPPER.createObjectNode().put("error", message));
  }

  /**
   * Tells an admitted request's admission how it ended, then sends the response: what a caller has
   * heard of is already recorded.
   */
  private static void send(HttpExchange exchange, Admission admission, int status, String json)
      throws IOException {
    try {
      admission.ended(status, json);
    } catch (RuntimeException e) {
      LOG.error("Cannot record how an OpenLineage request ended", e);
    }
    send(exchange, status, json);
  }

  private static void send(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Stops accepting events, letting requests in flight finish for up to a second. */
  @Override
  public void close() {
    server.stop(1);
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
  }
}
