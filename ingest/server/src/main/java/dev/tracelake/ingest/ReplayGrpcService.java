package dev.tracelake.ingest;

import com.google.protobuf.ByteString;
import dev.tracelake.access.Privilege;
import dev.tracelake.lake.ErrorKind;
import dev.tracelake.lake.TableName;
import dev.tracelake.lineage.replay.CompareOptions;
import dev.tracelake.lineage.replay.ReplayBatch;
import dev.tracelake.lineage.replay.ReplayInfo;
import dev.tracelake.lineage.replay.ReplaySpec;
import dev.tracelake.lineage.replay.ReplayStream;
import dev.tracelake.lineage.replay.Replays;
import dev.tracelake.lineage.replay.SkippedCase;
import dev.tracelake.proto.v1.CommitEmptyReplayBatchRequest;
import dev.tracelake.proto.v1.CommitEmptyReplayBatchResponse;
import dev.tracelake.proto.v1.CompareReplayRequest;
import dev.tracelake.proto.v1.CompareReplayResponse;
import dev.tracelake.proto.v1.CreateReplayRequest;
import dev.tracelake.proto.v1.CreateReplayResponse;
import dev.tracelake.proto.v1.DropReplayRequest;
import dev.tracelake.proto.v1.DropReplayResponse;
import dev.tracelake.proto.v1.GetReplayRequest;
import dev.tracelake.proto.v1.GetReplayResponse;
import dev.tracelake.proto.v1.ListReplaysRequest;
import dev.tracelake.proto.v1.ListReplaysResponse;
import dev.tracelake.proto.v1.PublishReplayRequest;
import dev.tracelake.proto.v1.PublishReplayResponse;
import dev.tracelake.proto.v1.ReplayInputTable;
import dev.tracelake.proto.v1.ReplayServiceGrpc;
import dev.tracelake.proto.v1.ReplayStreamHeader;
import dev.tracelake.proto.v1.ReplayStreamSummary;
import dev.tracelake.proto.v1.ReplayTableRows;
import dev.tracelake.proto.v1.StreamReplayRequest;
import dev.tracelake.proto.v1.StreamReplayResponse;
import dev.tracelake.wire.ArrowIpc;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * ReplayService over gRPC: a thin translation to {@link Replays}. The input stream follows gRPC
 * flow control (a slow candidate holds the server back, it does not make it buffer) and stops when
 * the candidate goes away.
 */
final class ReplayGrpcService extends ReplayServiceGrpc.ReplayServiceImplBase {
  private static final int MAX_COLUMNS = 1000;

  private final Replays replays;
  private final BufferAllocator allocator = new RootAllocator();

  ReplayGrpcService(Replays replays) {
    this.replays = replays;
  }

  @Override
  public void createReplay(
      CreateReplayRequest request, StreamObserver<CreateReplayResponse> responses) {
    unary(
        responses,
        () -> {
          ReplaySpec spec = ReplayProtos.spec(request);
          TableName output = spec.slice().table();
          ReplayAccess.require(Privilege.READ, output, "a replay reads its production outputs");
          ReplayAccess.require(Privilege.WRITE, output, "a replay makes a branch of it");
          Replays.Created created =
              replays.create(
                  spec,
                  inputs ->
                      ReplayAccess.requireInputs(
                          inputs, "a replay streams the values of the inputs its outputs cite"));
          return CreateReplayResponse.newBuilder()
              .setReplay(ReplayProtos.toProto(created.replay()))
              .setCreated(created.created())
              .build();
        });
  }

  @Override
  public void getReplay(GetReplayRequest request, StreamObserver<GetReplayResponse> responses) {
    unary(
        responses,
        () ->
            GetReplayResponse.newBuilder()
                .setReplay(
                    ReplayProtos.toProto(ReplayAccess.visible(replays, id(request.getReplayId()))))
                .build());
  }

