package dev.tracelake.lineage;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Sends OpenLineage RunEvents for Tracelake runs to an HTTP endpoint that speaks the Marquez API
 * ({@code POST <url>/api/v1/lineage}). Input and output datasets carry the Iceberg snapshot id as
 * their {@code version} facet; the job carries the code commit in its {@code sourceCodeLocation}
 * facet. Thread-safe. No retries: a failed send throws, and the caller decides.
 */
public final class OpenLineageEmitter {
  /** The path of the lineage endpoint under the base URL. */
  public static final String PATH = "/api/v1/lineage";

  private final URI endpoint;
  private final String namespace;
  private final URI producer;
  private final Duration timeout;
  private final Map<String, String> headers;
  private final HttpClient client;

  private OpenLineageEmitter(Builder b) {
    this.endpoint = endpointOf(b.url);
    this.namespace = b.namespace;
    this.producer = b.producer;
    this.timeout = b.timeout;
    this.headers = Map.copyOf(b.headers);
    this.client = HttpClient.newBuilder().connectTimeout(b.timeout).build();
  }

  /**
   * Starts building an emitter for a base URL such as {@code http://marquez:5000}; a URL that
   * already ends in {@value #PATH} is used as it is.
   */
  public static Builder builder(URI url) {
    return new Builder(url);
  }

  /** Returns the URL events are posted to. */
  public URI endpoint() {
    return endpoint;
  }

  /** Returns the event JSON that {@link #emit} would send now. */
  public String toJson(RunInfo run, OpenLineageEventType type) {
    return OpenLineageEvents.json(
        OpenLineageEvents.toEvent(run, type, namespace, producer, Instant.now()));
  }

  /**
   * Sends one RunEvent for a run.
   *
   * @throws LineageException UNAVAILABLE when the endpoint cannot be reached or answers with a
   *     status other than 2xx (the message has the status and the start of the body)
   */
  public void emit(RunInfo run, OpenLineageEventType type) {
    Objects.requireNonNull(run, "run");
    emit(run, type, run.inputs(), run.outputs());
  }

  /** Sends one RunEvent naming the given datasets (a RUNNING event: the ones new since). */
  void emit(
      RunInfo run,
      OpenLineageEventType type,
      List<DatasetVersion> inputs,
      List<DatasetVersion> outputs) {
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(type, "type");
    String json =
        OpenLineageEvents.json(
            OpenLineageEvents.toEvent(
                run, type, namespace, producer, Instant.now(), inputs, outputs));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    headers.forEach(request::header);
    HttpResponse<String> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new LineageException(
          LineageException.Kind.UNAVAILABLE,
          String.format(
              "Cannot send the OpenLineage %s event of run %s to %s: %s",
              type, run.runId(), endpoint, e.getMessage()),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LineageException(
          LineageException.Kind.UNAVAILABLE,
          String.format(
              "Interrupted sending the OpenLineage %s event of run %s to %s",
              type, run.runId(), endpoint),
          e);
    }
    if (response.statusCode() / 100 != 2) {
      String body = response.body() == null ? "" : response.body().strip();
      throw new LineageException(
          LineageException.Kind.UNAVAILABLE,
          String.format(
              "OpenLineage endpoint %s refused the %s event of run %s with status %d: %s",
              endpoint,
              type,
              run.runId(),
              response.statusCode(),
              body.length() > 500 ? body.substring(0, 500) + "..." : body));
    }
  }

  private static URI endpointOf(URI url) {
    String text = url.toString();
    if (text.endsWith(PATH)) {
      return url;
    }
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    return URI.create(text + PATH);
  }

  /** Builds an {@link OpenLineageEmitter}. */
  public static final class Builder {
    private final URI url;
    private String namespace = LineageOptions.DEFAULT_DATASET_NAMESPACE;
    private URI producer = OpenLineageEvents.DEFAULT_PRODUCER;
    private Duration timeout = Duration.ofSeconds(10);
    private final Map<String, String> headers = new LinkedHashMap<>();

    private Builder(URI url) {
      Objects.requireNonNull(url, "url");
      String scheme = url.getScheme();
      if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
        throw new IllegalArgumentException("OpenLineage URL must be http or https, got " + url);
      }
      this.url = url;
    }

    /** Sets the job namespace of runs that have none (default {@code tracelake}). */
    public Builder namespace(String value) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException("OpenLineage namespace must not be blank");
      }
      this.namespace = value;
      return this;
    }

    /** Sets the {@code producer} URI of events. */
    public Builder producer(URI value) {
      this.producer = Objects.requireNonNull(value, "producer");
      return this;
    }

    /** Sets the connect and request timeout. */
    public Builder timeout(Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("Timeout must be positive, got " + value);
      }
      this.timeout = value;
      return this;
    }

    /** Adds a header to every request, e.g. {@code Authorization: Bearer <key>}. */
    public Builder header(String name, String value) {
      headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    public OpenLineageEmitter build() {
      return new OpenLineageEmitter(this);
    }
  }
}
