package dev.tracelake.access;

import static dev.tracelake.access.AuthServerFixture.FEATURES;
import static dev.tracelake.access.AuthServerFixture.JSON;
import static dev.tracelake.access.AuthServerFixture.PREDICTIONS;
import static dev.tracelake.access.AuthServerFixture.SALARIES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.Provenance;
import dev.tracelake.proto.v1.ExplainRequest;
import dev.tracelake.proto.v1.FinishRunRequest;
import dev.tracelake.proto.v1.GetRunRequest;
import dev.tracelake.proto.v1.ImpactRequest;
import dev.tracelake.proto.v1.ImpactResponse;
import dev.tracelake.proto.v1.LineageServiceGrpc;
import dev.tracelake.proto.v1.LineageServiceGrpc.LineageServiceBlockingStub;
import dev.tracelake.proto.v1.ListRunsRequest;
import dev.tracelake.proto.v1.Run;
import dev.tracelake.proto.v1.RunState;
import dev.tracelake.proto.v1.StartRunRequest;
import dev.tracelake.proto.v1.TraceNode;
import dev.tracelake.proto.v1.TraceRequest;
import dev.tracelake.proto.v1.TraceResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs tell nothing of tables the caller holds nothing on: over gRPC (lineage privilege) and on the
 * console (any privilege), a run's datasets name only tables the caller may see, a run of hidden
 * tables alone answers as an unknown run, and impact counts only what it shows.
 */
class RunVisibilityAccessTest {
  private static final String LAKE_NS = "tracelake";

  @TempDir Path warehouse;
  AuthServerFixture fx;
  HttpDoors doors;
  String salaryRecord;

  @BeforeEach
  void start() {
    fx = new AuthServerFixture(warehouse);
    // payroll-7 writes only the hidden table; features-7 a visible one; scoring-7 reads both
    LakeTable salaries = fx.lake.table(SALARIES);
    salaryRecord =
        fx.append(salaries, prov("payroll-7"), "{\"entity\": \"cfo\", \"amount\": 5}", null);
    String feature =
        fx.append(
            fx.lake.table(FEATURES),
            prov("features-7"),
            "{\"entity\": \"a\", \"amount\": 1}",
            null);
    fx.append(
        fx.lake.table(PREDICTIONS),
        prov("scoring-7"),
        "{\"entity\": \"a\", \"amount\": 0}",
        List.of(FEATURES + ":" + feature, SALARIES + ":" + salaryRecord));
    // a run that names no table yet
    lineage("admin")
        .startRun(
            StartRunRequest.newBuilder()
                .setRun(Run.newBuilder().setRunId("manual-1").setJobName("notebook"))
                .build());
    doors = HttpDoors.start(fx);
  }

  @AfterEach
  void stop() throws InterruptedException {
    doors.close();
    fx.close();
  }

  private static Provenance prov(String run) {
    return Provenance.builder().producer("runs-test").runId(run).build();
  }

  LineageServiceBlockingStub lineage(String principal) {
    return fx.with(
        LineageServiceGrpc.newBlockingStub(fx.channel), "Bearer " + fx.tokens.get(principal));
  }

  private Map<String, Run> listRuns(String principal) {
    Map<String, Run> runs = new TreeMap<>();
    lineage(principal)
        .listRuns(ListRunsRequest.getDefaultInstance())
        .getRunsList()
        .forEach(r -> runs.put(r.getRunId(), r));
    return runs;
  }

