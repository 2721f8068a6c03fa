package dev.tracelake.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.lake.CompactionOptions;
import dev.tracelake.lake.LakeTable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lineage that cites snapshots from the first hour of a long history still explains once those
 * snapshots were archived out of the tables' live metadata and the heads were compacted: the
 * record, its inputs' rows as of the cited snapshots, the same snapshots, no problems; also for an
 * index rebuilt from the tables after the archiving.
 */
class ArchivedHistoryExplainTest extends LineageTestBase {

  /** What an explanation says, without the index's clock. */
  private record Said(
      NodeState state, Long snapshotId, Object score, List<List<Object>> inputs, int problems) {
    static Said of(Explanation e) {
      List<List<Object>> inputs = new ArrayList<>();
      for (ExplainNode in : e.root().inputs()) {
        inputs.add(
            List.of(
                in.key().toString(),
                in.state(),
                String.valueOf(in.snapshotId()),
                String.valueOf(in.value("amount")),
                String.valueOf(in.value("entity")),
                String.valueOf(in.value("_record_id"))));
      }
      return new Said(
          e.root().state(),
          e.root().snapshotId(),
          e.root().value("score"),
          inputs,
          e.problems().size());
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void explainsARecordCitingAnArchivedSnapshot(boolean pageIndexReader) {
    if (pageIndexReader) {
      PageIndexRowSource.attachTo(lineage, lake);
    }
    LakeTable features = features();
    LakeTable predictions = predictions();
    // the first hour: features, and a prediction citing them
    Committed firstFeatures = append(features, FEATURE_JOB, feature("u1", 1.5), feature("u2", 2.5));
    RecordKey f1 = firstFeatures.key("default.features", 0);
    RecordKey f2 = firstFeatures.key("default.features", 1);
    Committed scored =
        append(
            predictions,
            FRAUD_V3,
            prediction(
                0.93, ref(f1, firstFeatures.snapshotId()), ref(f2, firstFeatures.snapshotId())));
    RecordKey prediction = scored.key("default.predictions", 0);
    lineage.catchUp();
    Said before = Said.of(lineage.explain(prediction));
    assertThat(before.problems()).isZero();
    assertThat(before.inputs()).hasSize(2);

    // a long history after it, archived out of the live metadata, the heads compacted
    features.maintenance().setHistoryWindow(2, 2);
    predictions.maintenance().setHistoryWindow(2, 2);
    for (int i = 0; i < 10; i++) {
      Committed later = append(features, FEATURE_JOB, feature("u1", 100.0 + i));
      append(
          predictions,
          FRAUD_V3,
          prediction(0.5, ref(later.key("default.features", 0), later.snapshotId())));
    }
    CompactionOptions fanIn4 = CompactionOptions.defaults().withFanIn(4);
    assertThat(features.maintenance().compact(fanIn4).filesRewritten()).isEqualTo(11);
    assertThat(predictions.maintenance().compact(fanIn4).filesRewritten()).isEqualTo(11);
    assertThat(features.maintenance().archiveHistory().expired()).isPositive();
    assertThat(predictions.maintenance().archiveHistory().expired()).isPositive();

    // the index that saw it all happen
    lineage.catchUp();
    assertThat(Said.of(lineage.explain(prediction))).isEqualTo(before);

    // an index built from the tables now, walking the archived history
    try (Lineage rebuilt = Lineage.open(lake, LineageOptions.defaults().withManualRefresh())) {
      if (pageIndexReader) {
        PageIndexRowSource.attachTo(rebuilt, lake);
      }
      rebuilt.catchUp();
      Explanation explanation = rebuilt.explain(prediction);
      assertThat(Said.of(explanation)).isEqualTo(before);
      assertThat(explanation.root().input(f1).orElseThrow().value("amount")).isEqualTo(1.5);
    }
  }

  @Test
  void impactFromAnArchivedFeatureFindsThePrediction() {
    LakeTable features = features();
    LakeTable predictions = predictions();
    Committed first = append(features, FEATURE_JOB, feature("u1", 1.5));
    RecordKey f1 = first.key("default.features", 0);
    Committed scored = append(predictions, FRAUD_V3, prediction(0.9, ref(f1, first.snapshotId())));
    features.maintenance().setHistoryWindow(1, 1);
    for (int i = 0; i < 5; i++) {
      append(features, FEATURE_JOB, feature("u" + i, i));
    }
    features.maintenance().archiveHistory();
    try (Lineage rebuilt = Lineage.open(lake, LineageOptions.defaults().withManualRefresh())) {
      rebuilt.catchUp();
      ImpactResult impact = rebuilt.impact(ImpactQuery.ofRecord(f1));
      assertThat(impact.problems()).isEmpty();
      assertThat(impact.derivedIn("default.predictions").orElseThrow().recordIds())
          .containsExactly(scored.recordIds().get(0));
    }
  }
}
