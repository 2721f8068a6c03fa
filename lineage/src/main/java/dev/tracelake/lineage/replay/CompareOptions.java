package dev.tracelake.lineage.replay;

import java.util.List;
import java.util.Objects;

/**
 * How to compare a replay: which columns, grouped how, and how much detail to list.
 *
 * @param groupBy {@code model_version}, {@code run}, {@code day} (of the output's {@code
 *     _ingested_at}, UTC) or a column of the output table; null for no groups
 * @param columns the columns to compare; empty for every column but the metadata columns
 * @param maxPairs value pairs listed per categorical column, 1 to 1000
 * @param maxExamples record ids listed per kind of unpaired output and duplicate cases, 0 to 1000
 */
public record CompareOptions(String groupBy, List<String> columns, int maxPairs, int maxExamples) {
  public static final String GROUP_MODEL_VERSION = "model_version";
  public static final String GROUP_RUN = "run";
  public static final String GROUP_DAY = "day";

  /**
   * Checks the options.
   *
   * @throws dev.tracelake.lineage.LineageException INVALID_ARGUMENT for a limit out of range or a
   *     name with control characters
   */
  public CompareOptions {
    groupBy = ReplayText.value("Group-by", groupBy);
    columns = List.copyOf(Objects.requireNonNull(columns, "columns"));
    for (String c : columns) {
      if (ReplayText.value("Column", c) == null) {
        throw ReplayText.invalid("A column to compare is blank");
      }
    }
    if (maxPairs < 1 || maxPairs > 1000) {
      throw ReplayText.invalid("Value pairs listed must be 1 to 1000, got %d", maxPairs);
    }
    if (maxExamples < 0 || maxExamples > 1000) {
      throw ReplayText.invalid("Examples listed must be 0 to 1000, got %d", maxExamples);
    }
  }

  /** Returns the defaults: every column, no groups, 20 value pairs, 10 examples. */
  public static CompareOptions defaults() {
    return new CompareOptions(null, List.of(), 20, 10);
  }

  /** Groups by {@code value}. */
  public CompareOptions groupBy(String value) {
    return new CompareOptions(value, columns, maxPairs, maxExamples);
  }

  /** Compares only these columns. */
  public CompareOptions columns(List<String> value) {
    return new CompareOptions(groupBy, value, maxPairs, maxExamples);
  }

  /** Lists at most this many value pairs per categorical column. */
  public CompareOptions maxPairs(int value) {
    return new CompareOptions(groupBy, columns, value, maxExamples);
  }

  /** Lists at most this many examples of each kind. */
  public CompareOptions maxExamples(int value) {
    return new CompareOptions(groupBy, columns, maxPairs, value);
  }
}