  @Test
  void listAndGetRunShowOnlyTablesTheCallerHoldsLineageOn() {
    Map<String, Run> admin = listRuns("admin");
    Map<String, Run> reader = listRuns("reader");

    assertThat(admin).containsKeys("payroll-7", "features-7", "scoring-7", "manual-1");
    assertThat(tables(admin.get("scoring-7").getInputsList()))
        .containsExactlyInAnyOrder(FEATURES.toString(), SALARIES.toString());
    // the reader holds lineage on fraud only
    assertThat(reader).containsOnlyKeys("features-7", "scoring-7", "manual-1");
    assertThat(tables(reader.get("scoring-7").getInputsList()))
        .containsExactly(FEATURES.toString());
    assertThat(tables(reader.get("scoring-7").getOutputsList()))
        .containsExactly(PREDICTIONS.toString());
    assertThat(reader.values().toString()).doesNotContain(SALARIES.toString());

    // a run of hidden tables answers word for word as a run that does not exist
    Status hidden = getRunFailure("reader", "payroll-7");
    Status missing = getRunFailure("reader", "payroll-8");
    assertThat(hidden.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(hidden.getDescription())
        .isEqualTo(missing.getDescription().replace("payroll-8", "payroll-7"));
    assertThat(
            lineage("reader")
                .getRun(GetRunRequest.newBuilder().setRunId("scoring-7").build())
                .getRun()
                .toString())
        .doesNotContain(SALARIES.toString());
    assertThat(
            lineage("admin")
                .getRun(GetRunRequest.newBuilder().setRunId("payroll-7").build())
                .getRun()
                .getOutputsList())
        .singleElement()
        .satisfies(d -> assertThat(d).startsWith(LAKE_NS + ":" + SALARIES + "@"));
  }

  @Test
  void aWriterMayNotEndOrReuseARunOfTablesItMayNotSee() {
    Status hidden = finishFailure("writer", "payroll-7");
    Status missing = finishFailure("writer", "payroll-8");
    assertThat(hidden.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(hidden.getDescription())
        .isEqualTo(missing.getDescription().replace("payroll-8", "payroll-7"));
    StatusRuntimeException reuse =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                lineage("writer")
                    .startRun(
                        StartRunRequest.newBuilder()
                            .setRun(Run.newBuilder().setRunId("payroll-7").setJobName("mine"))
                            .build()));
    assertThat(reuse.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(reuse.getStatus().getDescription())
        .isEqualTo("Run id payroll-7 is taken; start the run under a new id")
        .doesNotContain(SALARIES.toString());
    // nothing changed
    Run payroll =
        lineage("admin").getRun(GetRunRequest.newBuilder().setRunId("payroll-7").build()).getRun();
    assertThat(payroll.getState()).isNotEqualTo(RunState.RUN_STATE_FAILED);
    assertThat(payroll.getJobName()).isNotEqualTo("mine");

    // a run writing a table it may write: ended, and shown without the hidden input
    Run ended =
        lineage("writer")
            .finishRun(
                FinishRunRequest.newBuilder()
                    .setRunId("scoring-7")
                    .setState(RunState.RUN_STATE_COMPLETED)
                    .build())
            .getRun();
    assertThat(ended.getState()).isEqualTo(RunState.RUN_STATE_COMPLETED);
    assertThat(ended.toString()).doesNotContain(SALARIES.toString());
  }

  private Status finishFailure(String principal, String run) {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                lineage(principal)
                    .finishRun(
                        FinishRunRequest.newBuilder()
                            .setRunId(run)
                            .setState(RunState.RUN_STATE_FAILED)
                            .setMessage("ended by someone else")
                            .build()));
    assertThat(e).as("FinishRun %s as %s was refused", run, principal).isNotNull();
    return e.getStatus();
  }

  @Test
  void openLineageEventsNameOnlyTablesTheSenderMayTouch() throws Exception {
    // a run of the hidden table with an OpenLineage run id (a UUID)
    String payroll = "0190a6f2-6c1b-7d7e-9a61-5d4f3c2b1a07";
    fx.append(fx.lake.table(SALARIES), prov(payroll), "{\"entity\": \"cto\", \"amount\": 6}", null);
    String before = fx.fingerprint() + listRuns("admin");
    String writer = fx.tokens.get("writer"); // write on fraud only

    HttpResponse<String> hiddenOutput =
        doors.openLineagePost(event(NEW_RUN, "[]", "[" + lake(SALARIES.toString()) + "]"), writer);
    HttpResponse<String> missingOutput =
        doors.openLineagePost(event(NEW_RUN, "[]", "[" + lake("secret.nothing") + "]"), writer);
    HttpResponse<String> hiddenInput =
        doors.openLineagePost(
            event(
                NEW_RUN,
                "[" + lake(SALARIES.toString()) + "]",
                "[" + lake(PREDICTIONS.toString()) + "]"),
            writer);
    HttpResponse<String> hiddenDataset =
        doors.openLineagePost(
            """
            {"eventTime": "2026-12-01T11:00:00Z", "dataset": %s,
             "producer": "https://example.com/p",
             "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent"}
            """
                .formatted(lake(SALARIES.toString())),
            writer);
    HttpResponse<String> hiddenRun =
        doors.openLineagePost(
            event(payroll, "[]", "[" + lake(PREDICTIONS.toString()) + "]"), writer);

    assertThat(hiddenOutput.statusCode()).isEqualTo(403);
    assertThat(hiddenOutput.body()).contains("table secret.salaries as an output needs 'write'");
    // the same answer whether the table exists or not
    assertThat(missingOutput.statusCode()).isEqualTo(403);
    assertThat(missingOutput.body())
        .isEqualTo(hiddenOutput.body().replace(SALARIES.toString(), "secret.nothing"));
    assertThat(hiddenInput.statusCode()).isEqualTo(403);
    assertThat(hiddenInput.body()).contains("table secret.salaries as an input");
    assertThat(hiddenDataset.statusCode()).isEqualTo(403);
    assertThat(hiddenRun.statusCode()).isEqualTo(409);
    assertThat(hiddenRun.body()).contains("is taken").doesNotContain(SALARIES.toString());
    // nothing registered, nothing changed
    assertThat(fx.fingerprint() + listRuns("admin")).isEqualTo(before);

    // what it may write: accepted
    HttpResponse<String> own =
        doors.openLineagePost(
            event(
                NEW_RUN,
                "[{\"namespace\": \"s3://bucket\", \"name\": \"raw\"}, "
                    + lake(FEATURES.toString())
                    + "]",
                "[" + lake(PREDICTIONS.toString()) + "]"),
            writer);
    assertThat(own.statusCode()).as(own.body()).isEqualTo(201);
    assertThat(listRuns("admin")).containsKey(NEW_RUN);
    // the server's own token may name any table
    assertThat(
            doors
                .openLineagePost(
                    event(
                        "0190a6f2-6c1b-7d7e-9a61-5d4f3c2b1a09",
                        "[]",
                        "[" + lake(SALARIES.toString()) + "]"),
                    fx.tokens.get("admin"))
                .statusCode())
        .isEqualTo(201);
  }

  private static final String NEW_RUN = "0190a6f2-6c1b-7d7e-9a61-5d4f3c2b1a08";

  private static String lake(String table) {
    return "{\"namespace\": \"" + LAKE_NS + "\", \"name\": \"" + table + "\"}";
  }

  private static String event(String run, String inputs, String outputs) {
    return """
        {"eventType": "COMPLETE", "eventTime": "2026-12-01T11:00:00Z",
         "run": {"runId": "%s"}, "job": {"namespace": "airflow", "name": "etl.daily"},
         "inputs": %s, "outputs": %s,
         "producer": "https://github.com/apache/airflow",
         "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"}
        """
        .formatted(run, inputs, outputs);
  }

  /** The lake tables of datasets written "tracelake:namespace.name[@version]". */
  private static List<String> tables(List<String> datasets) {
    List<String> tables = new ArrayList<>();
    for (String d : datasets) {
      assertThat(d).startsWith(LAKE_NS + ":");
      int at = d.indexOf('@');
      tables.add(d.substring(LAKE_NS.length() + 1, at < 0 ? d.length() : at));
    }
    return tables;
  }

  private Status getRunFailure(String principal, String run) {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> lineage(principal).getRun(GetRunRequest.newBuilder().setRunId(run).build()));
    assertThat(e).as("GetRun %s as %s was refused", run, principal).isNotNull();
    return e.getStatus();
  }

