package dev.tracelake.lineage.replay;

import java.util.List;

/**
 * A replay's production outputs paired with the candidate's, and how they differ. Production and
 * candidate outputs pair when they cite the same inputs (table, record id, snapshot) as a set; each
 * distinct set is a case. A case with outputs on both sides is matched and its first outputs (the
 * smallest record ids, i.e. the earliest written) are compared column by column; further outputs of
 * a case on either side are duplicates: counted and listed, not compared.
 *
 * @param replay the replay compared
 * @param candidateSnapshotId the snapshot the candidate's outputs were read at
 * @param counts overall pairing counts
 * @param columns overall differences per column
 * @param groupBy what groups were formed by; null for none
 * @param groups per group (of the production output, or the candidate's when unpaired), null first
 * @param duplicates cases with more than one output on a side (up to the examples limit)
 * @param onlyProductionExamples production outputs of cases the candidate did not answer
 * @param onlyCandidateExamples candidate outputs of cases production has not
 */
public record ReplayComparison(
    ReplayInfo replay,
    Long candidateSnapshotId,
    Counts counts,
    List<ColumnComparison> columns,
    String groupBy,
    List<GroupComparison> groups,
    List<DuplicateCase> duplicates,
    List<String> onlyProductionExamples,
    List<String> onlyCandidateExamples) {
  public ReplayComparison {
    columns = List.copyOf(columns);
    groups = List.copyOf(groups);
    duplicates = List.copyOf(duplicates);
    onlyProductionExamples = List.copyOf(onlyProductionExamples);
    onlyCandidateExamples = List.copyOf(onlyCandidateExamples);
  }

  /**
   * Pairing counts.
   *
   * @param productionOutputs production outputs in the slice
   * @param candidateOutputs candidate outputs on the branch
   * @param matched cases with outputs on both sides
   * @param onlyProduction cases with production outputs only
   * @param onlyCandidate cases with candidate outputs only
   * @param duplicateProduction production outputs beyond the first of their case
   * @param duplicateCandidate candidate outputs beyond the first of their case
   * @param productionWithoutInputs production outputs citing no input
   * @param candidateWithoutInputs candidate outputs citing no input
   */
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

  /** How a column is compared. */
  public enum Kind {
    /** Numbers: differing count and deltas. */
    NUMERIC,
    /** Strings and booleans: differing count and a confusion matrix. */
    CATEGORICAL,
    /** Anything else: compared for equality. */
    OTHER
  }

  /**
   * How one column differs over the matched cases.
   *
   * @param column the column (its current name)
   * @param kind how it is compared
   * @param compared pairs compared
   * @param differing pairs whose values differ (a null against a value counts)
   * @param meanAbsDelta numeric: mean |candidate - production| over pairs with both values, else
   *     null
   * @param maxAbsDelta numeric: largest |candidate - production|, else null
   * @param meanDelta numeric: mean (candidate - production), else null
   * @param confusion categorical: (production, candidate) value pairs with counts, unchanged ones
   *     included, the most frequent first, up to the limit
   * @param distinctPairs categorical: distinct value pairs, listed or not
   */
  public record ColumnComparison(
      String column,
      Kind kind,
      long compared,
      long differing,
      Double meanAbsDelta,
      Double maxAbsDelta,
      Double meanDelta,
      List<ValuePair> confusion,
      long distinctPairs) {
    public ColumnComparison {
      confusion = List.copyOf(confusion);
    }
  }

  /**
   * A (production value, candidate value) pair of a categorical column; nulls are null.
   *
   * @param production production's value
   * @param candidate the candidate's value
   * @param count pairs with these values
   */
  public record ValuePair(String production, String candidate, long count) {
    /** Returns whether the values differ. */
    public boolean changed() {
      return !java.util.Objects.equals(production, candidate);
    }
  }

  /**
   * The comparison within one group.
   *
   * @param group the group's value; null for outputs without one
   * @param counts pairing counts in the group
   * @param columns per column, over the group's matched cases
   */
  public record GroupComparison(String group, Counts counts, List<ColumnComparison> columns) {
    public GroupComparison {
      columns = List.copyOf(columns);
    }
  }

  /**
   * A case with more than one output on a side.
   *
   * @param inputs the case's inputs, {@code table/record_id@snapshot} each
   * @param productionRecordIds its production outputs, the compared one first
   * @param candidateRecordIds its candidate outputs, the compared one first
   */
  public record DuplicateCase(
      List<String> inputs, List<String> productionRecordIds, List<String> candidateRecordIds) {
    public DuplicateCase {
      inputs = List.copyOf(inputs);
      productionRecordIds = List.copyOf(productionRecordIds);
      candidateRecordIds = List.copyOf(candidateRecordIds);
    }
  }
}
