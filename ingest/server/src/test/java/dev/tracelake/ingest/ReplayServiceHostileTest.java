package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.RefInfo;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.proto.v1.CompareReplayRequest;
import dev.tracelake.proto.v1.CreateReplayRequest;
import dev.tracelake.proto.v1.DropReplayRequest;
import dev.tracelake.proto.v1.GetReplayRequest;
import dev.tracelake.proto.v1.ListReplaysRequest;
import dev.tracelake.proto.v1.ListTablesRequest;
import dev.tracelake.proto.v1.PublishReplayRequest;
import dev.tracelake.proto.v1.Replay;
import dev.tracelake.proto.v1.ReplayServiceGrpc;
import dev.tracelake.proto.v1.StreamReplayRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile input to every ReplayService field: huge, empty, control characters, another script, out
 * of range, unknown tables, refs, snapshots, branches and replay ids. Each gets the right status
 * with a bounded message naming the value, the server stays up, and nothing changes: no replay is
 * recorded, no branch made, no main moved.
 */
class ReplayServiceHostileTest extends ReplayServerTestBase {
  static final String HUGE = "x".repeat(1 << 20);

  record Case(
      String name,
      Consumer<ReplayServiceGrpc.ReplayServiceBlockingStub> call,
      Status.Code code,
      String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case create(
      String name,
      UnaryOperator<CreateReplayRequest.Builder> change,
      Status.Code code,
      String message) {
    return new Case(
        "CreateReplay: " + name,
        s -> s.createReplay(change.apply(createRequest("new")).build()),
        code,
        message);
  }

  static Case slice(
      String name,
      UnaryOperator<dev.tracelake.proto.v1.ReplaySlice.Builder> change,
      Status.Code code,
      String message) {
    return create(
        "slice " + name, b -> b.setSlice(change.apply(b.getSlice().toBuilder())), code, message);
  }

  static Case candidate(
      String name,
      UnaryOperator<dev.tracelake.proto.v1.ReplayCandidate.Builder> change,
      Status.Code code,
      String message) {
    return create(
        "candidate " + name,
        b -> b.setCandidate(change.apply(b.getCandidate().toBuilder())),
        code,
        message);
  }

  static Case compare(
      String name,
      UnaryOperator<CompareReplayRequest.Builder> change,
      Status.Code code,
      String message) {
    return new Case(
        "CompareReplay: " + name,
        s ->
            s.compareReplay(
                change.apply(CompareReplayRequest.newBuilder().setReplayId("ok")).build()),
        code,
        message);
  }

  static Case stream(
      String name,
      UnaryOperator<StreamReplayRequest.Builder> change,
      Status.Code code,
      String message) {
    return new Case(
        "StreamReplay: " + name,
        s ->
            s.streamReplay(change.apply(StreamReplayRequest.newBuilder().setReplayId("ok")).build())
                .hasNext(),
        code,
        message);
  }

  static Stream<Case> cases() {
    Status.Code invalid = Status.Code.INVALID_ARGUMENT;
    Status.Code notFound = Status.Code.NOT_FOUND;
    Status.Code precondition = Status.Code.FAILED_PRECONDITION;
    return Stream.of(
        create("huge id", b -> b.setReplayId(HUGE), invalid, "1048576 characters"),
        create("empty id", b -> b.setReplayId(""), invalid, "A replay needs an id"),
        create(
            "control characters in the id",
            b -> b.setReplayId("r\u0000\n\u001b"),
            invalid,
            "Invalid replay id 'r\\u0000\\u000a\\u001b'"),
        create(
            "an id in another script",
            b -> b.setReplayId("リプレイ"),
            invalid,
            "Invalid replay id 'リプレイ'"),
        create(
            "an id taken by another definition",
            b -> b.setReplayId("ok").setBatchCases(6),
            Status.Code.ALREADY_EXISTS,
            "Replay ok exists with another definition"),
        slice("without a table", s -> s.setTable(""), invalid, "CreateReplay needs slice.table"),
        slice("huge table", s -> s.setTable(HUGE), invalid, "slice.table"),
        slice(
            "table with control characters",
            s -> s.setTable("fraud.pre\u0000d"),
            invalid,
            "Invalid table name"),
        slice(
            "table in another script",
            s -> s.setTable("fraud.предсказания"),
            invalid,
            "Invalid table name"),
        slice(
            "unknown table",
            s -> s.setTable("fraud.nope"),
            notFound,
            "Table fraud.nope does not exist"),
        slice("huge ref", s -> s.setRef(HUGE), invalid, "slice.ref"),
        slice(
            "ref with control characters",
            s -> s.setRef("ta\u0000g"),
            invalid,
            "Slice ref 'ta\\u0000g' holds a control character"),
        slice("unknown ref", s -> s.setRef("nope"), notFound, "no branch or tag 'nope'"),
        slice("unknown snapshot", s -> s.setToSnapshotId(42), notFound, "has no snapshot 42"),
        slice(
            "negative start snapshot",
            s -> s.setAfterSnapshotId(-1),
            notFound,
            "has no snapshot -1"),
        slice(
            "a ref and a snapshot",
            s -> s.setRef("main").setToSnapshotId(42),
            invalid,
            "reads a ref ('main') or a snapshot (42), not both"),
        slice(
            "an inverted time range",
            s -> s.setFromEpochMillis(2_000).setToEpochMillis(1_000),
            invalid,
            "empty time range"),
        slice(
            "a time beyond any timestamp",
            s -> s.setFromEpochMillis(Long.MAX_VALUE),
            invalid,
            "out of range"),
        slice(
            "a time range holding nothing",
            s -> s.setFromEpochMillis(0).setToEpochMillis(1),
            precondition,
            "selects 0 outputs"),
        slice("huge model name", s -> s.setModelName(HUGE), invalid, "slice.model_name"),
        slice(
            "model version with control characters",
            s -> s.setModelVersion("v3\r\n"),
            invalid,
            "Slice model version 'v3\\u000d\\u000a' holds a control character"),
        slice(
            "a run nobody ran",
            s -> s.setRunId("nobody"),
            precondition,
            "selects 0 outputs and none cites an input"),
        candidate("huge code commit", c -> c.setCodeCommit(HUGE), invalid, "candidate.code_commit"),
        candidate(
            "run id with control characters",
            c -> c.setRunId("run\u001b[31m"),
            invalid,
            "Candidate run id 'run\\u001b[31m' holds a control character"),
        candidate(
            "long producer", c -> c.setProducer("p".repeat(1025)), invalid, "1025 characters long"),
        create("branch main", b -> b.setBranch("main"), invalid, "cannot write to main"),
        create("branch of digits", b -> b.setBranch("123"), invalid, "invalid branch name '123'"),
        create("huge branch", b -> b.setBranch(HUGE), invalid, "branch"),
        create(
            "branch with control characters",
            b -> b.setBranch("replay/\u0000"),
            invalid,
            "control character"),
        create(
            "branch taken",
            b -> b.setBranch("replay/ok"),
            Status.Code.ALREADY_EXISTS,
            "already has a ref 'replay/ok'"),
        create(
            "negative batch",
            b -> b.setBatchCases(-1),
            invalid,
            "cases per batch must be 1 to 100000, got -1"),
        create("huge batch", b -> b.setBatchCases(1_000_000), invalid, "got 1000000"),
        new Case(
            "GetReplay: unknown",
            s -> s.getReplay(GetReplayRequest.newBuilder().setReplayId("nope").build()),
            notFound,
            "No replay has the id 'nope'; replays: [ok]"),
        new Case(
            "GetReplay: huge",
            s -> s.getReplay(GetReplayRequest.newBuilder().setReplayId(HUGE).build()),
            invalid,
            "1048576 characters"),
        new Case(
            "GetReplay: empty",
            s -> s.getReplay(GetReplayRequest.getDefaultInstance()),
            invalid,
            "A replay needs an id"),
        new Case(
            "GetReplay: control characters",
            s -> s.getReplay(GetReplayRequest.newBuilder().setReplayId("\u0007").build()),
            invalid,
            "Invalid replay id '\\u0007'"),
        new Case(
            "ListReplays: huge table",
            s -> s.listReplays(ListReplaysRequest.newBuilder().setTable(HUGE).build()),
            invalid,
            "1048576 characters"),
        new Case(
            "ListReplays: malformed table",
            s -> s.listReplays(ListReplaysRequest.newBuilder().setTable("a.b.c").build()),
            invalid,
            "one dot at most"),
        stream(
            "unknown replay", b -> b.setReplayId("nope"), notFound, "No replay has the id 'nope'"),
        stream("huge replay id", b -> b.setReplayId(HUGE), invalid, "1048576 characters"),
        stream(
            "a batch past the end",
            b -> b.setFromBatch(99),
            invalid,
            "Replay ok has batches 0 to 2; cannot stream from batch 99"),
        stream("a negative batch", b -> b.setFromBatch(-1), invalid, "cannot stream from batch -1"),
        stream("a negative count", b -> b.setMaxBatches(-1), invalid, "at most -1 batches"),
        compare(
            "unknown replay", b -> b.setReplayId("nope"), notFound, "No replay has the id 'nope'"),
        compare("huge group", b -> b.setGroupBy(HUGE), invalid, "group_by"),
        compare(
            "group with control characters",
            b -> b.setGroupBy("day\u0000"),
            invalid,
            "Group-by 'day\\u0000' holds a control character"),
        compare(
            "unknown group",
            b -> b.setGroupBy("nope"),
            invalid,
            "Cannot group by 'nope': use model_version, run, day or a column"),
        compare(
            "unknown column",
            b -> b.addColumns("nope"),
            notFound,
            "Table fraud.predictions has no column 'nope' to compare"),
        compare(
            "a metadata column",
            b -> b.addColumns("_lineage"),
            notFound,
            "has no column '_lineage' to compare"),
        compare("huge column", b -> b.addColumns(HUGE), invalid, "columns"),
        compare(
            "too many columns",
            b -> b.addAllColumns(Collections.nCopies(1001, "score")),
            invalid,
            "names 1001 columns; at most 1000"),
        compare(
            "too many pairs",
            b -> b.setMaxPairs(5000),
            invalid,
            "Value pairs listed must be 1 to 1000, got 5000"),
        compare("negative pairs", b -> b.setMaxPairs(-1), invalid, "got -1"),
        compare(
            "too many examples",
            b -> b.setMaxExamples(5000),
            invalid,
            "Examples listed must be 0 to 1000, got 5000"),
        new Case(
            "PublishReplay: unknown",
            s -> s.publishReplay(PublishReplayRequest.newBuilder().setReplayId("nope").build()),
            notFound,
            "No replay has the id 'nope'"),
        new Case(
            "PublishReplay: incomplete",
            s -> s.publishReplay(PublishReplayRequest.newBuilder().setReplayId("ok").build()),
            precondition,
            "Replay ok has committed 0 of 3 batches"),
        new Case(
            "PublishReplay: control characters",
            s -> s.publishReplay(PublishReplayRequest.newBuilder().setReplayId("o\nk").build()),
            invalid,
            "Invalid replay id"),
        new Case(
            "DropReplay: unknown",
            s -> s.dropReplay(DropReplayRequest.newBuilder().setReplayId("nope").build()),
            notFound,
            "No replay has the id 'nope'"),
        new Case(
            "DropReplay: huge",
            s -> s.dropReplay(DropReplayRequest.newBuilder().setReplayId(HUGE).build()),
            invalid,
            "1048576 characters"));
  }

  @BeforeEach
  void createOneReplay() {
    replays().createReplay(createRequest("ok").build());
  }

  /** Everything a hostile call must leave as it was. */
  record State(List<Replay> replays, List<RefInfo> refs, Long predictions, Long features) {}

  State state() {
    LakeTable predictions = lake.table(PREDICTIONS);
    return new State(
        replays().listReplays(ListReplaysRequest.getDefaultInstance()).getReplaysList(),
        predictions.refs(),
        predictions.scan().snapshot().map(SnapshotInfo::snapshotId).orElse(null),
        lake.table(FEATURES).scan().snapshot().map(SnapshotInfo::snapshotId).orElse(null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void hostileInputGetsAClearBoundedStatusAndChangesNothing(Case c) {
    State before = state();

    StatusRuntimeException e =
        TableServiceTest.failure(() -> c.call().accept(ReplayServiceGrpc.newBlockingStub(channel)));

    assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(c.code());
    assertThat(e.getStatus().getDescription()).contains(c.message());
    assertThat(e.getStatus().getDescription().length()).isLessThanOrEqualTo(2100);
    assertThat(state()).isEqualTo(before);
    assertThat(stub().listTables(ListTablesRequest.getDefaultInstance()).getTablesList())
        .contains("fraud.predictions", "fraud.features");
  }
}