  @Test
  void explainNamesTheRunsOfHiddenTablesNotAndImpactCountsOnlyWhatItShows() throws Exception {
    String prediction = predictionRecord();
    JsonNode asReader = explain("reader", prediction);
    JsonNode asAdmin = explain("admin", prediction);

    assertThat(names(asAdmin.get("runs"))).contains("payroll-7", "scoring-7");
    assertThat(names(asReader.get("runs"))).contains("scoring-7").doesNotContain("payroll-7");
    assertThat(datasetNames(asReader.get("runs").get("scoring-7").get("inputs")))
        .containsExactly(FEATURES.toString());
    assertThat(datasetNames(asAdmin.get("runs").get("scoring-7").get("inputs")))
        .containsExactlyInAnyOrder(FEATURES.toString(), SALARIES.toString());
    // the hidden input is there with its table and id, withheld, and who wrote it is not said
    JsonNode hiddenInput = inputIn(asReader, SALARIES.toString());
    assertThat(hiddenInput.get("recordId").asText()).isEqualTo(salaryRecord);
    assertThat(hiddenInput.get("state").asText()).isEqualTo("WITHHELD");
    assertThat(hiddenInput.toString()).doesNotContain("payroll-7");
    assertThat(inputIn(asAdmin, SALARIES.toString()).toString()).contains("payroll-7");
    assertThat(asReader.toString()).doesNotContain("payroll-7");

    // trace: the same records, and who wrote the hidden one is not said
    TraceResponse readerTrace = trace("reader", prediction);
    TraceResponse adminTrace = trace("admin", prediction);
    assertThat(nodeIn(readerTrace, SALARIES.toString()).hasProvenance()).isFalse();
    assertThat(nodeIn(readerTrace, FEATURES.toString()).getProvenance().getRunId())
        .isEqualTo("features-7");
    assertThat(nodeIn(adminTrace, SALARIES.toString()).getProvenance().getRunId())
        .isEqualTo("payroll-7");
    assertThat(readerTrace.getNodesCount()).isEqualTo(adminTrace.getNodesCount());

    // the payroll run's records are hidden from the reader; what derives from them is not
    long[] reader = impactCounts("reader", "payroll-7");
    long[] admin = impactCounts("admin", "payroll-7");
    assertThat(admin).containsExactly(1, 1);
    assertThat(reader).containsExactly(0, 1);
  }

