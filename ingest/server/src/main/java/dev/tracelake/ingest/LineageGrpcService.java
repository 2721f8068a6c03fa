package dev.tracelake.ingest;

import dev.tracelake.lineage.ExplainOptions;
import dev.tracelake.lineage.Explanation;
import dev.tracelake.lineage.ImpactQuery;
import dev.tracelake.lineage.ImpactResult;
import dev.tracelake.lineage.Lineage;
import dev.tracelake.lineage.LineageException;
import dev.tracelake.lineage.LineageFormat;
import dev.tracelake.lineage.Problem;
import dev.tracelake.lineage.RecordKey;
import dev.tracelake.lineage.RunInfo;
import dev.tracelake.lineage.RunVisibility;
import dev.tracelake.lineage.TableRecords;
import dev.tracelake.lineage.TraceOptions;
import dev.tracelake.lineage.ValueAccess;
import dev.tracelake.proto.v1.ExplainRequest;
import dev.tracelake.proto.v1.ExplainResponse;
import dev.tracelake.proto.v1.FinishRunRequest;
import dev.tracelake.proto.v1.FinishRunResponse;
import dev.tracelake.proto.v1.GetRunRequest;
import dev.tracelake.proto.v1.GetRunResponse;
import dev.tracelake.proto.v1.ImpactRequest;
import dev.tracelake.proto.v1.ImpactResponse;
import dev.tracelake.proto.v1.ImpactSummary;
import dev.tracelake.proto.v1.LineageServiceGrpc;
import dev.tracelake.proto.v1.ListRunsRequest;
import dev.tracelake.proto.v1.ListRunsResponse;
import dev.tracelake.proto.v1.ReindexRequest;
import dev.tracelake.proto.v1.ReindexResponse;
import dev.tracelake.proto.v1.StartRunRequest;
import dev.tracelake.proto.v1.StartRunResponse;
import dev.tracelake.proto.v1.TraceNode;
import dev.tracelake.proto.v1.TraceRequest;
import dev.tracelake.proto.v1.TraceResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * LineageService over gRPC: explain, trace, impact, reindex and the run lifecycle, each a thin
 * translation to {@link Lineage}. Bad requests are INVALID_ARGUMENT naming the field; missing
 * inputs, cycles and lag are answers, not errors.
 */
final class LineageGrpcService extends LineageServiceGrpc.LineageServiceImplBase {
  /** Record ids per Impact message, so one message stays far below gRPC's size limit. */
  static final int IDS_PER_MESSAGE = 2_000;

  private static final int DEFAULT_RUN_LIMIT = 1_000;

  private final Lineage lineage;

  LineageGrpcService(Lineage lineage) {
    this.lineage = lineage;
  }

  @Override
  public void explain(ExplainRequest request, StreamObserver<ExplainResponse> responses) {
    // row values of tables the caller may not read are withheld (access control)
    ValueAccess values = dev.tracelake.access.Caller.currentValueAccess();
    // and its runs name only tables the caller holds lineage on
    java.util.function.Predicate<String> runTables =
        dev.tracelake.access.Caller.currentLineageTables();
    unary(
        responses,
        () -> {
          requireRecord("Explain", request.getTable(), request.getRecordId());
          LineageFormat format =
              request.getFormat().isEmpty()
                  ? LineageFormat.JSON
                  : LineageFormat.parse(request.getFormat());
          ExplainOptions options =
              ExplainOptions.defaults().catchUpFirst().valueAccess(values).runTables(runTables);
          if (request.getMaxDepth() > 0) {
            options = options.maxDepth(request.getMaxDepth());
          }
          if (request.hasAsOfEpochMillis()) {
            options = options.asOf(Instant.ofEpochMilli(request.getAsOfEpochMillis()));
          }
          if (!request.getRef().isBlank()) {
            options = options.ref(request.getRef());
          }
          Explanation explanation =
              lineage.explain(RecordKey.of(request.getTable(), request.getRecordId()), options);
          List<Problem> notFound = explanation.problems(Problem.Kind.RECORD_NOT_FOUND);
          if (!notFound.isEmpty()) {
            throw new LineageException(LineageException.Kind.NOT_FOUND, notFound.get(0).message());
          }
          ExplainResponse.Builder b =
              ExplainResponse.newBuilder()
                  .setRendered(format.render(explanation))
                  .setFormat(format.name().toLowerCase(Locale.ROOT));
          explanation.problems().forEach(p -> b.addProblems(p.message()));
          return b.build();
        });
  }

