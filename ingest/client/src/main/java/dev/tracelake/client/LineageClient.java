package dev.tracelake.client;

import dev.tracelake.proto.v1.ExplainRequest;
import dev.tracelake.proto.v1.ExplainResponse;
import dev.tracelake.proto.v1.FinishRunRequest;
import dev.tracelake.proto.v1.GetRunRequest;
import dev.tracelake.proto.v1.ImpactRequest;
import dev.tracelake.proto.v1.ImpactResponse;
import dev.tracelake.proto.v1.LineageProblem;
import dev.tracelake.proto.v1.LineageServiceGrpc;
import dev.tracelake.proto.v1.ListRunsRequest;
import dev.tracelake.proto.v1.RecordRef;
import dev.tracelake.proto.v1.ReindexRequest;
import dev.tracelake.proto.v1.ReindexResponse;
import dev.tracelake.proto.v1.Run;
import dev.tracelake.proto.v1.RunState;
import dev.tracelake.proto.v1.StartRunRequest;
import dev.tracelake.proto.v1.TraceRequest;
import dev.tracelake.proto.v1.TraceResponse;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The lineage calls of a Tracelake server: explain, trace, impact, reindex, and the run lifecycle.
 * Get one from {@link TracelakeClient#lineage()}, or over any channel with {@link #using(Channel)}
 * (it holds no resources of its own). Thread-safe.
 */
public final class LineageClient {
  private static final Duration CALL_DEADLINE = Duration.ofMinutes(5);

  private final Channel channel;

  private LineageClient(Channel channel) {
    this.channel = channel;
  }

  /** Calls the server behind {@code channel}; the caller keeps and closes the channel. */
  public static LineageClient using(Channel channel) {
    return new LineageClient(Objects.requireNonNull(channel, "channel"));
  }

  private LineageServiceGrpc.LineageServiceBlockingStub stub() {
    return LineageServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Explains one record of {@code ref} of its table (null: main), following at most {@code
   * maxDepth} levels (0: the server's default), ignoring what was committed after {@code asOf}
   * (null: now).
   *
   * @throws TracelakeException NOT_FOUND for an unknown table, record or ref
   */
  public Explained explain(
      String table, String recordId, String format, int maxDepth, Instant asOf, String ref) {
    ExplainRequest.Builder request =
        ExplainRequest.newBuilder()
            .setTable(table)
            .setRecordId(recordId)
            .setFormat(format)
            .setMaxDepth(maxDepth);
    if (asOf != null) {
      request.setAsOfEpochMillis(asOf.toEpochMilli());
    }
    if (ref != null) {
      request.setRef(ref);
    }
    ExplainResponse response =
        call("Explain " + table + " " + recordId, () -> stub().explain(request.build()));
    return new Explained(response.getRendered(), response.getFormat(), response.getProblemsList());
  }

  /**
   * Traces a record's inputs, transitively, without reading any row.
   *
   * @throws TracelakeException INVALID_ARGUMENT for a blank table or id
   */
  public Traced trace(String table, String recordId, int maxDepth, Instant asOf) {
    TraceRequest.Builder request =
        TraceRequest.newBuilder().setTable(table).setRecordId(recordId).setMaxDepth(maxDepth);
    if (asOf != null) {
      request.setAsOfEpochMillis(asOf.toEpochMilli());
    }
    TraceResponse r = call("Trace " + table + " " + recordId, () -> stub().trace(request.build()));
    List<Traced.Record> records = new ArrayList<>();
    r.getNodesList()
        .forEach(
            n ->
                records.add(
                    new Traced.Record(
                        n.getRecord().getTable(),
                        n.getRecord().getRecordId(),
                        n.getRecord().hasSnapshotId() ? n.getRecord().getSnapshotId() : null,
                        n.getDepth(),
                        n.getState(),
                        new Provenance(
                            blankToNull(n.getProvenance().getCodeCommit()),
                            blankToNull(n.getProvenance().getModelName()),
                            blankToNull(n.getProvenance().getModelVersion()),
                            blankToNull(n.getProvenance().getRunId()),
                            blankToNull(n.getProvenance().getProducer())))));
    List<Traced.Edge> edges = new ArrayList<>();
    r.getEdgesList()
        .forEach(
            e ->
                edges.add(
                    new Traced.Edge(
                        e.getOutput().getTable(),
                        e.getOutput().getRecordId(),
                        e.getInput().getTable(),
                        e.getInput().getRecordId(),
                        e.getInput().hasSnapshotId() ? e.getInput().getSnapshotId() : null)));
    return new Traced(
        records, edges, problems(r.getProblemsList()), r.getTruncated(), r.getFreshness());
  }

  /** Where an impact starts: exactly one of a record, run, model (version) or code commit. */
  public record ImpactStart(
      String table, String recordId, String runId, String model, String codeCommit) {
    public static ImpactStart record(String table, String recordId) {
      return new ImpactStart(table, recordId, null, null, null);
    }

    public static ImpactStart run(String runId) {
      return new ImpactStart(null, null, runId, null, null);
    }

    /** A model, {@code name} or {@code name:version}. */
    public static ImpactStart model(String model) {
      return new ImpactStart(null, null, null, model, null);
    }

    public static ImpactStart codeCommit(String commit) {
      return new ImpactStart(null, null, null, null, commit);
    }
  }

  /**
   * Finds what a record, run, model (version) or code commit affected downstream, listing at most
   * {@code idLimit} ids per table (0: the server's default); counts are complete.
   *
   * @param ref also follow records of this branch or tag (null: main only)
   */
  public Impact impact(ImpactStart start, int maxDepth, int idLimit, Instant asOf, String ref) {
    ImpactRequest.Builder request =
        ImpactRequest.newBuilder().setMaxDepth(maxDepth).setIdLimit(idLimit);
    if (start.table() != null) {
      request.setRecord(
          RecordRef.newBuilder().setTable(start.table()).setRecordId(start.recordId()));
    } else if (start.runId() != null) {
      request.setRunId(start.runId());
    } else if (start.model() != null) {
      request.setModel(start.model());
    } else if (start.codeCommit() != null) {
      request.setCodeCommit(start.codeCommit());
    }
    if (asOf != null) {
      request.setAsOfEpochMillis(asOf.toEpochMilli());
    }
    if (ref != null) {
      request.setRef(ref);
    }
    return call(
        "Impact",
        () -> {
          Map<String, List<String>> ids = new LinkedHashMap<>();
          Map<String, long[]> counts = new LinkedHashMap<>();
          List<Impact.Problem> problems = new ArrayList<>();
          Iterator<ImpactResponse> it = stub().impact(request.build());
          String query = "";
          long startCount = 0;
          long derivedCount = 0;
          String freshness = "";
          while (it.hasNext()) {
            ImpactResponse r = it.next();
            switch (r.getPartCase()) {
              case RECORDS -> {
                String key = (r.getRecords().getStart() ? "S" : "D") + r.getRecords().getTable();
                ids.computeIfAbsent(key, k -> new ArrayList<>())
                    .addAll(r.getRecords().getRecordIdsList());
                counts.put(key, new long[] {r.getRecords().getCount()});
              }
              case PROBLEM ->
                  problems.add(
                      new Impact.Problem(r.getProblem().getKind(), r.getProblem().getMessage()));
              case SUMMARY -> {
                query = r.getSummary().getQuery();
                startCount = r.getSummary().getStartCount();
                derivedCount = r.getSummary().getDerivedCount();
                freshness = r.getSummary().getFreshness();
              }
              default -> {}
            }
          }
          List<Impact.Tables> tables = new ArrayList<>();
          ids.forEach(
              (key, list) ->
                  tables.add(
                      new Impact.Tables(
                          key.substring(1), key.charAt(0) == 'S', counts.get(key)[0], list)));
          return new Impact(query, startCount, derivedCount, tables, problems, freshness);
        });
  }

  /** Rebuilds the server's lineage index; returns the records and edges it holds. */
  public long[] reindex() {
    ReindexResponse r = call("Reindex", () -> stub().reindex(ReindexRequest.getDefaultInstance()));
    return new long[] {r.getTablesCount(), r.getRecords(), r.getEdges(), r.getRuns()};
  }

  /**
   * Starts a run; write with its id as the provenance's run id, then end it with the handle.
   *
   * @throws TracelakeException FAILED_PRECONDITION when the run has ended already
   */
  public RunHandle startRun(RunSpec spec) {
    Run.Builder run =
        Run.newBuilder()
            .setRunId(spec.runId())
            .setJobNamespace(nonNull(spec.jobNamespace()))
            .setJobName(nonNull(spec.jobName()))
            .setCodeRepository(nonNull(spec.codeRepository()))
            .setCodeCommit(nonNull(spec.codeCommit()))
            .setModelName(nonNull(spec.modelName()))
            .setModelVersion(nonNull(spec.modelVersion()))
            .putAllParameters(spec.parameters())
            .setParentRunId(nonNull(spec.parentRunId()))
            .setParentJobNamespace(nonNull(spec.parentJobNamespace()))
            .setParentJobName(nonNull(spec.parentJobName()));
    if (spec.nominalStart() != null) {
      run.setNominalStartEpochMillis(spec.nominalStart().toEpochMilli());
    }
    if (spec.nominalEnd() != null) {
      run.setNominalEndEpochMillis(spec.nominalEnd().toEpochMilli());
    }
    if (spec.startedAt() != null) {
      run.setStartedAtEpochMillis(spec.startedAt().toEpochMilli());
    }
    Run started =
        call(
                "Start run " + spec.runId(),
                () -> stub().startRun(StartRunRequest.newBuilder().setRun(run).build()))
            .getRun();
    return new RunHandle(this, view(started));
  }

  /** Ends a run: {@code COMPLETED}, {@code FAILED} or {@code ABORTED}, with why (or null). */
  RunView finishRun(String runId, String state, String message) {
    FinishRunRequest request =
        FinishRunRequest.newBuilder()
            .setRunId(runId)
            .setState(RunState.valueOf("RUN_STATE_" + state))
            .setMessage(nonNull(message))
            .build();
    return view(call("Finish run " + runId, () -> stub().finishRun(request)).getRun());
  }

  /**
   * Returns a run.
   *
   * @throws TracelakeException NOT_FOUND when no run has the id
   */
  public RunView run(String runId) {
    return view(
        call(
                "Get run " + runId,
                () -> stub().getRun(GetRunRequest.newBuilder().setRunId(runId).build()))
            .getRun());
  }

  /** Returns at most {@code limit} runs (0: the server's default), newest first. */
  public List<RunView> runs(int limit) {
    List<RunView> out = new ArrayList<>();
    call("List runs", () -> stub().listRuns(ListRunsRequest.newBuilder().setLimit(limit).build()))
        .getRunsList()
        .forEach(r -> out.add(view(r)));
    return out;
  }

  private static RunView view(Run r) {
    return new RunView(
        r.getRunId(),
        blankToNull(r.getJobNamespace()),
        blankToNull(r.getJobName()),
        blankToNull(r.getCodeRepository()),
        blankToNull(r.getCodeCommit()),
        blankToNull(r.getModelName()),
        blankToNull(r.getModelVersion()),
        r.getParametersMap(),
        r.hasStartedAtEpochMillis() ? Instant.ofEpochMilli(r.getStartedAtEpochMillis()) : null,
        r.hasEndedAtEpochMillis() ? Instant.ofEpochMilli(r.getEndedAtEpochMillis()) : null,
        r.getState().name().replace("RUN_STATE_", ""),
        r.getSource(),
        blankToNull(r.getParentRunId()),
        r.hasNominalStartEpochMillis()
            ? Instant.ofEpochMilli(r.getNominalStartEpochMillis())
            : null,
        r.hasNominalEndEpochMillis() ? Instant.ofEpochMilli(r.getNominalEndEpochMillis()) : null,
        blankToNull(r.getFailureMessage()),
        r.getInputsList(),
        r.getOutputsList());
  }

  private static List<Impact.Problem> problems(List<LineageProblem> problems) {
    List<Impact.Problem> out = new ArrayList<>();
    problems.forEach(p -> out.add(new Impact.Problem(p.getKind(), p.getMessage())));
    return out;
  }

  private static <T> T call(String context, Supplier<T> call) {
    try {
      return call.get();
    } catch (StatusRuntimeException e) {
      throw TracelakeException.of(context, e);
    }
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
