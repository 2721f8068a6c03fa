package dev.tracelake.access;

import static dev.tracelake.access.AuthServerFixture.FEATURES;
import static dev.tracelake.access.AuthServerFixture.PREDICTIONS;
import static dev.tracelake.access.AuthServerFixture.SALARIES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tracelake.proto.v1.CreateReplayRequest;
import dev.tracelake.proto.v1.CreateReplayResponse;
import dev.tracelake.proto.v1.GetReplayRequest;
import dev.tracelake.proto.v1.ListReplaysRequest;
import dev.tracelake.proto.v1.PublishReplayRequest;
import dev.tracelake.proto.v1.ReplayCandidate;
import dev.tracelake.proto.v1.ReplayServiceGrpc;
import dev.tracelake.proto.v1.ReplaySlice;
import dev.tracelake.proto.v1.StreamReplayRequest;
import dev.tracelake.proto.v1.StreamReplayResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ReplayService checks each table a replay touches: fraud.predictions cites fraud.features and
 * secret.salaries, so replaying it needs read on both inputs as well as read and write on the
 * output; a replay of a table one may not see is indistinguishable from an unknown one.
 */
class ReplayAccessTest {
  @TempDir Path warehouse;
  AuthServerFixture fx;

  @BeforeEach
  void start() {
    fx = new AuthServerFixture(warehouse);
    // may replay fraud (read and write) but not read the salaries a prediction cites
    fx.store.grant("fraud-replayer", Privilege.READ, Scope.parse("fraud"));
    fx.store.grant("fraud-replayer", Privilege.WRITE, Scope.parse("fraud"));
    fx.store.assign("fraud-replayer", "replayer");
    fx.tokens.put("replayer", fx.store.issue("replayer", PrincipalKind.SERVICE, null, "").secret());
    // the same, plus read on the salaries
    fx.store.grant("salary-reader", Privilege.READ, Scope.parse(SALARIES.toString()));
    fx.store.assign("fraud-replayer", "full-replayer");
    fx.store.assign("salary-reader", "full-replayer");
    fx.tokens.put(
        "full-replayer", fx.store.issue("full-replayer", PrincipalKind.SERVICE, null, "").secret());
    // reads fraud, writes only the salaries
    fx.store.grant("salary-writer", Privilege.WRITE, Scope.parse(SALARIES.toString()));
    fx.store.assign("fraud-reader", "read-write-elsewhere");
    fx.store.assign("salary-writer", "read-write-elsewhere");
    fx.tokens.put(
        "read-write-elsewhere",
        fx.store.issue("read-write-elsewhere", PrincipalKind.SERVICE, null, "").secret());
    // holds nothing on fraud
    fx.store.assign("salary-writer", "outsider");
    fx.tokens.put("outsider", fx.store.issue("outsider", PrincipalKind.PERSON, null, "").secret());
  }

  @AfterEach
  void stop() throws InterruptedException {
    fx.close();
  }

  ReplayServiceGrpc.ReplayServiceBlockingStub as(String principal) {
    return fx.with(
        ReplayServiceGrpc.newBlockingStub(fx.channel), "Bearer " + fx.tokens.get(principal));
  }

  static CreateReplayRequest create(String id) {
    return CreateReplayRequest.newBuilder()
        .setReplayId(id)
        .setSlice(ReplaySlice.newBuilder().setTable(PREDICTIONS.toString()))
        .setCandidate(ReplayCandidate.newBuilder().setModelName("fraud").setModelVersion("v4"))
        .build();
  }

  static Status failure(Runnable call) {
    return catchThrowableOfType(StatusRuntimeException.class, call::run).getStatus();
  }

