package dev.tracelake.ingest;

import dev.tracelake.lake.Provenance;
import dev.tracelake.lineage.DatasetVersion;
import dev.tracelake.lineage.IndexStatus;
import dev.tracelake.lineage.LineageException;
import dev.tracelake.lineage.Problem;
import dev.tracelake.lineage.RecordKey;
import dev.tracelake.lineage.RunInfo;
import dev.tracelake.lineage.RunParent;
import dev.tracelake.lineage.RunStatus;
import dev.tracelake.lineage.TableIndexStatus;
import dev.tracelake.lineage.TraceEdge;
import dev.tracelake.lineage.TraceNode;
import dev.tracelake.lineage.TraceResult;
import dev.tracelake.proto.v1.LineageProblem;
import dev.tracelake.proto.v1.RecordRef;
import dev.tracelake.proto.v1.ReindexResponse;
import dev.tracelake.proto.v1.Run;
import dev.tracelake.proto.v1.RunState;
import dev.tracelake.proto.v1.TraceResponse;
import java.time.Instant;

/** Lineage values to and from their protos: the only place the two meet. */
final class LineageProtos {
  private LineageProtos() {}

  static Run toProto(RunInfo run) {
    Run.Builder b =
        Run.newBuilder()
            .setRunId(run.runId())
            .setJobNamespace(nonNull(run.jobNamespace()))
            .setJobName(nonNull(run.jobName()))
            .setCodeRepository(nonNull(run.codeRepository()))
            .setCodeCommit(nonNull(run.codeCommit()))
            .setModelName(nonNull(run.modelName()))
            .setModelVersion(nonNull(run.modelVersion()))
            .putAllParameters(run.parameters())
            .setState(toProto(run.status()))
            .setSource(run.source().name())
            .setFailureMessage(nonNull(run.failureMessage()));
    if (run.startedAt() != null) {
      b.setStartedAtEpochMillis(run.startedAt().toEpochMilli());
    }
    if (run.endedAt() != null) {
      b.setEndedAtEpochMillis(run.endedAt().toEpochMilli());
    }
    if (run.parent() != null) {
      b.setParentRunId(run.parent().runId())
          .setParentJobNamespace(nonNull(run.parent().jobNamespace()))
          .setParentJobName(nonNull(run.parent().jobName()));
    }
    if (run.nominalStartTime() != null) {
      b.setNominalStartEpochMillis(run.nominalStartTime().toEpochMilli());
    }
    if (run.nominalEndTime() != null) {
      b.setNominalEndEpochMillis(run.nominalEndTime().toEpochMilli());
    }
    run.inputs().forEach(d -> b.addInputs(d.toString()));
    run.outputs().forEach(d -> b.addOutputs(d.toString()));
    return b.build();
  }

