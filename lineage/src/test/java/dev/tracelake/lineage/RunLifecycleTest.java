package dev.tracelake.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.ScanBatches;
import dev.tracelake.lake.TableName;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs have a life (issue 16, part 2): start, finish as COMPLETED, FAILED with a message or
 * ABORTED, parent run and nominal time kept across a reindex, abandoned runs aborted after a
 * timeout, every change sent as an OpenLineage event with current facet versions, RUNNING events
 * naming only new outputs, and job and dataset events accepted.
 */
class RunLifecycleTest extends LineageTestBase {
  private static final Instant START = Instant.parse("2026-05-01T10:00:00Z");

  private HttpServer marquez;
  private final List<JsonNode> received = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void startMarquez() throws IOException {
    marquez = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    marquez.createContext(
        OpenLineageEmitter.PATH,
        exchange -> {
          received.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
          exchange.sendResponseHeaders(201, -1);
          exchange.close();
        });
    marquez.start();
  }

  @AfterEach
  void stopMarquez() {
    marquez.stop(0);
  }

  private URI marquezUri() {
    return URI.create("http://127.0.0.1:" + marquez.getAddress().getPort());
  }

  private RunInfo scoringRun(String id) {
    return RunInfo.builder(id)
        .job("ml", "fraud-scoring")
        .code("https://git.example.com/fraud.git", "abc123")
        .model("fraud", "v3")
        .parent(new RunParent("pipeline-2026-05-01", "airflow", "daily-pipeline"))
        .nominalTime(START, START.plus(Duration.ofHours(1)))
        .startedAt(START)
        .build();
  }

  @Test
  void aRunStartsAndEndsOnceAndKeepsItsParentAndNominalTimeAcrossAReindex() {
    RunInfo started = lineage.startRun(scoringRun("run-1"));
    assertThat(started.status()).isEqualTo(RunStatus.RUNNING);
    // a retried start is harmless
    assertThat(lineage.startRun(scoringRun("run-1")).status()).isEqualTo(RunStatus.RUNNING);

    RunInfo failed =
        lineage.finishRun("run-1", RunStatus.FAILED, null, "scorer crashed:\u0000 out of memory");

    assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
    assertThat(failed.failureMessage()).isEqualTo("scorer crashed:  out of memory");
    assertThat(lineage.finishRun("run-1", RunStatus.FAILED, null, "again")).isEqualTo(failed);
    assertThatThrownBy(() -> lineage.finishRun("run-1", RunStatus.COMPLETED, null))
        .isInstanceOf(LineageException.class)
        .hasMessageContaining("Run run-1 ended FAILED")
        .hasMessageContaining("cannot end COMPLETED");
    assertThatThrownBy(() -> lineage.startRun(scoringRun("run-1")))
        .isInstanceOf(LineageException.class)
        .hasMessageContaining("Run run-1 ended FAILED");

    lineage.reindex();
    try (Lineage reopened = Lineage.open(lake, LineageOptions.defaults().withManualRefresh())) {
      reopened.catchUp();
      RunInfo again = reopened.run("run-1").orElseThrow();
      assertThat(again.status()).isEqualTo(RunStatus.FAILED);
      assertThat(again.failureMessage()).isEqualTo("scorer crashed:  out of memory");
      assertThat(again.parent())
          .isEqualTo(new RunParent("pipeline-2026-05-01", "airflow", "daily-pipeline"));
      assertThat(again.nominalStartTime()).isEqualTo(START);
      assertThat(again.nominalEndTime()).isEqualTo(START.plus(Duration.ofHours(1)));
    }
  }

