package dev.tracelake.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.RecordRef;
import dev.tracelake.lake.TableName;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Explain returns the record, its run and its inputs' rows as of the snapshot each was read at. */
class ExplainTest extends LineageTestBase {
  private LakeTable features;
  private Committed featureCommit;
  private Committed predictionCommit;
  private RecordKey prediction;
  private RecordKey f1;
  private RecordKey f2;
  private final Instant started = Instant.parse("2026-05-01T10:00:00Z");

  @BeforeEach
  void scoreThenMoveTheFeaturesOn() {
    features = features();
    featureCommit = append(features, FEATURE_JOB, feature("u1", 1.5), feature("u2", 2.5));
    f1 = featureCommit.key("default.features", 0);
    f2 = featureCommit.key("default.features", 1);
    lineage.registerRun(
        RunInfo.builder("scoring-run-3")
            .job("ml", "fraud-scoring")
            .code("https://git.example.com/fraud.git", "abc123")
            .model("fraud", "v3")
            .parameter("threshold", "0.7")
            .startedAt(started)
            .build());
    predictionCommit =
        append(
            predictions(),
            FRAUD_V3,
            prediction(
                0.93, ref(f1, featureCommit.snapshotId()), ref(f2, featureCommit.snapshotId())));
    prediction = predictionCommit.key("default.predictions", 0);

    // the features table moves on: newer rows for the same entities, then a schema change
    append(features, FEATURE_JOB, feature("u1", 99.0), feature("u2", 98.0));
    features
        .updateSchema()
        .renameColumn("amount", "amount_usd")
        .addColumn("currency", ArrowType.Utf8.INSTANCE)
        .commit();
    Map<String, Object> changed = new LinkedHashMap<>();
    changed.put("entity", "u1");
    changed.put("amount_usd", 7.0);
    changed.put("currency", "EUR");
    append(features, FEATURE_JOB, new NewRecord(null, changed, List.of()));
    lineage.catchUp();
  }

  @Test
  void inputsAreShownAsOfTheCitedSnapshotAfterTheTableMovedOn() {
    Explanation explanation = lineage.explain(prediction);

    assertThat(explanation.problems()).isEmpty();
    ExplainNode root = explanation.root();
    assertThat(root.key()).isEqualTo(prediction);
    assertThat(root.state()).isEqualTo(NodeState.PRESENT);
    assertThat(root.snapshotId()).isEqualTo(predictionCommit.snapshotId());
    assertThat(root.value("score")).isEqualTo(0.93);
    assertThat(root.value("_record_id")).isEqualTo(prediction.recordId());
    assertThat(root.value("_model_version")).isEqualTo("v3");
    assertThat(root.value("_code_commit")).isEqualTo("abc123");
    assertThat(root.value("_ingested_at")).isInstanceOf(Instant.class);
    assertThat(root.provenance().modelVersion()).isEqualTo("v3");

    assertThat(root.inputs()).extracting(ExplainNode::key).containsExactly(f1, f2);
    ExplainNode first = root.input(f1).orElseThrow();
    assertThat(first.snapshotId()).isEqualTo(featureCommit.snapshotId());
    assertThat(first.value("amount")).isEqualTo(1.5);
    assertThat(first.value("entity")).isEqualTo("u1");
    assertThat(first.values()).doesNotContainKeys("amount_usd", "currency");
    assertThat(first.provenance().codeCommit()).isEqualTo("f00d123");
    assertThat(root.input(f2).orElseThrow().value("amount")).isEqualTo(2.5);

    RunInfo run = explanation.run().orElseThrow();
    assertThat(run.runId()).isEqualTo("scoring-run-3");
    assertThat(run.codeCommit()).isEqualTo("abc123");
    assertThat(run.codeRepository()).isEqualTo("https://git.example.com/fraud.git");
    assertThat(run.modelVersion()).isEqualTo("v3");
    assertThat(run.parameters()).containsEntry("threshold", "0.7");
    assertThat(run.startedAt()).isEqualTo(started);
    assertThat(explanation.runs()).containsKeys("scoring-run-3", "feature-run-1");
  }

