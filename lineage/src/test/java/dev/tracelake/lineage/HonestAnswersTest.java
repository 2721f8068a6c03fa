package dev.tracelake.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.RecordRef;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Answers that say what they do not know (issue 16, part 3): an input not in the snapshot cited for
 * it is MISSING in every format, never PRESENT without values, and each problem is reported once;
 * withheld values are marked; an input cited without a snapshot shows none; the run line shows the
 * record's own model and commit; impact of something unknown says so, a record cited but never
 * ingested has its citers as impact, and cycles are reported downstream too. Each case runs with
 * lake-core's scan and with the page-index reader.
 */
class HonestAnswersTest extends LineageTestBase {
  private LakeTable features;
  private Committed early;
  private Committed late;
  private Committed otherTable;

  private void setUp(boolean pageIndex) {
    if (pageIndex) {
      PageIndexRowSource.attachTo(lineage, lake);
    }
    features = features();
    early = append(features, FEATURE_JOB, feature("u1", 1.0), feature("u2", 2.0));
    late = append(features, FEATURE_JOB, feature("u3", 3.0));
    otherTable = append(predictions(), FRAUD_V3, prediction(0.1));
  }

  private ExplainNode only(Explanation e, RecordKey input) {
    return e.root().input(input).orElseThrow();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void inputsNotInTheCitedSnapshotAreMissingInEveryFormatAndReportedOnce(boolean pageIndex)
      throws Exception {
    setUp(pageIndex);
    RecordKey u1 = early.key("default.features", 0);
    RecordKey u3 = late.key("default.features", 0);
    RecordKey ghost = RecordKey.of("default.features", "ghost");
    // u3 cited at the snapshot before it existed; u1 at a snapshot of another table; a ghost
    Committed p =
        append(
            lake.table(dev.tracelake.lake.TableName.parse("predictions")),
            FRAUD_V3,
            prediction(
                0.5,
                ref(u3, early.snapshotId()),
                ref(u1, otherTable.snapshotId()),
                ref(ghost, early.snapshotId()),
                ref(early.key("default.features", 1), early.snapshotId())));
    lineage.catchUp();

    Explanation e = lineage.explain(p.key("default.predictions", 0));

    for (RecordKey missing : List.of(u3, u1, ghost)) {
      ExplainNode node = only(e, missing);
      assertThat(node.state()).as("%s", missing).isEqualTo(NodeState.MISSING);
      assertThat(node.values()).as("%s", missing).isEmpty();
      assertThat(node.readAtSnapshotId()).isNull();
      assertThat(e.problems().stream().filter(pr -> missing.equals(pr.record())))
          .as("problems about %s", missing)
          .hasSize(1);
    }
    assertThat(e.problems()).hasSize(3).allMatch(pr -> pr.record() != null);
    ExplainNode present = only(e, early.key("default.features", 1));
    assertThat(present.state()).isEqualTo(NodeState.PRESENT);
    assertThat(present.values()).containsEntry("entity", "u2");

    String tree = LineageFormat.TREE.render(e);
    assertThat(tree).contains(u3 + " @ snapshot " + early.snapshotId() + "  [MISSING]");
    assertThat(tree).contains(u1 + " @ snapshot " + otherTable.snapshotId() + "  [MISSING]");
    JsonNode json = JSON.readTree(LineageFormat.JSON.render(e));
    assertThat(json.at("/record/inputs/0/state").asText()).isEqualTo("MISSING");
    assertThat(json.at("/record/inputs/0/values").size()).isZero();
    assertThat(json.at("/problems").size()).isEqualTo(3);
    String dot = LineageFormat.DOT.render(e);
    assertThat(dot).contains("MISSING at snapshot " + early.snapshotId());
    assertThat(dot).contains("MISSING (never ingested)");
    assertThat(LineageFormat.MERMAID.render(e)).contains("class n1,n2,n3 missing");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void valuesOfTablesTheAskerMayNotReadAreWithheldNotMissing(boolean pageIndex) {
    setUp(pageIndex);
    RecordKey u1 = early.key("default.features", 0);
    Committed p = append(predictions(features), FRAUD_V3, prediction(0.5, ref(u1, null)));
    lineage.catchUp();
    ExplainOptions noFeatures =
        ExplainOptions.defaults().valueAccess(t -> !t.equals("default.features"));

    Explanation e = lineage.explain(p.key("default.predictions", 0), noFeatures);

    ExplainNode input = only(e, u1);
    assertThat(input.state()).isEqualTo(NodeState.WITHHELD);
    assertThat(input.values()).isEmpty();
    assertThat(e.root().state()).isEqualTo(NodeState.PRESENT);
    assertThat(e.root().values()).containsEntry("score", 0.5);
    assertThat(e.problems()).isEmpty();
    assertThat(LineageFormat.TREE.render(e)).contains(u1 + "  [WITHHELD]");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void anInputCitedWithoutSnapshotShowsNoneAndItsRowAsCommitted(boolean pageIndex) {
    setUp(pageIndex);
    RecordKey u1 = early.key("default.features", 0);
    Committed p = append(predictions(features), FRAUD_V3, prediction(0.5, ref(u1, null)));
    lineage.catchUp();

    Explanation e = lineage.explain(p.key("default.predictions", 0));

    ExplainNode input = only(e, u1);
    assertThat(input.snapshotId()).isNull();
    assertThat(input.readAtSnapshotId()).isEqualTo(early.snapshotId());
    assertThat(input.values()).containsEntry("entity", "u1");
    assertThat(LineageFormat.TREE.render(e))
        .contains("(no snapshot cited; row as committed in snapshot " + early.snapshotId() + ")");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void theRunLineShowsTheModelAndCommitOfTheRecordsOwnTable(boolean pageIndex) {
    setUp(pageIndex);
    // one run writes two tables with different models and commits
    Provenance scoring =
        Provenance.builder().runId("shared-run").codeCommit("aaa111").model("fraud", "v3").build();
    Provenance alerting =
        Provenance.builder()
            .runId("shared-run")
            .codeCommit("bbb222")
            .model("alerter", "v9")
            .build();
    Committed scored = append(predictions(features), scoring, prediction(0.9));
    LakeTable alerts = lake.createTable(dev.tracelake.lake.TableName.parse("alerts"), PREDICTIONS);
    Committed alert =
        append(alerts, alerting, prediction(1.0, ref(scored.key("default.predictions", 0), null)));
    lineage.catchUp();

    Explanation e = lineage.explain(alert.key("default.alerts", 0));

    RunInfo run = e.run().orElseThrow();
    assertThat(run.modelName()).isEqualTo("alerter");
    assertThat(run.modelVersion()).isEqualTo("v9");
    assertThat(run.codeCommit()).isEqualTo("bbb222");
    assertThat(LineageFormat.TREE.render(e))
        .contains("run shared-run: ")
        .contains("commit bbb222")
        .contains("model alerter v9")
        .doesNotContain("model fraud v3, started");
  }

  @ParameterizedTest
  @ValueSource(strings = {"run", "model", "commit"})
  void impactOfSomethingUnknownSaysSo(String kind) {
    setUp(false);
    lineage.catchUp();
    ImpactQuery query =
        switch (kind) {
          case "run" -> ImpactQuery.ofRun("no-such-run");
          case "model" -> ImpactQuery.ofModel("no-such-model", "v1");
          default -> ImpactQuery.ofCodeCommit("deadbeef");
        };

    ImpactResult result = lineage.impact(query);

    assertThat(result.seedCount()).isZero();
    assertThat(result.problems())
        .singleElement()
        .satisfies(
            pr -> {
              assertThat(pr.kind()).isEqualTo(Problem.Kind.NOTHING_MATCHED);
              assertThat(pr.message()).contains(query.toString());
            });
  }

  @ParameterizedTest
  @ValueSource(booleans = {false})
  void aRecordCitedButNeverIngestedHasItsCitersAsImpact(boolean unused) {
    setUp(false);
    RecordKey ghost = RecordKey.of("default.features", "ghost");
    Committed p =
        append(
            predictions(features),
            FRAUD_V3,
            prediction(0.5, ref(ghost, null)),
            prediction(0.6, ref(ghost, null)));
    lineage.catchUp();

    ImpactResult result = lineage.impact(ImpactQuery.ofRecord(ghost));

    assertThat(result.derivedCount()).isEqualTo(2);
    assertThat(result.derived())
        .singleElement()
        .extracting(TableRecords::table)
        .isEqualTo("default.predictions");
    assertThat(result.derived().get(0).recordIds())
        .containsExactlyInAnyOrderElementsOf(p.recordIds());
    assertThat(result.problems())
        .extracting(Problem::kind)
        .containsExactly(Problem.Kind.MISSING_INPUT);
    assertThat(result.problems().get(0).message()).contains("never ingested");

    ImpactResult nobody = lineage.impact(ImpactQuery.ofRecord(RecordKey.of("features", "x")));
    assertThat(nobody.problems())
        .extracting(Problem::kind)
        .containsExactly(Problem.Kind.RECORD_NOT_FOUND);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false})
  void impactReportsCyclesAsTheTraceDoes(boolean unused) {
    LakeTable loop =
        lake.createTable(dev.tracelake.lake.TableName.parse("loop"), LineageTestBase.PREDICTIONS);
    append(
        loop,
        FRAUD_V3,
        withId("a", prediction(0.1, new RecordRef("default.loop", "b", null))),
        withId("b", prediction(0.2, new RecordRef("default.loop", "c", null))),
        withId("c", prediction(0.3, new RecordRef("default.loop", "a", null))));
    lineage.catchUp();

    ImpactResult impact = lineage.impact(ImpactQuery.ofRecord(RecordKey.of("loop", "a")));
    TraceResult trace = lineage.traceUpstream(RecordKey.of("loop", "a"));

    assertThat(impact.derivedCount()).isEqualTo(2);
    assertThat(impact.problems()).extracting(Problem::kind).containsExactly(Problem.Kind.CYCLE);
    assertThat(trace.problems()).extracting(Problem::kind).containsExactly(Problem.Kind.CYCLE);
    assertThat(impact.problems().get(0).message())
        .contains("default.loop/a")
        .contains("default.loop/b")
        .contains("default.loop/c")
        .contains("each record lists the next as an input");
  }

  private LakeTable predictions(LakeTable unused) {
    return lake.exists(dev.tracelake.lake.TableName.parse("predictions"))
        ? lake.table(dev.tracelake.lake.TableName.parse("predictions"))
        : predictions();
  }
}