  @Test
  void runsSilentLongerThanTheTimeoutAreAbortedUnlessAliveOrCommitting() {
    Instant longAgo = Instant.now().minus(Duration.ofHours(2));
    lineage.startRun(RunInfo.builder("abandoned").startedAt(longAgo).build());
    lineage.startRun(RunInfo.builder("connected").startedAt(longAgo).build());
    lineage.startRun(RunInfo.builder("committing").startedAt(longAgo).build());
    lineage.startRun(RunInfo.builder("fresh").build());
    append(
        features(),
        Provenance.builder().runId("committing").codeCommit("c1").build(),
        feature("u1", 1.0));
    lineage.catchUp();

    List<RunInfo> aborted = lineage.abortAbandonedRuns(Duration.ofHours(1), Set.of("connected"));

    assertThat(aborted).extracting(RunInfo::runId).containsExactly("abandoned");
    RunInfo run = lineage.run("abandoned").orElseThrow();
    assertThat(run.status()).isEqualTo(RunStatus.ABORTED);
    assertThat(run.failureMessage()).contains("No writer of the run was connected");
    for (String alive : List.of("connected", "committing", "fresh")) {
      assertThat(lineage.run(alive).orElseThrow().status()).as(alive).isEqualTo(RunStatus.RUNNING);
    }
    // a run only seen in summaries was never started: never aborted
    assertThat(lineage.abortAbandonedRuns(Duration.ZERO, Set.of()))
        .extracting(RunInfo::runId)
        .containsExactlyInAnyOrder("connected", "committing", "fresh");
    assertThat(lineage.run("feature-run-1")).isEmpty();
  }

  @Test
  void everyChangeIsPublishedWithCurrentFacetsAndRunningNamesOnlyNewOutputs() throws Exception {
    lineage.publishRunsTo(OpenLineageEmitter.builder(marquezUri()).build());
    lineage.startRun(scoringRun("run-2"));
    JsonNode start = await(e -> e.get("eventType").asText().equals("START"));
    LakeTable predictions = predictions();
    Provenance p = Provenance.builder().runId("run-2").model("fraud", "v3").build();
    Committed first = append(predictions, p, prediction(0.1));
    lineage.catchUp();
    JsonNode running = await(e -> e.get("eventType").asText().equals("RUNNING"));
    Committed second = append(predictions, p, prediction(0.2));
    lineage.catchUp();
    JsonNode running2 =
        await(
            e ->
                e.get("eventType").asText().equals("RUNNING")
                    && e.at("/outputs/0/facets/version/datasetVersion")
                        .asText()
                        .equals(Long.toString(second.snapshotId())));
    lineage.finishRun("run-2", RunStatus.FAILED, null, "bad input");
    JsonNode fail = await(e -> e.get("eventType").asText().equals("FAIL"));

    assertThat(start.at("/run/facets/parent/_schemaURL").asText())
        .isEqualTo(
            "https://openlineage.io/spec/facets/1-2-0/ParentRunFacet.json#/$defs/ParentRunFacet");
    assertThat(start.at("/run/facets/parent/job/name").asText()).isEqualTo("daily-pipeline");
    assertThat(start.at("/run/facets/parent/run/runId").asText())
        .isEqualTo(OpenLineageEvents.openLineageRunId("pipeline-2026-05-01"));
    assertThat(start.at("/run/facets/nominalTime/nominalStartTime").asText())
        .isEqualTo(START.toString());
    assertThat(start.at("/run/facets/nominalTime/_schemaURL").asText()).contains("1-0-1");
    assertThat(start.at("/job/facets/sourceCodeLocation/url").asText())
        .isEqualTo("https://git.example.com/fraud.git");
    assertThat(start.at("/job/facets/sourceCodeLocation/_schemaURL").asText())
        .contains("/facets/1-1-0/SourceCodeLocationJobFacet.json");
    assertThat(running.get("outputs")).hasSize(1);
    assertThat(running.at("/outputs/0/facets/version/datasetVersion").asText())
        .isEqualTo(Long.toString(first.snapshotId()));
    assertThat(running.at("/outputs/0/facets/version/_schemaURL").asText())
        .contains("/facets/1-0-1/DatasetVersionDatasetFacet.json");
    assertThat(running2.get("outputs")).hasSize(1);
    assertThat(fail.get("outputs")).hasSize(2);
    assertThat(fail.at("/run/facets/errorMessage/message").asText()).isEqualTo("bad input");
    assertThat(fail.at("/run/facets/errorMessage/_schemaURL").asText())
        .contains("/facets/1-0-1/ErrorMessageRunFacet.json");
    synchronized (received) {
      assertThat(received.stream().map(e -> e.get("eventType").asText()))
          .containsExactly("START", "RUNNING", "RUNNING", "FAIL");
    }
  }

