package dev.tracelake.client;

import dev.tracelake.proto.v1.CompareReplayResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * A replay's production outputs paired with the candidate's, case by case (a case is a distinct set
 * of cited inputs, each at its snapshot), and how they differ: overall, per column and per group. A
 * matched case compares its first output on each side (smallest record id); further outputs are
 * duplicates, counted and listed.
 *
 * @param replay the replay compared
 * @param candidateSnapshotId the snapshot the candidate's outputs were read at
 * @param counts overall pairing counts
 * @param columns overall, per column
 * @param groupBy what groups were formed by; null for none
 * @param groups per group
 * @param duplicates cases with more than one output on a side (up to the examples limit)
 * @param onlyProductionExamples production outputs of cases the candidate did not answer
 * @param onlyCandidateExamples candidate outputs of cases production has not
 */
public record ReplayComparison(
    Replay replay,
    Long candidateSnapshotId,
    Counts counts,
    List<Column> columns,
    String groupBy,
    List<Group> groups,
    List<Duplicate> duplicates,
    List<String> onlyProductionExamples,
    List<String> onlyCandidateExamples) {
  public ReplayComparison {
    columns = List.copyOf(columns);
    groups = List.copyOf(groups);
    duplicates = List.copyOf(duplicates);
    onlyProductionExamples = List.copyOf(onlyProductionExamples);
    onlyCandidateExamples = List.copyOf(onlyCandidateExamples);
  }

  /** Pairing counts; see {@code ReplayCounts} in replay.proto. */
  public record Counts(
      long productionOutputs,
      long candidateOutputs,
      long matched,
      long onlyProduction,
      long onlyCandidate,
      long duplicateProduction,
      long duplicateCandidate,
      long productionWithoutInputs,
      long candidateWithoutInputs) {}

  /**
   * How one column differs over matched cases.
   *
   * @param kind {@code numeric}, {@code categorical} or {@code other}
   * @param meanAbsDelta numeric only, else null (as are the other deltas)
   * @param confusion categorical: (production, candidate) value pairs, most frequent first
   */
  public record Column(
      String column,
      String kind,
      long compared,
      long differing,
      Double meanAbsDelta,
      Double maxAbsDelta,
      Double meanDelta,
      List<ValuePair> confusion,
      long distinctPairs) {
    public Column {
      confusion = List.copyOf(confusion);
    }
  }

  /** A (production value, candidate value) pair and how often it occurs; nulls are null. */
  public record ValuePair(String production, String candidate, long count) {}

  /** The comparison within one group; {@code group} is null for outputs without a value. */
  public record Group(String group, Counts counts, List<Column> columns) {
    public Group {
      columns = List.copyOf(columns);
    }
  }

  /** A case with more than one output on a side; the compared output is first. */
  public record Duplicate(
      List<String> inputs, List<String> productionRecordIds, List<String> candidateRecordIds) {
    public Duplicate {
      inputs = List.copyOf(inputs);
      productionRecordIds = List.copyOf(productionRecordIds);
      candidateRecordIds = List.copyOf(candidateRecordIds);
    }
  }

  static ReplayComparison fromProto(CompareReplayResponse r) {
    List<Group> groups = new ArrayList<>();
    r.getGroupsList()
        .forEach(
            g ->
                groups.add(
                    new Group(
                        g.hasGroup() ? g.getGroup() : null,
                        counts(g.getCounts()),
                        columns(g.getColumnsList()))));
    List<Duplicate> duplicates = new ArrayList<>();
    r.getDuplicatesList()
        .forEach(
            d ->
                duplicates.add(
                    new Duplicate(
                        d.getInputsList(),
                        d.getProductionRecordIdsList(),
                        d.getCandidateRecordIdsList())));
    return new ReplayComparison(
        Replay.fromProto(r.getReplay()),
        r.hasCandidateSnapshotId() ? r.getCandidateSnapshotId() : null,
        counts(r.getCounts()),
        columns(r.getColumnsList()),
        r.getGroupBy().isEmpty() ? null : r.getGroupBy(),
        groups,
        duplicates,
        r.getOnlyProductionExamplesList(),
        r.getOnlyCandidateExamplesList());
  }

  private static Counts counts(dev.tracelake.proto.v1.ReplayCounts c) {
    return new Counts(
        c.getProductionOutputs(),
        c.getCandidateOutputs(),
        c.getMatched(),
        c.getOnlyProduction(),
        c.getOnlyCandidate(),
        c.getDuplicateProduction(),
        c.getDuplicateCandidate(),
        c.getProductionWithoutInputs(),
        c.getCandidateWithoutInputs());
  }

  private static List<Column> columns(List<dev.tracelake.proto.v1.ColumnComparison> columns) {
    List<Column> out = new ArrayList<>();
    for (dev.tracelake.proto.v1.ColumnComparison c : columns) {
      List<ValuePair> pairs = new ArrayList<>();
      c.getConfusionList()
          .forEach(
              p ->
                  pairs.add(
                      new ValuePair(
                          p.hasProduction() ? p.getProduction() : null,
                          p.hasCandidate() ? p.getCandidate() : null,
                          p.getCount())));
      out.add(
          new Column(
              c.getColumn(),
              c.getKind(),
              c.getCompared(),
              c.getDiffering(),
              c.hasMeanAbsDelta() ? c.getMeanAbsDelta() : null,
              c.hasMaxAbsDelta() ? c.getMaxAbsDelta() : null,
              c.hasMeanDelta() ? c.getMeanDelta() : null,
              pairs,
              c.getDistinctPairs()));
    }
    return out;
  }
}