  @Test
  void explanationRendersAsTreeJsonDotAndMermaid() throws Exception {
    Explanation explanation = lineage.explain(prediction);
    long s1 = featureCommit.snapshotId();

    String tree = LineageFormat.TREE.render(explanation);
    assertThat(tree)
        .startsWith(prediction + " @ snapshot " + predictionCommit.snapshotId())
        .contains("score = 0.93")
        .contains("├── " + f1 + " @ snapshot " + s1 + "  (run feature-run-1, commit f00d123)")
        .contains("└── " + f2 + " @ snapshot " + s1)
        .contains("amount = 1.5")
        .contains("run scoring-run-3: RUNNING, job ml/fraud-scoring, commit abc123")
        .contains("index current as of");

    JsonNode json = JSON.readTree(LineageFormat.JSON.render(explanation));
    assertThat(json.at("/record/recordId").asText()).isEqualTo(prediction.recordId());
    assertThat(json.at("/record/values/score").asDouble()).isEqualTo(0.93);
    assertThat(json.at("/record/inputs/0/snapshotId").asLong()).isEqualTo(s1);
    assertThat(json.at("/record/inputs/0/values/amount").asDouble()).isEqualTo(1.5);
    assertThat(json.at("/runs/scoring-run-3/modelVersion").asText()).isEqualTo("v3");
    assertThat(json.at("/problems").size()).isZero();

    String dot = LineageFormat.DOT.render(explanation);
    assertThat(dot)
        .startsWith("digraph lineage {")
        .contains("n1 -> n0 [label=\"@ " + s1 + "\"];")
        .contains("n2 -> n0 [label=\"@ " + s1 + "\"];")
        .contains("amount = 1.5")
        .endsWith("}\n");

    String mermaid = LineageFormat.MERMAID.render(explanation);
    assertThat(mermaid)
        .startsWith("flowchart LR\n")
        .contains("n1 -->|\"@ " + s1 + "\"| n0")
        .contains("n0[\"default.predictions<br/>" + prediction.recordId());

    TraceResult trace = lineage.traceUpstream(prediction);
    assertThat(JSON.readTree(LineageFormat.JSON.render(trace)).at("/edges").size()).isEqualTo(2);
    assertThat(LineageFormat.DOT.render(trace)).contains("n1 -> n0");
    assertThat(LineageFormat.MERMAID.render(trace)).contains("n2 -->|\"@ " + s1 + "\"| n0");
    assertThat(LineageFormat.TREE.render(trace)).contains("└── " + f2 + " @ snapshot " + s1);
  }

  @Test
  void missingAndNotYetCommittedInputsHaveNoValuesAndAreReported() {
    Committed late =
        append(
            lake.table(TableName.parse("predictions")),
            FRAUD_V3,
            prediction(
                0.5,
                new RecordRef("default.features", "gone", featureCommit.snapshotId()),
                ref(f1, featureCommit.snapshotId())));
    lineage.catchUp();

    Explanation explanation = lineage.explain(late.key("default.predictions", 0));

    ExplainNode gone = explanation.root().input(RecordKey.of("features", "gone")).orElseThrow();
    assertThat(gone.state()).isEqualTo(NodeState.MISSING);
    assertThat(gone.values()).isEmpty();
    assertThat(explanation.problems())
        .extracting(Problem::kind)
        .containsExactly(Problem.Kind.MISSING_INPUT);
    String dot = LineageFormat.DOT.render(explanation);
    assertThat(dot).contains("MISSING (never ingested)").contains("style=dashed, color=red");
    assertThat(LineageFormat.MERMAID.render(explanation)).contains("class n1 missing");
  }

  @Test
  void explainDepthAndRowLimitsTruncate() {
    Explanation shallow = lineage.explain(prediction, ExplainOptions.defaults().maxDepth(0));
    assertThat(shallow.root().inputs()).isEmpty();
    assertThat(shallow.truncated()).isTrue();

    Explanation oneRow = lineage.explain(prediction, ExplainOptions.defaults().maxRows(2));
    assertThat(oneRow.root().inputs()).hasSize(1);
    assertThat(oneRow.truncated()).isTrue();
  }
}
