package dev.tracelake.cli;

import dev.tracelake.client.Provenance;
import dev.tracelake.client.Replay;
import dev.tracelake.client.ReplayComparison;
import dev.tracelake.lineage.replay.Candidate;
import dev.tracelake.lineage.replay.ReplayDefinition;
import dev.tracelake.lineage.replay.ReplayInfo;
import java.util.List;
import java.util.Locale;

/**
 * The embedded lake's replay answers as the client's values, so that the CLI prints one kind of
 * answer whether a server or the lake gave it.
 */
final class ReplayViews {
  private ReplayViews() {}

  static Replay of(ReplayInfo info) {
    ReplayDefinition d = info.definition();
    Candidate c = d.spec().candidate();
    var s = d.spec().slice();
    return new Replay(
        d.replayId(),
        s.table().toString(),
        new Replay.Slice(
            s.ref(),
            s.afterSnapshotId(),
            s.toSnapshotId(),
            s.from(),
            s.to(),
            s.modelName(),
            s.modelVersion(),
            s.runId()),
        new Provenance(c.codeCommit(), c.modelName(), c.modelVersion(), c.runId(), c.producer()),
        d.spec().branch(),
        d.spec().writerId(),
        d.spec().batchCases(),
        d.sourceSnapshotId(),
        d.baseSnapshotId(),
        d.createdAt(),
        d.productionOutputs(),
        d.outputsWithoutInputs(),
        d.cases(),
        d.batches(),
        d.inputRefs(),
        d.inputTables(),
        info.state().name(),
        info.committedBatches(),
        info.branchSnapshotId());
  }

  static ReplayComparison of(dev.tracelake.lineage.replay.ReplayComparison c) {
    return new ReplayComparison(
        of(c.replay()),
        c.candidateSnapshotId(),
        counts(c.counts()),
        columns(c.columns()),
        c.groupBy(),
        c.groups().stream()
            .map(
                g ->
                    new ReplayComparison.Group(g.group(), counts(g.counts()), columns(g.columns())))
            .toList(),
        c.duplicates().stream()
            .map(
                d ->
                    new ReplayComparison.Duplicate(
                        d.inputs(), d.productionRecordIds(), d.candidateRecordIds()))
            .toList(),
        c.onlyProductionExamples(),
        c.onlyCandidateExamples());
  }

  private static ReplayComparison.Counts counts(
      dev.tracelake.lineage.replay.ReplayComparison.Counts c) {
    return new ReplayComparison.Counts(
        c.productionOutputs(),
        c.candidateOutputs(),
        c.matched(),
        c.onlyProduction(),
        c.onlyCandidate(),
        c.duplicateProduction(),
        c.duplicateCandidate(),
        c.productionWithoutInputs(),
        c.candidateWithoutInputs());
  }

  private static List<ReplayComparison.Column> columns(
      List<dev.tracelake.lineage.replay.ReplayComparison.ColumnComparison> columns) {
    return columns.stream()
        .map(
            c ->
                new ReplayComparison.Column(
                    c.column(),
                    c.kind().name().toLowerCase(Locale.ROOT),
                    c.compared(),
                    c.differing(),
                    c.meanAbsDelta(),
                    c.maxAbsDelta(),
                    c.meanDelta(),
                    c.confusion().stream()
                        .map(
                            p ->
                                new ReplayComparison.ValuePair(
                                    p.production(), p.candidate(), p.count()))
                        .toList(),
                    c.distinctPairs()))
        .toList();
  }
}
