package dev.tracelake.lineage.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lineage.LineageException;
import dev.tracelake.lineage.replay.ReplayComparison.ColumnComparison;
import dev.tracelake.lineage.replay.ReplayComparison.Counts;
import dev.tracelake.lineage.replay.ReplayComparison.GroupComparison;
import dev.tracelake.lineage.replay.ReplayComparison.Kind;
import dev.tracelake.lineage.replay.ReplayComparison.ValuePair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Comparing a replay: a candidate answers the streamed cases on the branch (one case not at all,
 * one twice, plus an answer to a case production never had and one citing nothing), and every
 * pairing and difference is checked against values computed here from what each side wrote.
 */
class ReplayCompareTest extends ReplayTestBase {
  static final Provenance V4 =
      Provenance.builder().codeCommit("c0ffee4").model("fraud", "v4").runId("replay-r").build();

  /** A candidate output as the test wrote it. */
  record Written(String id, SortedSet<String> key, double score, String decision) {}

  private ReplayInfo replay;
  private MainState predictionsBefore;
  private MainState featuresBefore;
  private final List<Written> candidate = new ArrayList<>();
  private int unanswered = -1;
  private int answeredTwice = -1;

  @BeforeEach
  void runTheCandidate() {
    predictionsBefore = main(s.predictions);
    featuresBefore = main(s.features);
    replay = replays.create(spec("r", v3())).replay();
    List<SortedSet<String>> order =
        new ArrayList<>(expectedCases(p -> p.run().startsWith("scoring-")).keySet());
    unanswered = 3;
    answeredTwice = 2;
    try (ReplayStream stream = replays.stream("r", 0, 0, allocator)) {
      while (true) {
        try (ReplayBatch batch = stream.next()) {
          if (batch == null) {
            break;
          }
          List<String> rows = new ArrayList<>();
          List<Written> pending = new ArrayList<>();
          for (ReplayStreamTest.StreamedCase c : ReplayStreamTest.read(batch)) {
            assertThat(c.lineage()).isEqualTo(order.get((int) c.number()));
            if (c.number() == unanswered) {
              continue;
            }
            int answers = c.number() == answeredTwice ? 2 : 1;
            for (int a = 0; a < answers; a++) {
              double score = candidateScore((int) c.number(), a);
              String decision = ReplayScenario.decision(score);
              rows.add(ReplayScenario.predictionRow("u", score, decision, cites(c.lineage())));
              pending.add(new Written(null, c.lineage(), score, decision));
            }
          }
          if (batch.batch() == 3) {
            // an answer to a case production never had, and one citing nothing
            List<ReplayScenario.Cite> foreign = List.of(s.cite(10), s.cite(11));
            rows.add(ReplayScenario.predictionRow("u", 0.99, "block", foreign));
            pending.add(new Written(null, ReplayScenario.key(foreign), 0.99, "block"));
            rows.add(ReplayScenario.predictionRow("u", 0.5, "review", List.of()));
          }
          ReplayScenario.Committed c = s.candidateBatch(replay, batch.batch(), V4, rows);
          for (int i = 0; i < pending.size(); i++) {
            Written w = pending.get(i);
            candidate.add(new Written(c.ids().get(i), w.key(), w.score(), w.decision()));
          }
          if (batch.batch() == 1) {
            ReplayInfo halfway = replays.get("r");
            assertThat(halfway.state()).isEqualTo(ReplayState.RUNNING);
            assertThat(halfway.committedBatches()).isEqualTo(2);
            assertThatThrownBy(() -> replays.publish("r"))
                .isInstanceOf(LineageException.class)
                .hasMessageContaining("Replay r has committed 2 of 4 batches");
          }
        }
      }
    }
  }

  /** The candidate model: production's score scaled, so some decisions change. */
  private double candidateScore(int caseNumber, int answer) {
    double production = firstProduction(caseNumber).score();
    return Math.round(Math.min(1.0, production * 1.4 + 0.01 * answer) * 1000) / 1000.0;
  }

  private ReplayScenario.Prediction firstProduction(int caseNumber) {
    var cases = new ArrayList<>(expectedCases(p -> p.run().startsWith("scoring-")).values());
    return cases.get(caseNumber).get(0);
  }

  private static List<ReplayScenario.Cite> cites(SortedSet<String> key) {
    List<ReplayScenario.Cite> out = new ArrayList<>();
    for (String k : key) {
      String table = k.substring(0, k.indexOf('/'));
      String id = k.substring(k.indexOf('/') + 1, k.lastIndexOf('@'));
      String at = k.substring(k.lastIndexOf('@') + 1);
      out.add(new ReplayScenario.Cite(table, id, at.equals("-") ? null : Long.parseLong(at)));
    }
    return out;
  }

