package dev.tracelake.ingest;

import com.google.protobuf.ByteString;
import dev.tracelake.lake.ErrorKind;
import dev.tracelake.lake.TableName;
import dev.tracelake.lineage.replay.Candidate;
import dev.tracelake.lineage.replay.ReplayComparison;
import dev.tracelake.lineage.replay.ReplayDefinition;
import dev.tracelake.lineage.replay.ReplayInfo;
import dev.tracelake.lineage.replay.ReplaySlice;
import dev.tracelake.lineage.replay.ReplaySpec;
import dev.tracelake.proto.v1.ColumnComparison;
import dev.tracelake.proto.v1.CompareReplayResponse;
import dev.tracelake.proto.v1.CreateReplayRequest;
import dev.tracelake.proto.v1.DuplicateCase;
import dev.tracelake.proto.v1.Replay;
import dev.tracelake.proto.v1.ReplayCandidate;
import dev.tracelake.proto.v1.ReplayCounts;
import dev.tracelake.proto.v1.ReplayGroupComparison;
import dev.tracelake.proto.v1.ReplayState;
import dev.tracelake.proto.v1.ValuePair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.time.Instant;
import java.util.Locale;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;

/** Replay values to and from their protos: the only place the two meet. */
final class ReplayProtos {
  /** Longest name a replay request may carry (tables, refs, branches, provenance values). */
  static final int MAX_TEXT = 1024;

  private ReplayProtos() {}

  /**
   * Builds the domain spec of a create request.
   *
   * @throws IngestException INVALID_REQUEST for a missing table or an over-long field
   */
  static ReplaySpec spec(CreateReplayRequest request) {
    dev.tracelake.proto.v1.ReplaySlice s = request.getSlice();
    String table = text("slice.table", s.getTable());
    if (table.isEmpty()) {
      throw new IngestException(ErrorKind.INVALID_ARGUMENT, "CreateReplay needs slice.table");
    }
    ReplaySlice slice =
        new ReplaySlice(
            TableName.parse(table),
            blankToNull(text("slice.ref", s.getRef())),
            s.hasAfterSnapshotId() ? s.getAfterSnapshotId() : null,
            s.hasToSnapshotId() ? s.getToSnapshotId() : null,
            s.hasFromEpochMillis() ? Instant.ofEpochMilli(s.getFromEpochMillis()) : null,
            s.hasToEpochMillis() ? Instant.ofEpochMilli(s.getToEpochMillis()) : null,
            blankToNull(text("slice.model_name", s.getModelName())),
            blankToNull(text("slice.model_version", s.getModelVersion())),
            blankToNull(text("slice.run_id", s.getRunId())));
    ReplayCandidate c = request.getCandidate();
    Candidate candidate =
        new Candidate(
            blankToNull(text("candidate.model_name", c.getModelName())),
            blankToNull(text("candidate.model_version", c.getModelVersion())),
            blankToNull(text("candidate.code_commit", c.getCodeCommit())),
            blankToNull(text("candidate.run_id", c.getRunId())),
            blankToNull(text("candidate.producer", c.getProducer())));
    ReplaySpec.Builder b =
        ReplaySpec.builder(text("replay_id", request.getReplayId()), slice)
            .candidate(candidate)
            .branch(blankToNull(text("branch", request.getBranch())));
    if (request.getBatchCases() != 0) {
      b.batchCases(request.getBatchCases());
    }
    return b.build();
  }