  @Override
  public void trace(TraceRequest request, StreamObserver<TraceResponse> responses) {
    java.util.function.Predicate<String> shown = dev.tracelake.access.Caller.currentLineageTables();
    unary(
        responses,
        () -> {
          requireRecord("Trace", request.getTable(), request.getRecordId());
          TraceOptions options = TraceOptions.defaults().catchUpFirst();
          if (request.getMaxDepth() > 0) {
            options = options.maxDepth(request.getMaxDepth());
          }
          if (request.hasAsOfEpochMillis()) {
            options = options.asOf(Instant.ofEpochMilli(request.getAsOfEpochMillis()));
          }
          TraceResponse.Builder b =
              LineageProtos.toProto(
                  lineage.traceUpstream(
                      RecordKey.of(request.getTable(), request.getRecordId()), options))
                  .toBuilder();
          // who wrote a record is lineage of its table: not said of tables the caller holds no
          // lineage on (their records stay, with table and id, as in explain)
          for (TraceNode.Builder node : b.getNodesBuilderList()) {
            if (!shown.test(node.getRecord().getTable())) {
              node.clearProvenance();
            }
          }
          return b.build();
        });
  }

  @Override
  public void impact(ImpactRequest request, StreamObserver<ImpactResponse> responses) {
    ImpactResult result;
    try {
      result = lineage.impact(query(request));
    } catch (RuntimeException e) {
      responses.onError(GrpcErrors.toStatus(invalidIfArgument(e)));
      return;
    }
    ServerCallStreamObserver<ImpactResponse> call =
        (ServerCallStreamObserver<ImpactResponse>) responses;
    // a caller under access control hears only of tables it holds lineage on
    java.util.function.Predicate<String> shown = dev.tracelake.access.Caller.currentLineageTables();
    // and the counts are of those tables only: a total would tell of records hidden from it
    long startCount = 0;
    long derivedCount = 0;
    for (TableRecords t : result.seeds()) {
      if (shown.test(t.table())) {
        sendRecords(call, t, true);
        startCount += t.count();
      }
    }
    for (TableRecords t : result.derived()) {
      if (shown.test(t.table())) {
        sendRecords(call, t, false);
        derivedCount += t.count();
      }
    }
    for (Problem p : result.problems()) {
      if (p.record() == null || shown.test(p.record().table())) {
        call.onNext(ImpactResponse.newBuilder().setProblem(LineageProtos.toProto(p)).build());
      }
    }
    call.onNext(
        ImpactResponse.newBuilder()
            .setSummary(
                ImpactSummary.newBuilder()
                    .setStartCount(startCount)
                    .setDerivedCount(derivedCount)
                    .setFreshness(result.freshness().toString())
                    .setQuery(result.query().toString()))
            .build());
    call.onCompleted();
  }

  private static void sendRecords(
      ServerCallStreamObserver<ImpactResponse> call, TableRecords t, boolean start) {
    List<String> ids = t.recordIds();
    int from = 0;
    do {
      if (call.isCancelled()) {
        return;
      }
      int to = Math.min(ids.size(), from + IDS_PER_MESSAGE);
      call.onNext(
          ImpactResponse.newBuilder()
              .setRecords(
                  ImpactResponse.TableRecords.newBuilder()
                      .setTable(t.table())
                      .setStart(start)
                      .setCount(t.count())
                      .addAllRecordIds(ids.subList(from, to)))
              .build());
      from = to;
    } while (from < ids.size());
  }

  private static ImpactQuery query(ImpactRequest request) {
    ImpactQuery query =
        switch (request.getStartCase()) {
          case RECORD -> {
            requireRecord(
                "Impact", request.getRecord().getTable(), request.getRecord().getRecordId());
            yield ImpactQuery.ofRecord(
                RecordKey.of(request.getRecord().getTable(), request.getRecord().getRecordId()));
          }
          case RUN_ID -> ImpactQuery.ofRun(request.getRunId());
          case MODEL -> {
            String model = request.getModel();
            int colon = model.indexOf(':');
            yield colon < 0
                ? ImpactQuery.ofModel(model, null)
                : ImpactQuery.ofModel(model.substring(0, colon), model.substring(colon + 1));
          }
          case CODE_COMMIT -> ImpactQuery.ofCodeCommit(request.getCodeCommit());
          case START_NOT_SET ->
              throw LineageProtos.invalid(
                  "Impact needs a start: a record, run_id, model or code_commit");
        };
    query = query.catchUpFirst();
    if (request.getMaxDepth() > 0) {
      query = query.maxDepth(request.getMaxDepth());
    }
    if (request.getIdLimit() > 0) {
      query = query.idLimit(request.getIdLimit());
    }
    if (request.hasAsOfEpochMillis()) {
      query = query.asOf(Instant.ofEpochMilli(request.getAsOfEpochMillis()));
    }
    if (!request.getRef().isBlank()) {
      query = query.ref(request.getRef());
    }
    return query;
  }

  @Override
  public void reindex(ReindexRequest request, StreamObserver<ReindexResponse> responses) {
    unary(responses, () -> LineageProtos.toProto(lineage.reindex()));
  }