  /**
   * The run a StartRun asks for.
   *
   * @throws LineageException INVALID_ARGUMENT naming the field at fault
   */
  static RunInfo fromProto(Run run) {
    if (run.getRunId().isBlank()) {
      throw invalid("StartRun needs a run with a run_id");
    }
    try {
      RunInfo.Builder b =
          RunInfo.builder(run.getRunId())
              .job(run.getJobNamespace(), run.getJobName())
              .code(run.getCodeRepository(), run.getCodeCommit())
              .model(run.getModelName(), run.getModelVersion())
              .parameters(run.getParametersMap());
      if (run.hasStartedAtEpochMillis()) {
        b.startedAt(Instant.ofEpochMilli(run.getStartedAtEpochMillis()));
      }
      if (!run.getParentRunId().isBlank()) {
        b.parent(
            new RunParent(
                run.getParentRunId(), run.getParentJobNamespace(), run.getParentJobName()));
      }
      if (run.hasNominalStartEpochMillis()) {
        b.nominalTime(
            Instant.ofEpochMilli(run.getNominalStartEpochMillis()),
            run.hasNominalEndEpochMillis()
                ? Instant.ofEpochMilli(run.getNominalEndEpochMillis())
                : null);
      } else if (run.hasNominalEndEpochMillis()) {
        throw invalid("Run " + run.getRunId() + ": a nominal end time needs a nominal start time");
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
  }

  static RunState toProto(RunStatus status) {
    return switch (status) {
      case RUNNING -> RunState.RUN_STATE_RUNNING;
      case COMPLETED -> RunState.RUN_STATE_COMPLETED;
      case FAILED -> RunState.RUN_STATE_FAILED;
      case ABORTED -> RunState.RUN_STATE_ABORTED;
      case UNKNOWN -> RunState.RUN_STATE_UNKNOWN;
    };
  }

  /**
   * How a FinishRun says the run ended.
   *
   * @throws LineageException INVALID_ARGUMENT for a state that does not end a run
   */
  static RunStatus finalStatus(RunState state, String runId) {
    return switch (state) {
      case RUN_STATE_COMPLETED -> RunStatus.COMPLETED;
      case RUN_STATE_FAILED -> RunStatus.FAILED;
      case RUN_STATE_ABORTED -> RunStatus.ABORTED;
      default ->
          throw invalid(
              "FinishRun of run "
                  + runId
                  + " needs state RUN_STATE_COMPLETED, RUN_STATE_FAILED or RUN_STATE_ABORTED, got "
                  + state);
    };
  }

  static LineageProblem toProto(Problem p) {
    LineageProblem.Builder b =
        LineageProblem.newBuilder().setKind(p.kind().name()).setMessage(p.message());
    if (p.record() != null) {
      b.setRecord(ref(p.record(), null));
    }
    return b.build();
  }

  static RecordRef ref(RecordKey key, Long snapshotId) {
    RecordRef.Builder b = RecordRef.newBuilder().setTable(key.table()).setRecordId(key.recordId());
    if (snapshotId != null) {
      b.setSnapshotId(snapshotId);
    }
    return b.build();
  }

  static TraceResponse toProto(TraceResult trace) {
    TraceResponse.Builder b =
        TraceResponse.newBuilder()
            .setTruncated(trace.truncated())
            .setFreshness(trace.freshness().toString());
    for (TraceNode n : trace.nodes()) {
      b.addNodesBuilder()
          .setRecord(ref(n.key(), n.snapshotId()))
          .setDepth(n.depth())
          .setState(n.state().name())
          .setProvenance(toProto(n.provenance()));
    }
    for (TraceEdge e : trace.edges()) {
      b.addEdgesBuilder().setOutput(ref(e.output(), null)).setInput(ref(e.input(), e.snapshotId()));
    }
    trace.problems().forEach(p -> b.addProblems(toProto(p)));
    return b.build();
  }

  static dev.tracelake.proto.v1.Provenance toProto(Provenance p) {
    return dev.tracelake.proto.v1.Provenance.newBuilder()
        .setCodeCommit(nonNull(p.codeCommit()))
        .setModelName(nonNull(p.modelName()))
        .setModelVersion(nonNull(p.modelVersion()))
        .setRunId(nonNull(p.runId()))
        .setProducer(nonNull(p.producer()))
        .build();
  }

  static ReindexResponse toProto(IndexStatus status) {
    ReindexResponse.Builder b =
        ReindexResponse.newBuilder()
            .setRecords(status.records())
            .setEdges(status.edges())
            .setRuns(status.runs());
    for (TableIndexStatus t : status.tables()) {
      ReindexResponse.TableStatus.Builder tb =
          b.addTablesBuilder()
              .setTable(t.table())
              .setSnapshotsBehind(t.snapshotsBehind())
              .setRecords(t.records());
      if (t.indexedSnapshotId() != null) {
        tb.setIndexedSnapshotId(t.indexedSnapshotId());
      }
      if (t.headSnapshotId() != null) {
        tb.setHeadSnapshotId(t.headSnapshotId());
      }
    }
    return b.build();
  }

  static String describe(DatasetVersion d) {
    return d.toString();
  }

  static LineageException invalid(String message) {
    return new LineageException(
        LineageException.Kind.INVALID_ARGUMENT,
        message.length() > 1000 ? message.substring(0, 1000) + "..." : message);
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }
}
