package dev.tracelake.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.RecordRef;
import dev.tracelake.lake.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Missing inputs, unknown snapshots, cycles and lag are reported in answers, never thrown. */
class ProblemsTest extends LineageTestBase {

  @Test
  void inputNeverIngestedIsReportedAsMissing() {
    LakeTable features = features();
    Committed f = append(features, FEATURE_JOB, feature("u1", 1.5));
    LakeTable predictions = predictions();
    Committed p =
        append(
            predictions,
            FRAUD_V3,
            prediction(
                0.9,
                ref(f.key("default.features", 0), f.snapshotId()),
                new RecordRef("default.features", "never-ingested", f.snapshotId())));
    lineage.catchUp();

    RecordKey key = p.key("default.predictions", 0);
    TraceResult trace = lineage.traceUpstream(key);

    RecordKey missing = RecordKey.of("default.features", "never-ingested");
    assertThat(trace.node(missing)).get().extracting(TraceNode::state).isEqualTo(NodeState.MISSING);
    assertThat(trace.node(f.key("default.features", 0)))
        .get()
        .extracting(TraceNode::state)
        .isEqualTo(NodeState.PRESENT);
    assertThat(trace.problems())
        .containsExactly(
            new Problem(
                Problem.Kind.MISSING_INPUT,
                missing,
                "Record "
                    + key
                    + " lists input default.features/never-ingested read at snapshot "
                    + f.snapshotId()
                    + ", but never-ingested was never ingested into default.features"));
  }