  private String predictionRecord() {
    List<String> rows =
        fx.sql("admin", "SELECT _record_id FROM " + PREDICTIONS + " WHERE _run_id = 'scoring-7'");
    assertThat(rows).hasSize(1);
    return rows.get(0).replaceAll("[\\[\\]\"]", "").strip();
  }

  private TraceResponse trace(String principal, String record) {
    return lineage(principal)
        .trace(
            TraceRequest.newBuilder().setTable(PREDICTIONS.toString()).setRecordId(record).build());
  }

  private static TraceNode nodeIn(TraceResponse trace, String table) {
    return trace.getNodesList().stream()
        .filter(n -> n.getRecord().getTable().equals(table))
        .findFirst()
        .orElseThrow(() -> new AssertionError("No node in " + table + ": " + trace));
  }

  private JsonNode explain(String principal, String record) throws Exception {
    return JSON.readTree(
        lineage(principal)
            .explain(
                ExplainRequest.newBuilder()
                    .setTable(PREDICTIONS.toString())
                    .setRecordId(record)
                    .setFormat("json")
                    .build())
            .getRendered());
  }

  private long[] impactCounts(String principal, String run) {
    Iterator<ImpactResponse> it =
        lineage(principal).impact(ImpactRequest.newBuilder().setRunId(run).build());
    long[] counts = {-1, -1};
    List<String> tables = new ArrayList<>();
    it.forEachRemaining(
        r -> {
          if (r.hasSummary()) {
            counts[0] = r.getSummary().getStartCount();
            counts[1] = r.getSummary().getDerivedCount();
          } else if (r.hasRecords()) {
            tables.add(r.getRecords().getTable());
          }
        });
    if (!principal.equals("admin")) {
      assertThat(tables).doesNotContain(SALARIES.toString());
    }
    return counts;
  }