  @Override
  public void listReplays(
      ListReplaysRequest request, StreamObserver<ListReplaysResponse> responses) {
    unary(
        responses,
        () -> {
          String table = ReplayProtos.text("table", request.getTable());
          ListReplaysResponse.Builder b = ListReplaysResponse.newBuilder();
          for (ReplayInfo r : replays.list(table.isEmpty() ? null : TableName.parse(table))) {
            if (ReplayAccess.sees(r.spec().slice().table())) {
              b.addReplays(ReplayProtos.toProto(r));
            }
          }
          return b.build();
        });
  }

  @Override
  public void streamReplay(
      StreamReplayRequest request, StreamObserver<StreamReplayResponse> responses) {
    ServerCallStreamObserver<StreamReplayResponse> call =
        (ServerCallStreamObserver<StreamReplayResponse>) responses;
    try {
      ReplayInfo info = ReplayAccess.visible(replays, id(request.getReplayId()));
      ReplayAccess.require(
          Privilege.READ,
          info.spec().slice().table(),
          "a replay's stream shows its outputs' cases");
      ReplayAccess.requireInputs(
          info.definition().inputTables(), "a replay's stream shows the values of its inputs");
    } catch (RuntimeException e) {
      call.onError(GrpcText.capped(GrpcErrors.toStatus(invalidIfArgument(e))));
      return;
    }
    try (BufferAllocator child = allocator.newChildAllocator("replay-stream", 0, Long.MAX_VALUE);
        ReplayStream stream =
            replays.stream(
                id(request.getReplayId()),
                request.getFromBatch(),
                request.getMaxBatches(),
                child)) {
      ReplayStreamHeader.Builder header =
          ReplayStreamHeader.newBuilder()
              .setReplay(ReplayProtos.toProto(stream.replay()))
              .setCasesArrowSchema(ByteString.copyFrom(ArrowIpc.schemaBytes(stream.casesSchema())));
      stream
          .inputSchemas()
          .forEach(
              (table, schema) ->
                  header.addInputTables(
                      ReplayInputTable.newBuilder()
                          .setTable(table)
                          .setArrowSchema(ByteString.copyFrom(ArrowIpc.schemaBytes(schema)))));
      call.onNext(StreamReplayResponse.newBuilder().setHeader(header).build());
      while (true) {
        if (!awaitReady(call)) {
          return; // the candidate went away
        }
        try (ReplayBatch batch = stream.next()) {
          if (batch == null) {
            break;
          }
          call.onNext(StreamReplayResponse.newBuilder().setBatch(toProto(batch)).build());
        }
      }
      call.onNext(
          StreamReplayResponse.newBuilder()
              .setSummary(
                  ReplayStreamSummary.newBuilder()
                      .setBatches(stream.batches())
                      .setCases(stream.streamedCases())
                      .setSkippedCases(stream.skippedCases())
                      .setInputRows(stream.inputRows()))
              .build());
      call.onCompleted();
    } catch (RuntimeException e) {
      if (!call.isCancelled()) {
        call.onError(GrpcText.capped(GrpcErrors.toStatus(invalidIfArgument(e))));
      }
    }
  }

  private static dev.tracelake.proto.v1.ReplayBatch toProto(ReplayBatch batch) {
    dev.tracelake.proto.v1.ReplayBatch.Builder b =
        dev.tracelake.proto.v1.ReplayBatch.newBuilder()
            .setBatch(batch.batch())
            .setFirstCase(batch.firstCase())
            .setCaseCount(batch.caseCount())
            .setCasesArrowBatch(ReplayProtos.batchBytes(batch.cases()));
    for (Map.Entry<String, VectorSchemaRoot> t : batch.tables().entrySet()) {
      b.addTables(
          ReplayTableRows.newBuilder()
              .setTable(t.getKey())
              .setArrowBatch(ReplayProtos.batchBytes(t.getValue())));
    }
    for (SkippedCase s : batch.skipped()) {
      b.addSkipped(
          dev.tracelake.proto.v1.SkippedCase.newBuilder()
              .setCaseNumber(s.caseNumber())
              .setReason(s.reason()));
    }
    return b.build();
  }