  @Test
  void inputsIndexedAfterTheirOutputTraceAsFoundRecords() {
    // 20,000 edges in one snapshot fill the index's edge arrays exactly; the inputs, indexed
    // after it, have no inputs of their own, so their first edge would be one past the end
    LakeTable predictions = predictions();
    List<NewRecord> scored = new ArrayList<>();
    for (int r = 0; r < 2_000; r++) {
      List<RecordRef> inputs = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        inputs.add(new RecordRef("default.features", "f-" + (10 * r + i), null));
      }
      scored.add(new NewRecord(null, Map.of("score", 0.7), inputs));
    }
    Committed p = append(predictions, FRAUD_V3, scored);
    lineage.catchUp();
    LakeTable features = features();
    List<NewRecord> rows = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      rows.add(withId("f-" + i, feature("u" + i, i)));
    }
    append(features, FEATURE_JOB, rows);
    lineage.catchUp();

    TraceResult trace = lineage.traceUpstream(p.key("default.predictions", 0));

    assertThat(trace.problems()).isEmpty();
    assertThat(trace.nodes()).hasSize(11);
    assertThat(trace.edges()).hasSize(10);
  }

  @Test
  void inputFromTableThatDoesNotExistIsReportedAsMissing() {
    LakeTable predictions = predictions();
    Committed p =
        append(predictions, FRAUD_V3, prediction(0.4, new RecordRef("nowhere", "x-1", null)));
    lineage.catchUp();

    RecordKey key = p.key("default.predictions", 0);
    TraceResult trace = lineage.traceUpstream(key);

    assertThat(trace.problems())
        .singleElement()
        .satisfies(
            problem -> {
              assertThat(problem.kind()).isEqualTo(Problem.Kind.MISSING_INPUT);
              assertThat(problem.record()).isEqualTo(RecordKey.of("default.nowhere", "x-1"));
              assertThat(problem.message())
                  .isEqualTo(
                      "Record "
                          + key
                          + " lists input default.nowhere/x-1, but table default.nowhere does not"
                          + " exist");
            });
  }

  @Test
  void citedSnapshotThatDoesNotExistIsReported() {
    LakeTable features = features();
    Committed f = append(features, FEATURE_JOB, feature("u1", 1.5));
    LakeTable predictions = predictions();
    RecordKey feature = f.key("default.features", 0);
    Committed p = append(predictions, FRAUD_V3, prediction(0.4, ref(feature, 12345L)));
    lineage.catchUp();

    TraceResult trace = lineage.traceUpstream(p.key("default.predictions", 0));

    assertThat(trace.problems(Problem.Kind.SNAPSHOT_NOT_FOUND))
        .singleElement()
        .extracting(Problem::message)
        .isEqualTo(
            "Record "
                + p.key("default.predictions", 0)
                + " lists input "
                + feature
                + " read at snapshot 12345, but table default.features has no snapshot 12345");
    assertThat(trace.edges())
        .containsExactly(new TraceEdge(p.key("default.predictions", 0), feature, 12345L));

    Explanation explanation = lineage.explain(p.key("default.predictions", 0));
    assertThat(explanation.problems(Problem.Kind.SNAPSHOT_NOT_FOUND))
        .extracting(Problem::message)
        .anySatisfy(m -> assertThat(m).contains("has no snapshot 12345"));
    assertThat(explanation.root().inputs())
        .singleElement()
        .satisfies(n -> assertThat(n.values()).isEmpty());
  }

  @Test
  void cycleIsReportedAndTheWalkStops() {
    LakeTable t = lake.createTable(TableName.parse("loop"), FEATURES);
    // writer-supplied ids that reference each other across two appends
    append(
        t,
        FEATURE_JOB,
        withId(
            "rec-a",
            new NewRecord(
                null,
                java.util.Map.of("entity", "a"),
                List.of(new RecordRef("default.loop", "rec-b", null)))));
    lineage.catchUp();
    RecordKey a = RecordKey.of("default.loop", "rec-a");
    RecordKey b = RecordKey.of("default.loop", "rec-b");
    assertThat(lineage.traceUpstream(a).problems(Problem.Kind.MISSING_INPUT))
        .extracting(Problem::record)
        .containsExactly(b);

    append(
        t,
        FEATURE_JOB,
        withId(
            "rec-b",
            new NewRecord(
                null,
                java.util.Map.of("entity", "b"),
                List.of(new RecordRef("default.loop", "rec-a", null)))));
    lineage.catchUp();

    TraceResult trace = lineage.traceUpstream(a);
    assertThat(trace.nodes()).extracting(TraceNode::key).containsExactly(a, b);
    assertThat(trace.edges()).containsExactly(new TraceEdge(a, b, null), new TraceEdge(b, a, null));
    assertThat(trace.problems())
        .containsExactly(
            new Problem(
                Problem.Kind.CYCLE,
                a,
                "Lineage cycle: default.loop/rec-a -> default.loop/rec-b -> default.loop/rec-a"
                    + " (each record lists the next as an input); the walk stopped at the"
                    + " repeated record"));

    ImpactResult impact = lineage.impact(ImpactQuery.ofRecord(a));
    assertThat(impact.derived())
        .containsExactly(new TableRecords("default.loop", 1, List.of("rec-b")));

    Explanation explanation = lineage.explain(a);
    assertThat(explanation.problems(Problem.Kind.CYCLE)).hasSize(1);
    ExplainNode bNode = explanation.root().inputs().get(0);
    assertThat(bNode.key()).isEqualTo(b);
    assertThat(bNode.inputs())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.key()).isEqualTo(a);
              assertThat(n.inputs()).isEmpty();
            });
  }

  @Test
  void recordThatListsItselfIsACycle() {
    LakeTable t = lake.createTable(TableName.parse("selfish"), FEATURES);
    append(
        t,
        FEATURE_JOB,
        withId(
            "me",
            new NewRecord(
                null,
                java.util.Map.of("entity", "m"),
                List.of(new RecordRef("default.selfish", "me", null)))));
    lineage.catchUp();

    TraceResult trace = lineage.traceUpstream(RecordKey.of("default.selfish", "me"));

    assertThat(trace.problems(Problem.Kind.CYCLE))
        .extracting(Problem::message)
        .containsExactly(
            "Lineage cycle: default.selfish/me -> default.selfish/me (each record lists the next"
                + " as an input); the walk stopped at the repeated record");
  }

  @Test
  void recordNeverIngestedIsReportedNotThrown() {
    LakeTable features = features();
    Committed f = append(features, FEATURE_JOB, feature("u1", 1.5));
    lineage.catchUp();

    TraceResult trace = lineage.traceUpstream(RecordKey.of("features", "nope"));

    assertThat(trace.nodes())
        .singleElement()
        .extracting(TraceNode::state)
        .isEqualTo(NodeState.MISSING);
    assertThat(trace.problems())
        .extracting(Problem::message)
        .containsExactly(
            "Record default.features/nope was never ingested: table default.features has no record"
                + " with id nope (indexed to snapshot "
                + f.snapshotId()
                + ")");
    assertThat(lineage.traceUpstream(RecordKey.of("ghosts", "x")).problems())
        .extracting(Problem::message)
        .containsExactly(
            "Record default.ghosts/x is not in the lineage index: table default.ghosts does not"
                + " exist or is not indexed yet");
    assertThat(lineage.impact(ImpactQuery.ofRecord(RecordKey.of("features", "nope"))).problems())
        .extracting(Problem::kind)
        .containsExactly(Problem.Kind.RECORD_NOT_FOUND);
  }

  @Test
  void lagIsReportedUntilTheIndexCatchesUp() {
    LakeTable features = features();
    Committed first = append(features, FEATURE_JOB, feature("u1", 1.5));
    lineage.catchUp();
    Committed second = append(features, FEATURE_JOB, feature("u2", 2.5));
    RecordKey late = second.key("default.features", 0);

    IndexStatus status = lineage.indexStatus();
    assertThat(status.isCurrent()).isFalse();
    assertThat(status.lagging())
        .containsExactly(
            new TableIndexStatus(
                "default.features", first.snapshotId(), second.snapshotId(), 1, 1));

    TraceResult trace = lineage.traceUpstream(late);
    assertThat(trace.freshness().lagging())
        .containsExactly(
            new TableLag("default.features", first.snapshotId(), second.snapshotId(), 1));
    assertThat(trace.nodes())
        .singleElement()
        .extracting(TraceNode::state)
        .isEqualTo(NodeState.NOT_INDEXED);
    assertThat(trace.problems())
        .extracting(Problem::message)
        .containsExactly(
            "Record "
                + late
                + " is not in the lineage index, which lags: table default.features is indexed to"
                + " snapshot "
                + first.snapshotId()
                + ", its head is snapshot "
                + second.snapshotId()
                + " (1 snapshot(s) behind)");
    assertThat(trace.freshness().toString())
        .contains("default.features indexed to snapshot " + first.snapshotId());

    TraceResult fresh = lineage.traceUpstream(late, TraceOptions.defaults().catchUpFirst());
    assertThat(fresh.problems()).isEmpty();
    assertThat(fresh.freshness().isCurrent()).isTrue();
  }

  @Test
  void badOptionsAndClosedLineageThrowWithTheValue() {
    assertThatThrownBy(() -> TraceOptions.defaults().maxDepth(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Trace depth must be 0 or more, got -1");
    assertThatThrownBy(() -> ExplainOptions.defaults().maxRows(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Explain row limit must be 1 or more, got 0");
    assertThatThrownBy(() -> ImpactQuery.ofRun(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Impact query needs a run id, got ' '");
    assertThatThrownBy(() -> RecordKey.of("features", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "A record key needs a table and a record id, got table='features' record_id=''");
    assertThatThrownBy(() -> LineageFormat.parse("svg"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Unknown lineage format 'svg'; use tree, json, dot or mermaid");

    lineage.close();
    assertThatThrownBy(() -> lineage.traceUpstream(RecordKey.of("features", "x")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Lineage is closed");
  }
}