  @Test
  void everyPairingAndDifferenceIsAsComputedFromBothSides() {
    ReplayComparison diff =
        replays.compare("r", CompareOptions.defaults().maxPairs(100).maxExamples(100));

    Map<SortedSet<String>, List<ReplayScenario.Prediction>> production =
        expectedCases(p -> p.run().startsWith("scoring-"));
    Map<SortedSet<String>, List<Written>> answers = new HashMap<>();
    for (Written w : candidate) {
      answers.computeIfAbsent(w.key(), k -> new ArrayList<>()).add(w);
    }
    answers.values().forEach(l -> l.sort((a, b) -> a.id().compareTo(b.id())));
    long matched = 0;
    long onlyProduction = 0;
    List<double[]> scores = new ArrayList<>();
    Map<String, Long> decisions = new TreeMap<>();
    List<String> onlyProductionIds = new ArrayList<>();
    for (var e : production.entrySet()) {
      List<Written> a = answers.get(e.getKey());
      if (a == null) {
        onlyProduction++;
        onlyProductionIds.add(e.getValue().get(0).id());
        continue;
      }
      matched++;
      ReplayScenario.Prediction p = e.getValue().get(0);
      Written c = a.get(0);
      scores.add(new double[] {p.score(), c.score()});
      decisions.merge(p.decision() + "->" + c.decision(), 1L, Long::sum);
    }
    long onlyCandidate = answers.keySet().stream().filter(k -> !production.containsKey(k)).count();

    // the skipped case (f8 cited where it is not) and the unanswered one
    assertThat(onlyProduction).isEqualTo(2);
    assertThat(onlyCandidate).isEqualTo(1);
    assertThat(diff.counts())
        .isEqualTo(
            new Counts(
                17,
                candidate.size() + 1,
                matched,
                onlyProduction,
                onlyCandidate,
                1, // p10 repeats p1's case
                1, // case 2 answered twice
                1, // p9
                1));
    assertThat(diff.candidateSnapshotId()).isEqualTo(replays.get("r").branchSnapshotId());

    ColumnComparison score = column(diff.columns(), "score");
    assertThat(score.kind()).isEqualTo(Kind.NUMERIC);
    assertThat(score.compared()).isEqualTo(matched);
    assertThat(score.differing()).isEqualTo(scores.stream().filter(x -> x[0] != x[1]).count());
    assertThat(score.meanAbsDelta())
        .isCloseTo(
            scores.stream().mapToDouble(x -> Math.abs(x[1] - x[0])).average().orElseThrow(),
            org.assertj.core.data.Offset.offset(1e-12));
    assertThat(score.maxAbsDelta())
        .isCloseTo(
            scores.stream().mapToDouble(x -> Math.abs(x[1] - x[0])).max().orElseThrow(),
            org.assertj.core.data.Offset.offset(1e-12));
    assertThat(score.meanDelta())
        .isCloseTo(
            scores.stream().mapToDouble(x -> x[1] - x[0]).average().orElseThrow(),
            org.assertj.core.data.Offset.offset(1e-12));

    ColumnComparison decision = column(diff.columns(), "decision");
    assertThat(decision.kind()).isEqualTo(Kind.CATEGORICAL);
    Map<String, Long> confusion = new TreeMap<>();
    decision
        .confusion()
        .forEach(v -> confusion.put(v.production() + "->" + v.candidate(), v.count()));
    assertThat(confusion).isEqualTo(decisions);
    assertThat(decision.distinctPairs()).isEqualTo(decisions.size());
    assertThat(decision.differing())
        .isEqualTo(
            decision.confusion().stream()
                .filter(ValuePair::changed)
                .mapToLong(ValuePair::count)
                .sum());
    assertThat(decision.confusion())
        .isSortedAccordingTo((a, b) -> Long.compare(b.count(), a.count()));

    ColumnComparison user = column(diff.columns(), "user_id");
    assertThat(user.differing()).isEqualTo(matched); // the candidate wrote "u" for every user

    assertThat(diff.onlyProductionExamples())
        .containsExactlyInAnyOrderElementsOf(onlyProductionIds);
    assertThat(diff.onlyCandidateExamples())
        .containsExactly(candidate.get(candidate.size() - 1).id());
    assertThat(diff.duplicates()).hasSize(2);
    assertThat(diff.duplicates())
        .anySatisfy(
            d -> {
              assertThat(d.productionRecordIds()).containsExactly(s.p(1).id(), s.p(10).id());
              assertThat(d.candidateRecordIds()).hasSize(1);
              assertThat(d.inputs()).containsExactlyElementsOf(ReplayScenario.key(s.p(1).cites()));
            })
        .anySatisfy(d -> assertThat(d.candidateRecordIds()).hasSize(2));
  }

