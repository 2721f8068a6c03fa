package dev.tracelake.client;

import java.util.List;
import java.util.Map;

/**
 * A candidate model as a replay runs it: given one batch of inputs, it returns its outputs for the
 * batch's cases. Each output row cites its case's inputs as its {@code _lineage} ({@link
 * ReplayInputBatch#lineage(int)}), so that it pairs with production's outputs for the same inputs.
 */
@FunctionalInterface
public interface ReplayModel {
  /**
   * Scores one batch.
   *
   * @param batch the inputs, valid during the call
   * @return the output rows, as for {@link TableWriter#appendRows}; empty when the batch has no
   *     case to answer
   */
  List<Map<String, Object>> score(ReplayInputBatch batch);
}
