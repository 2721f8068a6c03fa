package dev.tracelake.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.Provenance;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Records staged on a branch before publish (write-audit-publish): explain and impact with the ref
 * answer for them; without it, the answer says the record exists only on that branch.
 */
class BranchLineageTest extends LineageTestBase {
  private Committed features;
  private LakeTable predictions;
  private List<String> staged;
  private String auditAlert;

  @BeforeEach
  void stageOnABranch() {
    PageIndexRowSource.attachTo(lineage, lake);
    features = append(features(), FEATURE_JOB, feature("u1", 1.0), feature("u2", 2.0));
    predictions = predictions();
    append(predictions, FRAUD_V3, prediction(0.1, ref(features.key("default.features", 0), null)));
    predictions.createBranch("audit");
    staged =
        appendOnBranch(
            predictions,
            "audit",
            FRAUD_V3,
            row(0.7, features.key("default.features", 0), features.snapshotId()),
            row(0.8, features.key("default.features", 1), features.snapshotId()));
    // a record on the branch citing another record of the branch
    auditAlert =
        appendOnBranch(
                predictions,
                "audit",
                Provenance.builder().runId("audit-run").model("alerter", "v1").build(),
                row(1.0, RecordKey.of("default.predictions", staged.get(0)), null))
            .get(0);
    lineage.catchUp();
  }

  @Test
  void explainWithTheRefAnswersForAStagedRecord() {
    RecordKey alert = RecordKey.of("default.predictions", auditAlert);

    Explanation e = lineage.explain(alert, ExplainOptions.defaults().ref("audit"));

    assertThat(e.root().state()).isEqualTo(NodeState.PRESENT);
    assertThat(e.root().values()).containsEntry("score", 1.0);
    ExplainNode prediction = e.root().inputs().get(0);
    assertThat(prediction.key().recordId()).isEqualTo(staged.get(0));
    assertThat(prediction.values()).containsEntry("score", 0.7);
    ExplainNode feature = prediction.inputs().get(0);
    assertThat(feature.key()).isEqualTo(features.key("default.features", 0));
    assertThat(feature.values()).containsEntry("entity", "u1");
    assertThat(e.problems()).extracting(Problem::kind).containsExactly(Problem.Kind.ON_BRANCH);
    assertThat(e.problems().get(0).message()).contains("is on audit").contains("not on main");
  }

  @Test
  void withoutTheRefTheAnswerSaysWhichBranchHoldsTheRecord() {
    RecordKey key = RecordKey.of("default.predictions", staged.get(1));

    Explanation e = lineage.explain(key);
    ImpactResult impact = lineage.impact(ImpactQuery.ofRecord(key));

    assertThat(e.problems(Problem.Kind.RECORD_NOT_FOUND))
        .singleElement()
        .extracting(Problem::message)
        .asString()
        .contains("exists only on branch audit of table default.predictions")
        .contains("ref audit");
    assertThat(impact.problems())
        .singleElement()
        .extracting(Problem::message)
        .asString()
        .contains("exists only on branch audit");
    assertThatThrownBy(
            () ->
                lineage.explain(
                    RecordKey.of("default.predictions", "x"),
                    ExplainOptions.defaults().ref("no-such-branch")))
        .isInstanceOf(LineageException.class)
        .hasMessageContaining("No table has a branch or tag named no-such-branch");
  }

  @Test
  void impactWithTheRefFollowsStagedRecords() {
    RecordKey u1 = features.key("default.features", 0);

    ImpactResult onMain = lineage.impact(ImpactQuery.ofRecord(u1));
    ImpactResult onAudit = lineage.impact(ImpactQuery.ofRecord(u1).ref("audit"));
    ImpactResult alerter = lineage.impact(ImpactQuery.ofModel("alerter", "v1").ref("audit"));
    ImpactResult alerterOnMain = lineage.impact(ImpactQuery.ofModel("alerter", "v1"));

    assertThat(onMain.derivedCount()).isEqualTo(1);
    // main's prediction, the staged prediction citing u1, and the staged alert citing that
    assertThat(onAudit.derivedCount()).isEqualTo(3);
    assertThat(onAudit.derived().get(0).recordIds()).contains(staged.get(0), auditAlert);
    assertThat(onAudit.derived().get(0).recordIds()).doesNotContain(staged.get(1));
    assertThat(alerter.seedCount()).isEqualTo(1);
    assertThat(alerter.problems()).isEmpty();
    assertThat(alerterOnMain.problems())
        .extracting(Problem::kind)
        .containsExactly(Problem.Kind.NOTHING_MATCHED);
  }

  private static ObjectNode row(double score, RecordKey input, Long snapshot) {
    ObjectNode row = JSON.createObjectNode();
    row.put("score", score);
    ArrayNode lineage = row.putArray("_lineage");
    ObjectNode ref = lineage.addObject();
    ref.put("table", input.table());
    ref.put("record_id", input.recordId());
    if (snapshot != null) {
      ref.put("snapshot_id", snapshot);
    }
    return row;
  }

  private List<String> appendOnBranch(
      LakeTable table, String branch, Provenance provenance, ObjectNode... rows) {
    List<String> json = java.util.Arrays.stream(rows).map(ObjectNode::toString).toList();
    try (VectorSchemaRoot batch = table.batchChecker().fromJson(json, allocator);
        PendingAppend append = table.newAppend(provenance, branch)) {
      List<String> ids = append.write(batch);
      append.commit();
      return ids;
    }
  }
}