  @Test
  void creatingNeedsReadOnEveryInputAndChangesNothingWhenRefused() {
    String before = fx.fingerprint();
    Status denied = failure(() -> as("replayer").createReplay(create("r1")));
    assertThat(denied.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(denied.getDescription())
        .contains("'replayer'", "'read'", SALARIES.toString())
        .doesNotContain("987654"); // no value of the salary row
    assertThat(fx.fingerprint()).as("no branch, no registry row").isEqualTo(before);
    assertThat(as("admin").listReplays(ListReplaysRequest.getDefaultInstance()).getReplaysList())
        .isEmpty();

    // read alone on the output is not enough: a replay makes a branch of it (the reader holds
    // write nowhere, so the interceptor's coarse check refuses it before the service)
    Status reader = failure(() -> as("reader").createReplay(create("r1")));
    assertThat(reader.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(reader.getDescription()).contains("'reader'", "'write'");
    // read on fraud and write elsewhere: the service names the table
    Status elsewhere = failure(() -> as("read-write-elsewhere").createReplay(create("r1")));
    assertThat(elsewhere.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(elsewhere.getDescription()).contains("'write'", PREDICTIONS.toString());
    assertThat(fx.fingerprint()).isEqualTo(before);

    CreateReplayResponse created = as("full-replayer").createReplay(create("r1"));
    assertThat(created.getCreated()).isTrue();
    assertThat(created.getReplay().getInputTablesList())
        .containsExactlyInAnyOrder(FEATURES.toString(), SALARIES.toString());
    // a retried create is checked again: the one without the salaries is still refused
    assertThat(failure(() -> as("replayer").createReplay(create("r1"))).getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void streamingNeedsReadOnTheInputsAndOthersSeeNoSuchReplay() {
    as("full-replayer").createReplay(create("r2"));
    List<StreamReplayResponse> stream = new ArrayList<>();
    Iterator<StreamReplayResponse> it =
        as("full-replayer")
            .streamReplay(StreamReplayRequest.newBuilder().setReplayId("r2").build());
    it.forEachRemaining(stream::add);
    assertThat(stream.get(0).hasHeader()).isTrue();
    assertThat(stream.get(stream.size() - 1).hasSummary()).isTrue();

    // sees the replay (it may read fraud) but may not stream the salaries it cites
    Status partial =
        failure(
            () ->
                as("replayer")
                    .streamReplay(StreamReplayRequest.newBuilder().setReplayId("r2").build())
                    .forEachRemaining(r -> {}));
    assertThat(partial.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(partial.getDescription()).contains("'read'", SALARIES.toString());

    // one who holds nothing on fraud: the replay answers as an unknown id does, word for word
    Status hidden =
        failure(
            () ->
                as("outsider").getReplay(GetReplayRequest.newBuilder().setReplayId("r2").build()));
    Status unknown =
        failure(
            () ->
                as("outsider").getReplay(GetReplayRequest.newBuilder().setReplayId("zz").build()));
    assertThat(hidden.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(hidden.getDescription()).isEqualTo(unknown.getDescription().replace("zz", "r2"));
    assertThat(hidden.getDescription()).doesNotContain("replays: [r2");
    assertThat(as("outsider").listReplays(ListReplaysRequest.getDefaultInstance()).getReplaysList())
        .isEmpty();
    assertThat(
            failure(
                    () ->
                        as("outsider")
                            .publishReplay(
                                PublishReplayRequest.newBuilder().setReplayId("r2").build()))
                .getCode())
        .isEqualTo(Status.Code.NOT_FOUND);
    // the reader sees it listed
    assertThat(as("reader").listReplays(ListReplaysRequest.getDefaultInstance()).getReplaysList())
        .extracting(r -> r.getReplayId())
        .containsExactly("r2");
    // publishing moves main: write on the output table, which this principal lacks
    Status publish =
        failure(
            () ->
                as("read-write-elsewhere")
                    .publishReplay(PublishReplayRequest.newBuilder().setReplayId("r2").build()));
    assertThat(publish.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(publish.getDescription()).contains("'write'", PREDICTIONS.toString());
  }
}