  @Test
  void aRunWithoutRepositoryHasNoMadeUpSourceCodeLocation() throws Exception {
    RunInfo run = RunInfo.builder("no-repo").code(null, "abc123").startedAt(START).build();

    JsonNode event =
        JSON.readTree(
            OpenLineageEmitter.builder(marquezUri())
                .build()
                .toJson(run, OpenLineageEventType.START));

    assertThat(event.at("/job/facets/sourceCodeLocation").isMissingNode()).isTrue();
    assertThat(event.toString()).doesNotContain("urn:tracelake:unknown");
    assertThat(event.at("/run/facets/tracelake_run/codeCommit").asText()).isEqualTo("abc123");
  }

  @Test
  void jobAndDatasetEventsAreAcceptedAndRecorded() throws Exception {
    try (OpenLineageServer server =
        OpenLineageServer.start(
            lineage.openLineageHandler(),
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      HttpResponse<String> job =
          post(
              server,
              """
              {"eventTime": "2026-05-01T11:00:00Z",
               "producer": "https://github.com/apache/airflow",
               "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/JobEvent",
               "job": {"namespace": "airflow", "name": "etl.daily"},
               "inputs": [{"namespace": "postgres://db:5432", "name": "shop.orders"}],
               "outputs": [{"namespace": "tracelake", "name": "default.features"}]}
              """);
      HttpResponse<String> dataset =
          post(
              server,
              """
              {"eventTime": "2026-05-01T11:00:00Z",
               "producer": "https://github.com/apache/airflow",
               "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
               "dataset": {"namespace": "postgres://db:5432", "name": "shop.orders",
                 "facets": {"version": {"_producer": "x", "_schemaURL": "y",
                   "datasetVersion": "v9"}}}}
              """);
      HttpResponse<String> bad =
          post(
              server,
              """
              {"eventTime": "2026-05-01T11:00:00Z", "producer": "p",
               "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
               "dataset": {"namespace": "postgres://db:5432"}}
              """);

      assertThat(job.statusCode()).as(job.body()).isEqualTo(201);
      assertThat(JSON.readTree(job.body()).get("job").asText()).isEqualTo("airflow/etl.daily");
      assertThat(dataset.statusCode()).as(dataset.body()).isEqualTo(201);
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(bad.body()).get("error").asText())
          .isEqualTo("Missing required field 'dataset.name'");
    }
    TableName log = new TableName("tracelake", "openlineage_events");
    List<String> kinds = new ArrayList<>();
    try (ScanBatches batches = lake.table(log).scan().open(allocator)) {
      while (batches.loadNextBatch()) {
        for (int r = 0; r < batches.root().getRowCount(); r++) {
          kinds.add(
              batches.root().getVector("kind").getObject(r)
                  + ":"
                  + batches.root().getVector("dataset_version").getObject(r));
        }
      }
    }
    assertThat(kinds).containsExactlyInAnyOrder("JOB:null", "DATASET:v9");
  }

  @Test
  void aRunsTableOfAnOlderVersionGainsTheNewColumns() {
    Schema old =
        new Schema(
            List.of(
                RunsTable.string("run_id", false),
                RunsTable.string("status", true),
                new Field("source", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));
    LakeTable table = lake.createTable(LineageOptions.DEFAULT_RUNS_TABLE, old);
    try (var batch =
        table
            .batchChecker()
            .fromJson(List.of("{\"run_id\":\"legacy\",\"status\":\"RUNNING\"}"), allocator)) {
      table.append(RunsTable.PROVENANCE, batch);
    }

    lineage.finishRun("legacy", RunStatus.ABORTED, null, "found abandoned");
    lineage.reindex();

    RunInfo legacy = lineage.run("legacy").orElseThrow();
    assertThat(legacy.status()).isEqualTo(RunStatus.ABORTED);
    assertThat(legacy.failureMessage()).isEqualTo("found abandoned");
  }

  private JsonNode await(Predicate<JsonNode> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      synchronized (received) {
        for (JsonNode e : received) {
          if (wanted.test(e)) {
            return e;
          }
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no such event among " + received);
  }

  private HttpResponse<String> post(OpenLineageServer server, String body)
      throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(server.baseUri().resolve(OpenLineageEmitter.PATH))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