  @Override
  public void startRun(StartRunRequest request, StreamObserver<StartRunResponse> responses) {
    unary(
        responses,
        () -> {
          RunInfo asked = LineageProtos.fromProto(request.getRun());
          // a writer may not add to (or learn of) a run of tables it may not see
          RunVisibility visibility = writerVisibility();
          Optional<RunInfo> known = lineage.run(asked.runId());
          if (known.isPresent() && visibility.view(known.get()).isEmpty()) {
            throw new LineageException(
                LineageException.Kind.FAILED_PRECONDITION,
                "Run id " + capped(asked.runId()) + " is taken; start the run under a new id");
          }
          RunInfo run = lineage.startRun(asked);
          return StartRunResponse.newBuilder()
              .setRun(LineageProtos.toProto(visibility.view(run).orElse(run)))
              .build();
        });
  }

  @Override
  public void finishRun(FinishRunRequest request, StreamObserver<FinishRunResponse> responses) {
    unary(
        responses,
        () -> {
          if (request.getRunId().isBlank()) {
            throw LineageProtos.invalid("FinishRun needs a run_id");
          }
          // a writer may not end (or learn of) a run of tables it may not see: that answers as
          // an unknown run, before anything changes
          RunVisibility visibility = writerVisibility();
          Optional<RunInfo> known = lineage.run(request.getRunId());
          if (known.isEmpty()) {
            lineage.catchUp();
            known = lineage.run(request.getRunId());
          }
          if (known.isPresent() && visibility.view(known.get()).isEmpty()) {
            throw Lineage.unknownRun(request.getRunId());
          }
          RunInfo run =
              lineage.finishRun(
                  request.getRunId(),
                  LineageProtos.finalStatus(request.getState(), request.getRunId()),
                  request.hasEndedAtEpochMillis()
                      ? Instant.ofEpochMilli(request.getEndedAtEpochMillis())
                      : null,
                  request.getMessage());
          return FinishRunResponse.newBuilder()
              .setRun(LineageProtos.toProto(visibility.view(run).orElse(run)))
              .build();
        });
  }

  @Override
  public void getRun(GetRunRequest request, StreamObserver<GetRunResponse> responses) {
    unary(
        responses,
        () -> {
          if (request.getRunId().isBlank()) {
            throw LineageProtos.invalid("GetRun needs a run_id");
          }
          // what the run wrote lately is part of the answer
          lineage.catchUp();
          // a run of tables the caller holds no lineage on answers as an unknown one
          RunInfo run =
              lineage
                  .run(request.getRunId())
                  .flatMap(runVisibility()::view)
                  .orElseThrow(
                      () ->
                          new LineageException(
                              LineageException.Kind.NOT_FOUND,
                              "No run has the id " + capped(request.getRunId())));
          return GetRunResponse.newBuilder().setRun(LineageProtos.toProto(run)).build();
        });
  }

  @Override
  public void listRuns(ListRunsRequest request, StreamObserver<ListRunsResponse> responses) {
    unary(
        responses,
        () -> {
          if (request.getLimit() < 0) {
            throw LineageProtos.invalid(
                "ListRuns limit must not be negative, got " + request.getLimit());
          }
          int limit = request.getLimit() == 0 ? DEFAULT_RUN_LIMIT : request.getLimit();
          lineage.catchUp();
          List<RunInfo> runs = lineage.runs();
          RunVisibility visibility = runVisibility();
          ListRunsResponse.Builder b = ListRunsResponse.newBuilder();
          for (int i = runs.size() - 1; i >= 0 && b.getRunsCount() < limit; i--) {
            visibility.view(runs.get(i)).ifPresent(r -> b.addRuns(LineageProtos.toProto(r)));
          }
          return b.build();
        });
  }

  /**
   * What the current caller may know of runs: the tables it holds lineage on (all without access
   * control).
   */
  private RunVisibility runVisibility() {
    return new RunVisibility(
        lineage.options().datasetNamespace(), dev.tracelake.access.Caller.currentLineageTables());
  }

  /**
   * What a writer may know of runs: the tables it holds any privilege on (all without access
   * control).
   */
  private RunVisibility writerVisibility() {
    return new RunVisibility(
        lineage.options().datasetNamespace(), dev.tracelake.access.Caller.currentVisibleTables());
  }

  private static void requireRecord(String call, String table, String recordId) {
    if (table.isBlank() || recordId.isBlank()) {
      throw LineageProtos.invalid(call + " needs a table and a record id");
    }
  }

  private static String capped(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }

  /** A bad value caught by the domain's argument checks is the caller's error, not ours. */
  private static RuntimeException invalidIfArgument(RuntimeException e) {
    return e instanceof IllegalArgumentException ? LineageProtos.invalid(e.getMessage()) : e;
  }

  private static <T> void unary(StreamObserver<T> responses, Supplier<T> answer) {
    T response;
    try {
      response = answer.get();
    } catch (RuntimeException e) {
      responses.onError(GrpcErrors.toStatus(invalidIfArgument(e)));
      return;
    }
    responses.onNext(response);
    responses.onCompleted();
  }
}
