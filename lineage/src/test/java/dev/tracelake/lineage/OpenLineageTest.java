package dev.tracelake.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.LakeTable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * OpenLineage both ways: a run emitted by one lake's lineage to a real HTTP receiver hosting
 * another lake's handler, and events from other tools checked against the spec.
 */
class OpenLineageTest extends LineageTestBase {
  private static final Instant START = Instant.parse("2026-05-01T10:00:00Z");
  private static final Instant END = Instant.parse("2026-05-01T10:30:00Z");
  private static final String AIRFLOW_RUN = "3b452093-782c-4ef2-9c0c-aafe2aa6f34d";

  private Lake receiverLake;
  private Lineage receiver;
  private OpenLineageServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void startReceiver() {
    receiverLake = Lake.open(LakeConfig.embedded(warehouse.resolve("receiver")));
    receiver = Lineage.open(receiverLake, LineageOptions.defaults().withManualRefresh());
    server =
        OpenLineageServer.start(
            receiver.openLineageHandler(),
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  @AfterEach
  void stopReceiver() {
    server.close();
    receiver.close();
    receiverLake.close();
  }

  @Test
  void emittedRunIsRegisteredByTheReceiverWithItsDatasetsAtTheirSnapshots() {
    lineage.registerRun(
        RunInfo.builder("scoring-run-3")
            .code("https://git.example.com/fraud.git", "abc123")
            .model("fraud", "v3")
            .parameter("threshold", "0.7")
            .startedAt(START)
            .build());
    Committed f = append(features(), FEATURE_JOB, feature("u1", 1.0));
    Committed p =
        append(predictions(), FRAUD_V3, prediction(0.3, ref(f.key("features", 0), f.snapshotId())));
    lineage.catchUp();
    OpenLineageEmitter emitter =
        OpenLineageEmitter.builder(server.baseUri()).namespace("fraud-team").build();

    emitter.emit(lineage.run("scoring-run-3").orElseThrow(), OpenLineageEventType.START);
    RunInfo started = receiver.run("scoring-run-3").orElseThrow();
    assertThat(started.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(started.startedAt()).isEqualTo(START);

    RunInfo done = lineage.finishRun("scoring-run-3", RunStatus.COMPLETED, END);
    emitter.emit(done, OpenLineageEventType.COMPLETE);

    RunInfo received = receiver.run("scoring-run-3").orElseThrow();
    assertThat(received.source()).isEqualTo(RunSource.OPENLINEAGE);
    assertThat(received.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(received.startedAt()).isEqualTo(START);
    assertThat(received.endedAt()).isEqualTo(END);
    assertThat(received.jobNamespace()).isEqualTo("fraud-team");
    // the producer in the snapshot summaries names the job when the registration does not
    assertThat(received.jobName()).isEqualTo("scoring-service");
    assertThat(received.codeCommit()).isEqualTo("abc123");
    assertThat(received.codeRepository()).isEqualTo("https://git.example.com/fraud.git");
    assertThat(received.modelName()).isEqualTo("fraud");
    assertThat(received.modelVersion()).isEqualTo("v3");
    assertThat(received.parameters()).containsEntry("threshold", "0.7");
    assertThat(received.inputs())
        .containsExactly(
            new DatasetVersion("tracelake", "default.features", Long.toString(f.snapshotId())));
    assertThat(received.outputs())
        .containsExactly(
            new DatasetVersion("tracelake", "default.predictions", Long.toString(p.snapshotId())));
  }

  @Test
  void runChangesArePublishedAsTheyHappen() throws Exception {
    lineage.publishRunsTo(
        OpenLineageEmitter.builder(server.baseUri()).namespace("fraud-team").build());

    // an implicit run: known only from the provenance of the snapshots it committed
    LakeTable features = features();
    Committed f = append(features, FEATURE_JOB, feature("u1", 1.0));
    lineage.catchUp();
    RunInfo seen = awaitRun("feature-run-1", r -> !r.outputs().isEmpty());
    assertThat(seen.outputs())
        .containsExactly(
            new DatasetVersion("tracelake", "default.features", Long.toString(f.snapshotId())));
    assertThat(seen.codeCommit()).isEqualTo("f00d123");

    // a second commit by the same run is published with the new dataset version
    Committed f2 = append(features, FEATURE_JOB, feature("u2", 2.0));
    lineage.catchUp();
    RunInfo more = awaitRun("feature-run-1", r -> r.outputs().size() == 2);
    assertThat(more.outputs())
        .contains(
            new DatasetVersion("tracelake", "default.features", Long.toString(f2.snapshotId())));

    // an explicit run: registered, then finished
    lineage.registerRun(RunInfo.builder("batch-7").model("fraud", "v4").startedAt(START).build());
    assertThat(awaitRun("batch-7", r -> true).status()).isEqualTo(RunStatus.RUNNING);
    lineage.finishRun("batch-7", RunStatus.FAILED, END);
    RunInfo failed = awaitRun("batch-7", r -> r.status() == RunStatus.FAILED);
    assertThat(failed.endedAt()).isEqualTo(END);
    assertThat(failed.modelVersion()).isEqualTo("v4");
  }

  private RunInfo awaitRun(String runId, java.util.function.Predicate<RunInfo> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      java.util.Optional<RunInfo> run = receiver.run(runId);
      if (run.isPresent() && condition.test(run.get())) {
        return run.get();
      }
      Thread.sleep(20);
    }
    throw new AssertionError(
        "receiver never saw the expected state of run " + runId + ": " + receiver.run(runId));
  }

  @Test
  void emittedEventFollowsTheSpec() throws Exception {
    RunInfo run =
        RunInfo.builder("scoring-run-3")
            .code("https://git.example.com/fraud.git", "abc123")
            .output(new DatasetVersion("tracelake", "default.predictions", "42"))
            .startedAt(START)
            .build();
    String json =
        OpenLineageEmitter.builder(URI.create("http://marquez:5000/"))
            .build()
            .toJson(run, OpenLineageEventType.START);

    JsonNode event = JSON.readTree(json);
    assertThat(event.get("eventType").asText()).isEqualTo("START");
    assertThat(event.get("eventTime").asText()).isEqualTo("2026-05-01T10:00:00Z");
    assertThat(event.get("schemaURL").asText())
        .isEqualTo("https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent");
    assertThat(event.get("producer").asText()).isEqualTo("https://github.com/tracelake/tracelake");
    assertThat(UUID.fromString(event.at("/run/runId").asText()).toString())
        .isEqualTo(event.at("/run/runId").asText());
    assertThat(event.at("/run/facets/tracelake_run/runId").asText()).isEqualTo("scoring-run-3");
    assertThat(event.at("/job/namespace").asText()).isEqualTo("tracelake");
    assertThat(event.at("/job/facets/sourceCodeLocation/version").asText()).isEqualTo("abc123");
    assertThat(event.at("/job/facets/sourceCodeLocation/type").asText()).isEqualTo("git");
    assertThat(event.at("/job/facets/sourceCodeLocation/url").asText())
        .isEqualTo("https://git.example.com/fraud.git");
    assertThat(event.at("/outputs/0/facets/version/datasetVersion").asText()).isEqualTo("42");
    assertThat(event.at("/outputs/0/facets/version/_schemaURL").asText())
        .contains("DatasetVersionDatasetFacet");
    assertThat(OpenLineageEmitter.builder(URI.create("http://marquez:5000/")).build().endpoint())
        .isEqualTo(URI.create("http://marquez:5000/api/v1/lineage"));
  }

  @Test
  void eventFromAnotherToolRegistersItsRunAndDatasetLineage() throws Exception {
    HttpResponse<String> response = post(airflowEvent().toString());

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(JSON.readTree(response.body()).get("runId").asText()).isEqualTo(AIRFLOW_RUN);
    RunInfo run = receiver.run(AIRFLOW_RUN).orElseThrow();
    assertThat(run.jobNamespace()).isEqualTo("airflow");
    assertThat(run.jobName()).isEqualTo("etl.daily");
    assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.endedAt()).isEqualTo(Instant.parse("2026-05-01T11:00:00Z"));
    assertThat(run.codeCommit()).isEqualTo("9f8e7d");
    assertThat(run.inputs())
        .containsExactly(new DatasetVersion("postgres://db:5432", "shop.orders", "v17"));
    assertThat(run.outputs())
        .containsExactly(new DatasetVersion("s3://bucket", "daily/orders", null));
  }

  static Stream<Arguments> missingFields() {
    return Stream.of(
        Arguments.of("/eventTime", "Missing required field 'eventTime'"),
        Arguments.of("/producer", "Missing required field 'producer'"),
        Arguments.of("/schemaURL", "Missing required field 'schemaURL'"),
        Arguments.of("/run", "Missing required field 'run'"),
        Arguments.of("/run/runId", "Missing required field 'run.runId'"),
        Arguments.of("/job", "Missing required field 'job'"),
        Arguments.of("/job/namespace", "Missing required field 'job.namespace'"),
        Arguments.of("/job/name", "Missing required field 'job.name'"),
        Arguments.of("/inputs/0/name", "Missing required field 'inputs[0].name'"));
  }

  @ParameterizedTest
  @MethodSource("missingFields")
  void eventMissingARequiredFieldIsRefusedNamingIt(String pointer, String message)
      throws Exception {
    ObjectNode event = airflowEvent();
    int slash = pointer.lastIndexOf('/');
    ((ObjectNode) event.at(pointer.substring(0, slash))).remove(pointer.substring(slash + 1));

    OpenLineageHandler.Response response =
        receiver.openLineageHandler().handle(event.toString().getBytes(StandardCharsets.UTF_8));

    assertThat(response.status()).isEqualTo(400);
    assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo(message);
    assertThat(receiver.runs()).isEmpty();
  }

  @Test
  void invalidValuesAndMalformedJsonAreRefusedOverHttp() throws Exception {
    ObjectNode badType = airflowEvent().put("eventType", "FINISHED");
    assertError(
        post(badType.toString()),
        400,
        "Invalid field 'eventType': 'FINISHED' is not one of START, RUNNING, COMPLETE, ABORT,"
            + " FAIL, OTHER");

    ObjectNode badRun = airflowEvent();
    ((ObjectNode) badRun.get("run")).put("runId", "run-1");
    badRun.put("eventTime", "yesterday");
    assertError(
        post(badRun.toString()),
        400,
        "Invalid field 'eventTime': 'yesterday' is not an ISO-8601 date-time; Invalid field"
            + " 'run.runId': 'run-1' is not a UUID");

    HttpResponse<String> malformed = post("{\"eventType\": ");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(malformed.body()).get("error").asText())
        .startsWith("Malformed JSON: ");

    assertError(post("[1, 2]"), 400, "An OpenLineage event must be a JSON object, got ARRAY");

    HttpResponse<String> get =
        http.send(
            HttpRequest.newBuilder(server.baseUri().resolve(OpenLineageEmitter.PATH)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertError(get, 405, "Method GET not allowed; use POST");
    assertThat(get.headers().firstValue("Allow")).contains("POST");

    HttpResponse<String> elsewhere =
        http.send(
            HttpRequest.newBuilder(server.baseUri().resolve("/api/v1/lineage/extra"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertError(elsewhere, 404, "No such endpoint: /api/v1/lineage/extra");
    assertThat(receiver.runs()).isEmpty();
  }

  @Test
  void eventsOverTheSizeLimitAre413WhetherAnnouncedOrStreamed() throws Exception {
    // announced: refused on its Content-Length, before the body is sent
    String announced;
    try (Socket socket = new Socket(server.baseUri().getHost(), server.baseUri().getPort())) {
      socket.setSoTimeout(30_000);
      socket
          .getOutputStream()
          .write(
              ("POST "
                      + OpenLineageEmitter.PATH
                      + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      + "Content-Length: 11534336\r\nExpect: 100-continue\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      announced = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(announced).contains("HTTP/1.1 413 ");
    assertThat(
            JSON.readTree(announced.substring(announced.lastIndexOf("\r\n\r\n") + 4))
                .get("error")
                .asText())
        .isEqualTo("Event of 11534336 bytes is larger than the limit of 10485760 bytes");

    // streamed (chunked, no length): refused once the limit is passed; the answer can be lost to
    // the connection's reset while the client is still sending, never a hang
    HttpRequest streamed =
        HttpRequest.newBuilder(server.baseUri().resolve(OpenLineageEmitter.PATH))
            .version(HttpClient.Version.HTTP_1_1)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> spaces(12 << 20)))
            .build();
    try {
      HttpResponse<String> response = http.send(streamed, HttpResponse.BodyHandlers.ofString());
      assertError(response, 413, "Event larger than the limit of 10485760 bytes");
    } catch (IOException reset) {
      assertThat(reset).isNotInstanceOf(HttpTimeoutException.class);
    }
    // still serving, nothing registered
    assertError(post("[1]"), 400, "An OpenLineage event must be a JSON object, got ARRAY");
    assertThat(receiver.runs()).isEmpty();
  }

  @Test
  void emitterReportsAnEndpointThatRefusesOrIsDown() throws IOException {
    HttpServer refusing =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    refusing.createContext(
        "/",
        exchange -> {
          byte[] body = "{\"error\":\"maintenance\"}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(503, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    refusing.start();
    RunInfo run = RunInfo.builder("r-1").build();
    URI url = URI.create("http://127.0.0.1:" + refusing.getAddress().getPort());
    try {
      assertThatThrownBy(
              () -> OpenLineageEmitter.builder(url).build().emit(run, OpenLineageEventType.START))
          .isInstanceOf(LineageException.class)
          .hasMessage(
              "OpenLineage endpoint "
                  + url
                  + "/api/v1/lineage refused the START event of run r-1 with status 503:"
                  + " {\"error\":\"maintenance\"}")
          .extracting(e -> ((LineageException) e).kind())
          .isEqualTo(LineageException.Kind.UNAVAILABLE);
    } finally {
      refusing.stop(0);
    }
    assertThatThrownBy(
            () -> OpenLineageEmitter.builder(url).build().emit(run, OpenLineageEventType.START))
        .isInstanceOf(LineageException.class)
        .hasMessageStartingWith(
            "Cannot send the OpenLineage START event of run r-1 to " + url + "/api/v1/lineage");
    assertThatThrownBy(() -> OpenLineageEmitter.builder(URI.create("ftp://x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("OpenLineage URL must be http or https, got ftp://x");
  }

  private ObjectNode airflowEvent() throws IOException {
    return (ObjectNode)
        JSON.readTree(
            """
            {
              "eventType": "COMPLETE",
              "eventTime": "2026-05-01T11:00:00Z",
              "run": {"runId": "%s"},
              "job": {
                "namespace": "airflow",
                "name": "etl.daily",
                "facets": {
                  "sourceCodeLocation": {
                    "_producer": "https://airflow.example.com",
                    "_schemaURL": "https://openlineage.io/spec/facets/1-0-1/SourceCodeLocationJobFacet.json",
                    "type": "git",
                    "url": "https://git.example.com/etl.git",
                    "version": "9f8e7d"
                  }
                }
              },
              "inputs": [{
                "namespace": "postgres://db:5432",
                "name": "shop.orders",
                "facets": {"version": {
                  "_producer": "https://airflow.example.com",
                  "_schemaURL": "https://openlineage.io/spec/facets/1-0-0/DatasetVersionDatasetFacet.json",
                  "datasetVersion": "v17"}}
              }],
              "outputs": [{"namespace": "s3://bucket", "name": "daily/orders"}],
              "producer": "https://github.com/apache/airflow",
              "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
            }
            """
                .formatted(AIRFLOW_RUN));
  }

  private HttpResponse<String> post(String body) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(server.baseUri().resolve(OpenLineageEmitter.PATH))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** {@code count} bytes of spaces, made as they are read. */
  private static InputStream spaces(long count) {
    return new InputStream() {
      private long left = count;

      @Override
      public int read() {
        return read(new byte[1], 0, 1) < 0 ? -1 : ' ';
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left == 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        Arrays.fill(b, off, off + n, (byte) ' ');
        left -= n;
        return n;
      }
    };
  }

  private static void assertError(HttpResponse<String> response, int status, String message)
      throws IOException {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo(message);
  }
}