  @Test
  void groupsSplitTheCountsAndDifferences() {
    ReplayComparison byRun = replays.compare("r", CompareOptions.defaults().groupBy("run"));

    assertThat(byRun.groupBy()).isEqualTo("run");
    // each case is grouped by its first production output's run; the unpaired candidate case by
    // the candidate's own run
    Map<SortedSet<String>, List<ReplayScenario.Prediction>> production =
        expectedCases(p -> p.run().startsWith("scoring-"));
    Map<String, long[]> expected = new TreeMap<>();
    java.util.Set<SortedSet<String>> answered = new java.util.HashSet<>();
    candidate.forEach(w -> answered.add(w.key()));
    for (var e : production.entrySet()) {
      long[] g = expected.computeIfAbsent(e.getValue().get(0).run(), k -> new long[3]);
      g[answered.contains(e.getKey()) ? 0 : 1]++;
    }
    expected.computeIfAbsent("replay-r", k -> new long[3])[2]++;
    assertThat(byRun.groups())
        .extracting(GroupComparison::group)
        .containsExactlyElementsOf(expected.keySet());
    for (GroupComparison g : byRun.groups()) {
      long[] want = expected.get(g.group());
      assertThat(g.counts().matched()).as(g.group()).isEqualTo(want[0]);
      assertThat(g.counts().onlyProduction()).as(g.group()).isEqualTo(want[1]);
      assertThat(g.counts().onlyCandidate()).as(g.group()).isEqualTo(want[2]);
      assertThat(column(g.columns(), "score").compared()).isEqualTo(want[0]);
    }
    assertThat(byRun.groups().stream().mapToLong(g -> g.counts().matched()).sum())
        .isEqualTo(byRun.counts().matched());

    ReplayComparison byDay = replays.compare("r", CompareOptions.defaults().groupBy("day"));
    assertThat(byDay.groups())
        .singleElement()
        .satisfies(
            g ->
                assertThat(g.group())
                    .isEqualTo(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString()));

    ReplayComparison byDecision =
        replays.compare(
            "r", CompareOptions.defaults().groupBy("decision").columns(List.of("score")));
    assertThat(byDecision.columns()).extracting(ColumnComparison::column).containsExactly("score");
    assertThat(byDecision.groups()).extracting(GroupComparison::group).contains("approve");

    assertThatThrownBy(() -> replays.compare("r", CompareOptions.defaults().groupBy("nope")))
        .isInstanceOf(LineageException.class)
        .hasMessageContaining("Cannot group by 'nope'");
    assertThatThrownBy(
            () -> replays.compare("r", CompareOptions.defaults().columns(List.of("nope"))))
        .isInstanceOf(LineageException.class)
        .hasMessageContaining("has no column 'nope' to compare");
  }

  @Test
  void mainIsUntouchedUntilTheReplayIsPublished() {
    ReplayInfo done = replays.get("r");
    assertThat(done.state()).isEqualTo(ReplayState.COMPLETED);
    assertThat(done.committedBatches()).isEqualTo(4);
    ReplayComparison before = replays.compare("r", CompareOptions.defaults());

    assertThat(main(s.predictions)).isEqualTo(predictionsBefore);
    assertThat(main(s.features)).isEqualTo(featuresBefore);

    ReplayInfo published = replays.publish("r");

    assertThat(published.state()).isEqualTo(ReplayState.PUBLISHED);
    assertThat(main(s.predictions).head()).isEqualTo(done.branchSnapshotId());
    assertThat(main(s.features)).isEqualTo(featuresBefore);
    assertThat(replays.publish("r").state()).isEqualTo(ReplayState.PUBLISHED);
    // the comparison reads the published outputs: the same as before
    assertThat(replays.compare("r", CompareOptions.defaults()).counts()).isEqualTo(before.counts());
  }

  @Test
  void aDroppedReplayIsStillComparedAtItsLastHeadAndCannotBePublished() {
    long head = replays.get("r").branchSnapshotId();
    ReplayComparison before = replays.compare("r", CompareOptions.defaults());

    ReplayInfo dropped = replays.drop("r");

    assertThat(dropped.state()).isEqualTo(ReplayState.DROPPED);
    assertThat(dropped.branchSnapshotId()).isNull();
    assertThat(dropped.candidateSnapshotId()).isEqualTo(head);
    assertThat(s.predictions.refs()).noneMatch(r -> r.name().equals("replay/r"));
    assertThat(replays.compare("r", CompareOptions.defaults()).counts()).isEqualTo(before.counts());
    assertThat(replays.drop("r").state()).isEqualTo(ReplayState.DROPPED);
    assertThatThrownBy(() -> replays.publish("r"))
        .isInstanceOf(LineageException.class)
        .hasMessageContaining("Replay r was dropped");
    assertThat(main(s.predictions)).isEqualTo(predictionsBefore);
  }

  @Test
  void publishingAfterMainMovedOnIsRefused() {
    s.append(
        s.predictions,
        ReplayScenario.V2,
        null,
        Map.of(),
        List.of(ReplayScenario.predictionRow("late", 0.1, "approve", List.of())));

    assertThatThrownBy(() -> replays.publish("r"))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("cannot fast-forward 'main' to 'replay/r'");
    assertThat(replays.get("r").state()).isEqualTo(ReplayState.COMPLETED);
  }

  private static ColumnComparison column(List<ColumnComparison> columns, String name) {
    return columns.stream().filter(c -> c.column().equals(name)).findFirst().orElseThrow();
  }
}
