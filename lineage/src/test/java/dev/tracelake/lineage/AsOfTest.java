package dev.tracelake.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.lake.LakeTable;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** "As of" answers ignore records, and so edges, committed after the given time. */
class AsOfTest extends LineageTestBase {

  @Test
  void asOfExcludesLaterRecordsAndEdges() {
    LakeTable features = features();
    Committed f = append(features, FEATURE_JOB, feature("u1", 1.5));
    RecordKey feature = f.key("default.features", 0);
    LakeTable predictions = predictions();
    Committed p1 = append(predictions, FRAUD_V3, prediction(0.1, ref(feature, f.snapshotId())));
    Committed p2 = append(predictions, FRAUD_V3, prediction(0.2, ref(feature, f.snapshotId())));
    lineage.catchUp();
    Instant t1 = features.snapshot(f.snapshotId()).committedAt();
    Instant t2 = predictions.snapshot(p1.snapshotId()).committedAt();
    Instant t3 = predictions.snapshot(p2.snapshotId()).committedAt();
    assertThat(t2).isAfter(t1);
    assertThat(t3).isAfter(t2);
    RecordKey first = p1.key("default.predictions", 0);
    RecordKey second = p2.key("default.predictions", 0);

    assertThat(lineage.impact(ImpactQuery.ofRecord(feature).asOf(t2)).derived())
        .containsExactly(new TableRecords("default.predictions", 1, List.of(first.recordId())));
    assertThat(lineage.impact(ImpactQuery.ofRecord(feature)).derivedCount()).isEqualTo(2);
    assertThat(lineage.impact(ImpactQuery.ofModel("fraud", "v3").asOf(t2)).seedCount())
        .isEqualTo(1);

    TraceResult before = lineage.traceUpstream(second, TraceOptions.defaults().asOf(t2));
    assertThat(before.nodes())
        .singleElement()
        .extracting(TraceNode::state)
        .isEqualTo(NodeState.MISSING);
    assertThat(before.problems())
        .extracting(Problem::message)
        .containsExactly(
            "Record " + second + " was committed at " + t3 + ", after the as-of time " + t2);

    TraceResult then = lineage.traceUpstream(first, TraceOptions.defaults().asOf(t2));
    assertThat(then.problems()).isEmpty();
    assertThat(then.nodes()).extracting(TraceNode::key).containsExactly(first, feature);

    TraceResult tooEarly = lineage.traceUpstream(first, TraceOptions.defaults().asOf(t1));
    assertThat(tooEarly.problems())
        .extracting(Problem::kind)
        .containsExactly(Problem.Kind.RECORD_NOT_FOUND);

    Explanation explained = lineage.explain(first, ExplainOptions.defaults().asOf(t2));
    assertThat(explained.root().inputs()).extracting(ExplainNode::key).containsExactly(feature);
  }
}