  /** Checks a request's text field against {@link #MAX_TEXT}. */
  static String text(String field, String value) {
    return GrpcText.checkLength(field, value, MAX_TEXT);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  static Replay toProto(ReplayInfo info) {
    ReplayDefinition d = info.definition();
    ReplaySpec spec = d.spec();
    ReplaySlice s = spec.slice();
    dev.tracelake.proto.v1.ReplaySlice.Builder slice =
        dev.tracelake.proto.v1.ReplaySlice.newBuilder()
            .setTable(s.table().toString())
            .setRef(nonNull(s.ref()))
            .setModelName(nonNull(s.modelName()))
            .setModelVersion(nonNull(s.modelVersion()))
            .setRunId(nonNull(s.runId()));
    if (s.afterSnapshotId() != null) {
      slice.setAfterSnapshotId(s.afterSnapshotId());
    }
    if (s.toSnapshotId() != null) {
      slice.setToSnapshotId(s.toSnapshotId());
    }
    if (s.from() != null) {
      slice.setFromEpochMillis(s.from().toEpochMilli());
    }
    if (s.to() != null) {
      slice.setToEpochMillis(s.to().toEpochMilli());
    }
    Candidate c = spec.candidate();
    Replay.Builder b =
        Replay.newBuilder()
            .setReplayId(spec.replayId())
            .setSlice(slice)
            .setCandidate(
                ReplayCandidate.newBuilder()
                    .setModelName(nonNull(c.modelName()))
                    .setModelVersion(nonNull(c.modelVersion()))
                    .setCodeCommit(nonNull(c.codeCommit()))
                    .setRunId(nonNull(c.runId()))
                    .setProducer(nonNull(c.producer())))
            .setBranch(spec.branch())
            .setWriterId(spec.writerId())
            .setBatchCases(spec.batchCases())
            .setSourceSnapshotId(d.sourceSnapshotId())
            .setCreatedAtEpochMillis(d.createdAt().toEpochMilli())
            .setProductionOutputs(d.productionOutputs())
            .setOutputsWithoutInputs(d.outputsWithoutInputs())
            .setCases(d.cases())
            .setBatches(d.batches())
            .setInputRefs(d.inputRefs())
            .addAllInputTables(d.inputTables())
            .setState(ReplayState.valueOf("REPLAY_STATE_" + info.state().name()))
            .setCommittedBatches(info.committedBatches())
            .setTable(s.table().toString());
    if (d.baseSnapshotId() != null) {
      b.setBaseSnapshotId(d.baseSnapshotId());
    }
    if (info.branchSnapshotId() != null) {
      b.setBranchSnapshotId(info.branchSnapshotId());
    }
    return b.build();
  }

  static CompareReplayResponse toProto(ReplayComparison diff) {
    CompareReplayResponse.Builder b =
        CompareReplayResponse.newBuilder()
            .setReplay(toProto(diff.replay()))
            .setCounts(toProto(diff.counts()))
            .setGroupBy(nonNull(diff.groupBy()))
            .addAllOnlyProductionExamples(diff.onlyProductionExamples())
            .addAllOnlyCandidateExamples(diff.onlyCandidateExamples());
    if (diff.candidateSnapshotId() != null) {
      b.setCandidateSnapshotId(diff.candidateSnapshotId());
    }
    diff.columns().forEach(c -> b.addColumns(toProto(c)));
    for (ReplayComparison.GroupComparison g : diff.groups()) {
      ReplayGroupComparison.Builder group =
          ReplayGroupComparison.newBuilder().setCounts(toProto(g.counts()));
      if (g.group() != null) {
        group.setGroup(g.group());
      }
      g.columns().forEach(c -> group.addColumns(toProto(c)));
      b.addGroups(group);
    }
    for (ReplayComparison.DuplicateCase d : diff.duplicates()) {
      b.addDuplicates(
          DuplicateCase.newBuilder()
              .addAllInputs(d.inputs())
              .addAllProductionRecordIds(d.productionRecordIds())
              .addAllCandidateRecordIds(d.candidateRecordIds()));
    }
    return b.build();
  }

  private static ReplayCounts toProto(ReplayComparison.Counts c) {
    return ReplayCounts.newBuilder()
        .setProductionOutputs(c.productionOutputs())
        .setCandidateOutputs(c.candidateOutputs())
        .setMatched(c.matched())
        .setOnlyProduction(c.onlyProduction())
        .setOnlyCandidate(c.onlyCandidate())
        .setDuplicateProduction(c.duplicateProduction())
        .setDuplicateCandidate(c.duplicateCandidate())
        .setProductionWithoutInputs(c.productionWithoutInputs())
        .setCandidateWithoutInputs(c.candidateWithoutInputs())
        .build();
  }

  private static ColumnComparison toProto(ReplayComparison.ColumnComparison c) {
    ColumnComparison.Builder b =
        ColumnComparison.newBuilder()
            .setColumn(c.column())
            .setKind(c.kind().name().toLowerCase(Locale.ROOT))
            .setCompared(c.compared())
            .setDiffering(c.differing())
            .setDistinctPairs(c.distinctPairs());
    if (c.meanAbsDelta() != null) {
      b.setMeanAbsDelta(c.meanAbsDelta());
    }
    if (c.maxAbsDelta() != null) {
      b.setMaxAbsDelta(c.maxAbsDelta());
    }
    if (c.meanDelta() != null) {
      b.setMeanDelta(c.meanDelta());
    }
    for (ReplayComparison.ValuePair p : c.confusion()) {
      ValuePair.Builder v = ValuePair.newBuilder().setCount(p.count());
      if (p.production() != null) {
        v.setProduction(p.production());
      }
      if (p.candidate() != null) {
        v.setCandidate(p.candidate());
      }
      b.addConfusion(v);
    }
    return b.build();
  }

  /** Serializes a batch as one Arrow IPC record batch message (its schema is sent apart). */
  static ByteString batchBytes(VectorSchemaRoot root) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch()) {
      MessageSerializer.serialize(new WriteChannel(Channels.newChannel(out)), batch);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ByteString.copyFrom(out.toByteArray());
  }

  private static String nonNull(String value) {
    return value == null ? "" : value;
  }
}
