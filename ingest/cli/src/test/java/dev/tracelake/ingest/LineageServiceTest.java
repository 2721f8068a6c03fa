package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.client.Impact;
import dev.tracelake.client.LineageClient;
import dev.tracelake.client.LineageClient.ImpactStart;
import dev.tracelake.client.RunHandle;
import dev.tracelake.client.RunSpec;
import dev.tracelake.client.RunView;
import dev.tracelake.client.Traced;
import dev.tracelake.client.TracelakeClient;
import dev.tracelake.client.TracelakeException;
import dev.tracelake.example.ExampleProducer;
import dev.tracelake.proto.v1.FinishRunRequest;
import dev.tracelake.proto.v1.ImpactRequest;
import dev.tracelake.proto.v1.LineageServiceGrpc;
import dev.tracelake.proto.v1.ListRunsRequest;
import dev.tracelake.proto.v1.Run;
import dev.tracelake.proto.v1.RunState;
import dev.tracelake.proto.v1.StartRunRequest;
import dev.tracelake.proto.v1.TraceRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * LineageService over real gRPC on loopback (issue 16): the run lifecycle with the Java client and
 * the example producer, streamed impact, trace and reindex, and bad requests answered with the
 * right status naming the value at fault.
 */
class LineageServiceTest extends IngestServerTestBase {
  private static ExampleProducer.Result produce(TracelakeClient client, int count) {
    return ExampleProducer.run(
        client, count, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  @Test
  void theExampleProducersRunsStartAndCompleteWithTheirCodeLocation() {
    try (TracelakeClient client = TracelakeClient.using(channel)) {
      produce(client, 3);
      List<RunView> runs = client.lineage().runs(0);

      assertThat(runs).hasSize(2);
      for (RunView run : runs) {
        assertThat(run.state()).as(run.runId()).isEqualTo("COMPLETED");
        assertThat(run.source()).isEqualTo("REGISTERED");
        assertThat(run.codeRepository()).isEqualTo(ExampleProducer.SAMPLE_REPOSITORY);
        assertThat(run.codeCommit()).isNotBlank();
        assertThat(run.endedAt()).isNotNull();
        assertThat(run.outputs()).isNotEmpty();
      }
      RunView scoring =
          runs.stream()
              .filter(r -> "scoring-service".equals(r.jobName()))
              .findFirst()
              .orElseThrow();
      assertThat(scoring.parentRunId()).isNotNull();
      assertThat(scoring.modelName()).isEqualTo("fraud");
      assertThat(scoring.parameters()).containsEntry("threshold.block", "0.8");
      assertThat(client.lineage().run(scoring.runId())).isEqualTo(scoring);
    }
  }

  @Test
  void aRunFailsWithItsMessageAndEndsOnlyOnce() {
    try (TracelakeClient client = TracelakeClient.using(channel)) {
      LineageClient lineage = client.lineage();
      Instant nominal = Instant.parse("2026-05-01T03:00:00Z");
      RunHandle run =
          lineage.startRun(
              RunSpec.builder("nightly-42")
                  .job("ml", "nightly-scoring")
                  .code("https://git.example.com/fraud.git", "abc123")
                  .parent("pipeline-7", "airflow", "nightly")
                  .nominalTime(nominal, nominal.plus(Duration.ofDays(1)))
                  .build());
      assertThat(run.run().state()).isEqualTo("RUNNING");

      RunView failed = run.fail("feature table empty: default.features has no rows since 02:00");

      assertThat(failed.state()).isEqualTo("FAILED");
      assertThat(failed.failureMessage()).contains("feature table empty");
      assertThat(failed.nominalStart()).isEqualTo(nominal);
      assertThat(failed.parentRunId()).isEqualTo("pipeline-7");
      assertThat(run.fail("again").state()).isEqualTo("FAILED"); // a retried finish is harmless
      assertThatThrownBy(run::complete)
          .isInstanceOf(TracelakeException.class)
          .satisfies(
              e ->
                  assertThat(((TracelakeException) e).code())
                      .isEqualTo(Status.Code.FAILED_PRECONDITION))
          .hasMessageContaining("Run nightly-42 ended FAILED");
      run.close(); // ended: closing changes nothing
      assertThat(lineage.run("nightly-42").state()).isEqualTo("FAILED");

      try (RunHandle forgotten = lineage.startRun(RunSpec.builder("forgotten").build())) {
        assertThat(forgotten.run().state()).isEqualTo("RUNNING");
      }
      assertThat(lineage.run("forgotten").state()).isEqualTo("ABORTED");
      assertThatThrownBy(() -> lineage.run("no-such-run"))
          .isInstanceOf(TracelakeException.class)
          .hasMessageContaining("NOT_FOUND")
          .hasMessageContaining("no-such-run");
    }
  }

  @Test
  void impactTraceAndReindexOverGrpc() {
    try (TracelakeClient client = TracelakeClient.using(channel)) {
      int count = LineageGrpcService.IDS_PER_MESSAGE + 300;
      ExampleProducer.Result result = produce(client, count);
      LineageClient lineage = client.lineage();

      Impact model = lineage.impact(ImpactStart.model("fraud:v3"), 0, count, null, null);
      assertThat(model.startCount()).isEqualTo(count);
      assertThat(model.derivedCount()).isZero();
      assertThat(model.tables())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.table()).isEqualTo(ExampleProducer.PREDICTIONS);
                assertThat(t.recordIds()).hasSize(count).containsAll(result.predictionRecordIds());
              });

      String feature = result.featureRecordIds().get(7);
      Impact record =
          lineage.impact(ImpactStart.record(ExampleProducer.FEATURES, feature), 0, 0, null, null);
      assertThat(record.startCount()).isEqualTo(1);
      assertThat(record.tables())
          .filteredOn(t -> !t.start())
          .singleElement()
          .satisfies(
              t -> assertThat(t.recordIds()).containsExactly(result.predictionRecordIds().get(7)));

      Impact unknown = lineage.impact(ImpactStart.model("churn:v1"), 0, 0, null, null);
      assertThat(unknown.startUnknown()).isTrue();
      assertThat(unknown.problems())
          .extracting(Impact.Problem::kind)
          .containsExactly("NOTHING_MATCHED");

      Traced trace =
          lineage.trace(ExampleProducer.PREDICTIONS, result.predictionRecordIds().get(7), 0, null);
      assertThat(trace.records()).hasSize(2);
      assertThat(trace.edges())
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.inputId()).isEqualTo(feature);
                assertThat(e.snapshotId()).isEqualTo(result.featureSnapshotIds().get(7));
              });
      assertThat(trace.problems()).isEmpty();

      long[] rebuilt = lineage.reindex();
      assertThat(rebuilt[1]).isGreaterThanOrEqualTo(2L * count);
      assertThat(rebuilt[2]).isEqualTo(count);
      assertThat(lineage.impact(ImpactStart.model("fraud:v3"), 0, 1, null, null).startCount())
          .isEqualTo(count);
    }
  }

  @Test
  void badRequestsAreRefusedNamingTheValueAndTheServerStaysUp() {
    var stub = LineageServiceGrpc.newBlockingStub(channel);
    assertStatus(
        () -> stub.impact(ImpactRequest.getDefaultInstance()).hasNext(),
        Status.Code.INVALID_ARGUMENT,
        "Impact needs a start");
    assertStatus(
        () -> stub.trace(TraceRequest.newBuilder().setTable("t").build()),
        Status.Code.INVALID_ARGUMENT,
        "Trace needs a table and a record id");
    assertStatus(
        () ->
            stub.startRun(
                StartRunRequest.newBuilder()
                    .setRun(Run.newBuilder().setRunId("x".repeat(5000)))
                    .build()),
        Status.Code.INVALID_ARGUMENT,
        "5000 characters");
    assertStatus(
        () ->
            stub.startRun(
                StartRunRequest.newBuilder()
                    .setRun(Run.newBuilder().setRunId("r\u0000un"))
                    .build()),
        Status.Code.INVALID_ARGUMENT,
        "control character");
    stub.startRun(
        StartRunRequest.newBuilder()
            .setRun(Run.newBuilder().setRunId("läuft-\u202e-実行").setJobName("職務"))
            .build());
    assertStatus(
        () ->
            stub.finishRun(
                FinishRunRequest.newBuilder()
                    .setRunId("r\u0000un")
                    .setState(RunState.RUN_STATE_RUNNING)
                    .build()),
        Status.Code.INVALID_ARGUMENT,
        "RUN_STATE_RUNNING");
    assertStatus(
        () ->
            stub.finishRun(
                FinishRunRequest.newBuilder()
                    .setRunId("never-started")
                    .setState(RunState.RUN_STATE_COMPLETED)
                    .build()),
        Status.Code.NOT_FOUND,
        "never-started");
    assertStatus(
        () -> stub.listRuns(ListRunsRequest.newBuilder().setLimit(-1).build()),
        Status.Code.INVALID_ARGUMENT,
        "-1");
    assertStatus(
        () ->
            stub.impact(
                    ImpactRequest.newBuilder()
                        .setModel("fraud:v3")
                        .setRef("no-such-branch")
                        .build())
                .hasNext(),
        Status.Code.NOT_FOUND,
        "no-such-branch");
    // still serving
    assertThat(stub.listRuns(ListRunsRequest.getDefaultInstance()).getRunsList())
        .extracting(Run::getRunId)
        .containsExactly("läuft-\u202e-実行");
  }

  private static void assertStatus(Runnable call, Status.Code code, String message) {
    if (code == null) {
      call.run();
      return;
    }
    assertThatThrownBy(call::run)
        .isInstanceOf(StatusRuntimeException.class)
        .satisfies(
            e -> {
              Status status = ((StatusRuntimeException) e).getStatus();
              assertThat(status.getCode()).isEqualTo(code);
              assertThat(status.getDescription()).contains(message);
              assertThat(status.getDescription().length()).isLessThan(1200);
            });
  }
}
