package dev.tracelake.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Downstream impact from a record, a run, a model version and a code commit. */
class ImpactTest extends LineageTestBase {
  private static final Provenance FRAUD_V4 =
      Provenance.builder()
          .codeCommit("def456")
          .model("fraud", "v4")
          .runId("scoring-run-4")
          .producer("scoring-service")
          .build();
  private static final Provenance ALERTING =
      Provenance.builder().codeCommit("777aaa").runId("alert-run").producer("alerting").build();

  private RecordKey f1;
  private RecordKey f2;
  private RecordKey f3;
  private List<String> v3Predictions;
  private List<String> v4Predictions;
  private RecordKey alert;

  @BeforeEach
  void buildPipeline() {
    Committed f =
        append(features(), FEATURE_JOB, feature("u1", 1.0), feature("u2", 2.0), feature("u3", 3));
    long s = f.snapshotId();
    f1 = f.key("default.features", 0);
    f2 = f.key("default.features", 1);
    f3 = f.key("default.features", 2);
    LakeTable predictions = predictions();
    Committed v3 =
        append(
            predictions,
            FRAUD_V3,
            prediction(0.1, ref(f1, s)),
            prediction(0.2, ref(f1, s), ref(f2, s)));
    Committed v4 =
        append(
            predictions,
            FRAUD_V4,
            prediction(0.3, ref(f2, s), ref(f1, s)),
            prediction(0.4, ref(f3, s)));
    v3Predictions = v3.recordIds();
    v4Predictions = v4.recordIds();
    LakeTable alerts = lake.createTable(TableName.parse("alerts"), FEATURES);
    Committed a =
        append(
            alerts,
            ALERTING,
            new NewRecord(
                null,
                Map.of("entity", "u1"),
                List.of(ref(v3.key("default.predictions", 0), v3.snapshotId()))));
    alert = a.key("default.alerts", 0);
    lineage.catchUp();
  }

  @Test
  void impactOfABadFeatureRowNamesThePredictionsThatUsedIt() {
    ImpactResult impact = lineage.impact(ImpactQuery.ofRecord(f1));

    assertThat(impact.seeds())
        .containsExactly(new TableRecords("default.features", 1, List.of(f1.recordId())));
    TableRecords predictions = impact.derivedIn("predictions").orElseThrow();
    assertThat(predictions.count()).isEqualTo(3);
    assertThat(predictions.recordIds())
        .containsExactlyInAnyOrder(
            v3Predictions.get(0), v3Predictions.get(1), v4Predictions.get(0));
    assertThat(impact.derivedIn("alerts").orElseThrow().recordIds())
        .containsExactly(alert.recordId());
    assertThat(impact.derivedCount()).isEqualTo(4);

    ImpactResult direct = lineage.impact(ImpactQuery.ofRecord(f1).maxDepth(1));
    assertThat(direct.derivedIn("alerts")).isEmpty();
    assertThat(direct.derivedCount()).isEqualTo(3);

    ImpactResult capped = lineage.impact(ImpactQuery.ofRecord(f1).idLimit(1));
    TableRecords cappedPredictions = capped.derivedIn("predictions").orElseThrow();
    assertThat(cappedPredictions.count()).isEqualTo(3);
    assertThat(cappedPredictions.recordIds()).hasSize(1);
    assertThat(cappedPredictions.idsComplete()).isFalse();
  }

  @Test
  void impactOfAModelVersionStartsFromEveryPredictionItMade() {
    ImpactResult v3 = lineage.impact(ImpactQuery.ofModel("fraud", "v3"));

    assertThat(v3.seeds())
        .containsExactly(new TableRecords("default.predictions", 2, v3Predictions));
    assertThat(v3.derived())
        .containsExactly(new TableRecords("default.alerts", 1, List.of(alert.recordId())));

    ImpactResult v4 = lineage.impact(ImpactQuery.ofModel("fraud", "v4"));
    assertThat(v4.seeds())
        .containsExactly(new TableRecords("default.predictions", 2, v4Predictions));
    assertThat(v4.derived()).isEmpty();

    assertThat(lineage.impact(ImpactQuery.ofModel("fraud", null)).seedCount()).isEqualTo(4);
    ImpactResult unknown = lineage.impact(ImpactQuery.ofModel("churn", "v1"));
    assertThat(unknown.seeds()).isEmpty();
    assertThat(unknown.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.kind()).isEqualTo(Problem.Kind.NOTHING_MATCHED);
              assertThat(p.message()).contains("model churn v1");
            });
  }

  @Test
  void impactOfACodeCommitFollowsEverythingItProduced() {
    ImpactResult impact = lineage.impact(ImpactQuery.ofCodeCommit("f00d123"));

    assertThat(impact.seeds())
        .containsExactly(
            new TableRecords(
                "default.features", 3, List.of(f1.recordId(), f2.recordId(), f3.recordId())));
    assertThat(impact.derivedIn("predictions").orElseThrow().count()).isEqualTo(4);
    assertThat(impact.derivedIn("alerts").orElseThrow().count()).isEqualTo(1);

    ImpactResult scoring = lineage.impact(ImpactQuery.ofCodeCommit("def456"));
    assertThat(scoring.seeds())
        .containsExactly(new TableRecords("default.predictions", 2, v4Predictions));
  }

  @Test
  void impactOfARunStartsFromItsRecords() {
    ImpactResult impact = lineage.impact(ImpactQuery.ofRun("scoring-run-3"));

    assertThat(impact.seeds())
        .containsExactly(new TableRecords("default.predictions", 2, v3Predictions));
    assertThat(impact.derivedCount()).isEqualTo(1);
    assertThat(impact.query().toString()).isEqualTo("run scoring-run-3");
  }
}