  @Test
  void theConsoleShowsRunsAsTheGrantsAllow() throws Exception {
    String reader = fx.tokens.get("reader");
    JsonNode runs = console("/api/v1/runs", reader);
    List<String> ids = new ArrayList<>();
    runs.get("runs").forEach(r -> ids.add(r.get("runId").asText()));
    assertThat(ids).containsExactlyInAnyOrder("features-7", "scoring-7", "manual-1");
    assertThat(runs.get("total").asInt()).isEqualTo(3);

    HttpResponse<String> hidden = doors.consoleGet("/api/v1/run?id=payroll-7", reader);
    HttpResponse<String> missing = doors.consoleGet("/api/v1/run?id=payroll-8", reader);
    assertThat(hidden.statusCode()).isEqualTo(404).isEqualTo(missing.statusCode());
    assertThat(hidden.body()).isEqualTo(missing.body().replace("payroll-8", "payroll-7"));
    assertThat(doors.consoleGet("/api/v1/run?id=payroll-7", fx.tokens.get("admin")).statusCode())
        .isEqualTo(200);

    HttpResponse<String> scoring = doors.consoleGet("/api/v1/run?id=scoring-7", reader);
    assertThat(scoring.statusCode()).isEqualTo(200);
    assertThat(scoring.body()).doesNotContain(SALARIES.toString());
    JsonNode run = JSON.readTree(scoring.body());
    assertThat(datasetNames(run.get("inputs"))).containsExactly(FEATURES.toString());
    assertThat(run.get("tablesWritten").toString()).contains(PREDICTIONS.toString());

    JsonNode impact = console("/api/v1/impact?run=payroll-7", reader);
    assertThat(impact.get("seeds")).isEmpty();
    assertThat(impact.get("seedCount").asLong()).isZero();
    assertThat(impact.get("derivedCount").asLong()).isEqualTo(1);
    assertThat(impact.toString()).doesNotContain(SALARIES.toString());
    JsonNode adminImpact = console("/api/v1/impact?run=payroll-7", fx.tokens.get("admin"));
    assertThat(adminImpact.get("seedCount").asLong()).isEqualTo(1);

    JsonNode explained =
        console("/api/v1/explain?table=" + PREDICTIONS + "&id=" + predictionRecord(), reader);
    assertThat(explained.toString()).doesNotContain("payroll-7");
    // nor does the evidence bundle the reader exports, in either format
    for (String format : List.of("json", "html")) {
      HttpResponse<String> bundle =
          doors.consoleGet(
              "/api/v1/bundle?table="
                  + PREDICTIONS
                  + "&id="
                  + predictionRecord()
                  + "&format="
                  + format,
              reader);
      assertThat(bundle.statusCode()).as(format).isEqualTo(200);
      assertThat(bundle.body()).as(format).contains("scoring-7").doesNotContain("payroll-7");
    }
  }

  private JsonNode console(String pathAndQuery, String token) throws Exception {
    HttpResponse<String> response = doors.consoleGet(pathAndQuery, token);
    assertThat(response.statusCode()).as(pathAndQuery).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /** The explained record's direct input in {@code table}. */
  private static JsonNode inputIn(JsonNode explanation, String table) {
    for (JsonNode input : explanation.get("record").get("inputs")) {
      if (input.get("table").asText().equals(table)) {
        return input;
      }
    }
    throw new AssertionError("No input in " + table + ": " + explanation);
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> datasetNames(JsonNode datasets) {
    List<String> names = new ArrayList<>();
    datasets.forEach(d -> names.add(d.get("name").asText()));
    return names;
  }
}