  /** Waits until the client can take a message; false when it went away. */
  private static boolean awaitReady(ServerCallStreamObserver<?> call) {
    while (!call.isReady()) {
      if (call.isCancelled()) {
        return false;
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return !call.isCancelled();
  }

  @Override
  public void compareReplay(
      CompareReplayRequest request, StreamObserver<CompareReplayResponse> responses) {
    unary(
        responses,
        () -> {
          if (request.getColumnsCount() > MAX_COLUMNS) {
            throw new IngestException(
                ErrorKind.INVALID_ARGUMENT,
                "CompareReplay names "
                    + request.getColumnsCount()
                    + " columns; at most "
                    + MAX_COLUMNS
                    + " are allowed");
          }
          List<String> columns = new ArrayList<>();
          for (String c : request.getColumnsList()) {
            columns.add(ReplayProtos.text("columns", c));
          }
          CompareOptions options =
              CompareOptions.defaults()
                  .groupBy(ReplayProtos.text("group_by", request.getGroupBy()))
                  .columns(columns)
                  .maxPairs(request.getMaxPairs() == 0 ? 20 : request.getMaxPairs())
                  .maxExamples(request.getMaxExamples() == 0 ? 10 : request.getMaxExamples());
          String replayId = id(request.getReplayId());
          ReplayAccess.require(
              Privilege.READ,
              ReplayAccess.visible(replays, replayId).spec().slice().table(),
              "a comparison shows production and candidate outputs");
          return ReplayProtos.toProto(replays.compare(replayId, options));
        });
  }

  @Override
  public void publishReplay(
      PublishReplayRequest request, StreamObserver<PublishReplayResponse> responses) {
    unary(
        responses,
        () -> {
          String replayId = id(request.getReplayId());
          ReplayAccess.require(
              Privilege.WRITE,
              ReplayAccess.visible(replays, replayId).spec().slice().table(),
              "publishing moves main of the output table");
          ReplayInfo r = replays.publish(replayId);
          PublishReplayResponse.Builder b =
              PublishReplayResponse.newBuilder().setReplay(ReplayProtos.toProto(r));
          if (r.candidateSnapshotId() != null) {
            b.setMainSnapshotId(r.candidateSnapshotId());
          }
          return b.build();
        });
  }

  @Override
  public void dropReplay(DropReplayRequest request, StreamObserver<DropReplayResponse> responses) {
    unary(
        responses,
        () ->
            DropReplayResponse.newBuilder()
                .setReplay(ReplayProtos.toProto(replays.drop(droppable(request.getReplayId()))))
                .build());
  }

  @Override
  public void commitEmptyReplayBatch(
      CommitEmptyReplayBatchRequest request,
      StreamObserver<CommitEmptyReplayBatchResponse> responses) {
    unary(
        responses,
        () ->
            CommitEmptyReplayBatchResponse.newBuilder()
                .setReplay(
                    ReplayProtos.toProto(
                        replays.commitEmptyBatch(
                            writable(request.getReplayId(), "an empty batch is a commit on it"),
                            request.getBatch())))
                .build());
  }

  /** The replay's id once the caller may drop its branch (admin on the output table). */
  private String droppable(String replayId) {
    String id = id(replayId);
    ReplayAccess.require(
        Privilege.ADMIN,
        ReplayAccess.visible(replays, id).spec().slice().table(),
        "dropping a branch");
    return id;
  }

  /** The replay's id once the caller may write its output table. */
  private String writable(String replayId, String why) {
    String id = id(replayId);
    ReplayAccess.require(
        Privilege.WRITE, ReplayAccess.visible(replays, id).spec().slice().table(), why);
    return id;
  }

  private static String id(String replayId) {
    return ReplayProtos.text("replay_id", replayId);
  }

  /** A bad value caught by the domain's argument checks is the caller's error, not ours. */
  private static RuntimeException invalidIfArgument(RuntimeException e) {
    return e instanceof IllegalArgumentException
        ? Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException()
        : e;
  }

  private static <T> void unary(StreamObserver<T> responses, Supplier<T> call) {
    T result;
    try {
      result = call.get();
    } catch (RuntimeException e) {
      responses.onError(GrpcText.capped(GrpcErrors.toStatus(invalidIfArgument(e))));
      return;
    }
    responses.onNext(result);
    responses.onCompleted();
  }

  void close() {
    allocator.close();
  }
}
