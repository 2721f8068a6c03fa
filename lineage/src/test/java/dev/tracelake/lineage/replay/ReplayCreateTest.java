package dev.tracelake.lineage.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.lake.ErrorKind;
import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.RefInfo;
import dev.tracelake.lake.TableName;
import dev.tracelake.lineage.LineageException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Creating a replay: which outputs each kind of slice selects, pinned, and create's idempotence.
 */
class ReplayCreateTest extends ReplayTestBase {
  @Test
  void createPinsTheSliceNumbersItsCasesAndMakesTheBranch() {
    ReplayInfo r = replays.create(spec("r1", v3())).replay();

    var expected = expectedCases(p -> p.run().startsWith("scoring-"));
    ReplayDefinition d = r.definition();
    assertThat(d.sourceSnapshotId()).isEqualTo(s.p3); // main's head; the model filter drops p17
    assertThat(d.baseSnapshotId()).isEqualTo(s.p3);
    assertThat(d.productionOutputs()).isEqualTo(17);
    assertThat(d.outputsWithoutInputs()).isEqualTo(1);
    assertThat(d.cases()).isEqualTo(expected.size()).isEqualTo(15);
    assertThat(d.batches()).isEqualTo(4);
    assertThat(d.inputRefs()).isEqualTo(expected.keySet().stream().mapToInt(k -> k.size()).sum());
    assertThat(d.inputTables()).containsExactly("fraud.features");
    assertThat(d.unpinnedInputHeads()).isEqualTo(Map.of("fraud.features", s.f3));
    assertThat(r.state()).isEqualTo(ReplayState.CREATED);
    assertThat(r.committedBatches()).isZero();
    assertThat(r.spec().branch()).isEqualTo("replay/r1");
    assertThat(r.spec().writerId()).isEqualTo("replay.r1");
    assertThat(r.spec().candidate().runId()).isEqualTo("replay-r1");
    assertThat(s.predictions.refs()).contains(new RefInfo("replay/r1", RefInfo.Type.BRANCH, s.p3));
    assertThat(r.branchSnapshotId()).isEqualTo(s.p3);
  }

  @Test
  void theSameIdAndSpecIsTheSameReplayAndAnotherSpecIsRefused() {
    ReplaySpec spec = spec("again", v3());
    Replays.Created first = replays.create(spec);
    Replays.Created second = replays.create(spec);
    try (Replays other = Replays.open(lake)) {
      Replays.Created third = other.create(spec);
      assertThat(third.created()).isFalse();
      assertThat(third.replay().definition()).isEqualTo(first.replay().definition());
    }

    assertThat(first.created()).isTrue();
    assertThat(second.created()).isFalse();
    assertThat(second.replay().definition()).isEqualTo(first.replay().definition());
    ReplaySpec other =
        ReplaySpec.builder("again", v3()).candidate(spec.candidate()).batchCases(5).build();
    assertThatThrownBy(() -> replays.create(other))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("Replay again exists with another definition")
        .hasMessageContaining("4 cases per batch instead of 5")
        .extracting(e -> ((LakeException) e).kind())
        .isEqualTo(ErrorKind.ALREADY_EXISTS);
  }

  @Test
  void aRecreateRestoresABranchACrashLeftOut() {
    ReplaySpec spec = spec("crash", v3());
    replays.create(spec);
    s.predictions.admin().dropBranch("replay/crash");

    replays.create(spec);

    assertThat(s.predictions.refs()).extracting(RefInfo::name).contains("replay/crash");
  }

  @Test
  void aTimeRangeKeepsTheOutputsWrittenInIt() {
    ReplayInfo r = replays.create(spec("late", v3().withTimeRange(s.beforeP2, null))).replay();

    var expected = expectedCases(p -> p.run().equals("scoring-2"));
    assertThat(r.definition().productionOutputs()).isEqualTo(7);
    assertThat(r.definition().cases()).isEqualTo(expected.size()).isEqualTo(7);

    ReplayInfo early =
        replays
            .create(
                spec(
                    "early",
                    ReplaySlice.of(ReplayScenario.PREDICTIONS).withTimeRange(null, s.beforeP2)))
            .replay();
    assertThat(early.definition().productionOutputs()).isEqualTo(10);
    assertThat(early.definition().cases())
        .isEqualTo(expectedCases(p -> p.run().equals("scoring-1")).size());
  }

  @Test
  void aSnapshotRangeKeepsTheOutputsAppendedInIt() {
    ReplayInfo r =
        replays
            .create(
                spec("range", ReplaySlice.of(ReplayScenario.PREDICTIONS).withSnapshots(s.p1, s.p2)))
            .replay();

    assertThat(r.definition().sourceSnapshotId()).isEqualTo(s.p2);
    assertThat(r.definition().productionOutputs()).isEqualTo(7);
    assertThat(r.definition().cases())
        .isEqualTo(expectedCases(p -> p.run().equals("scoring-2")).size());
  }

  @Test
  void aTaggedSetIsReadAtItsTag() {
    s.predictions.createTag("eval-set", s.p1);

    ReplayInfo r =
        replays
            .create(spec("tagged", ReplaySlice.of(ReplayScenario.PREDICTIONS).withRef("eval-set")))
            .replay();

    assertThat(r.definition().sourceSnapshotId()).isEqualTo(s.p1);
    assertThat(r.definition().productionOutputs()).isEqualTo(10);
    assertThat(r.definition().outputsWithoutInputs()).isEqualTo(1);
    assertThat(r.definition().cases())
        .isEqualTo(expectedCases(p -> p.run().equals("scoring-1")).size())
        .isEqualTo(9);
    // the branch is made from main's head, so publishing stays a fast-forward
    assertThat(r.definition().baseSnapshotId()).isEqualTo(s.p3);
  }

  @Test
  void aModelVersionAndARunSelectTheirOutputs() {
    ReplayInfo v2 =
        replays
            .create(spec("v2", ReplaySlice.of(ReplayScenario.PREDICTIONS).withModel("fraud", "v2")))
            .replay();
    ReplayInfo run =
        replays
            .create(spec("run", ReplaySlice.of(ReplayScenario.PREDICTIONS).withRun("scoring-2")))
            .replay();

    assertThat(v2.definition().productionOutputs()).isEqualTo(1);
    assertThat(v2.definition().cases()).isEqualTo(1);
    assertThat(run.definition().productionOutputs()).isEqualTo(7);
  }

  @Test
  void slicesThatSelectNothingOrNameWhatIsNotThereAreRefused() {
    assertThatThrownBy(() -> replays.create(spec("none", v3().withRun("nobody"))))
        .isInstanceOf(LineageException.class)
        .hasMessageContaining("selects 0 outputs and none cites an input")
        .extracting(e -> ((LineageException) e).kind())
        .isEqualTo(LineageException.Kind.FAILED_PRECONDITION);
    assertThatThrownBy(
            () -> replays.create(spec("t", ReplaySlice.of(TableName.parse("fraud.nope")))))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("Table fraud.nope does not exist");
    assertThatThrownBy(() -> replays.create(spec("ref", v3().withRef("no-such-tag"))))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("no branch or tag 'no-such-tag'");
    assertThatThrownBy(() -> replays.create(spec("snap", v3().withSnapshots(null, 42L))))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("has no snapshot 42");
    assertThatThrownBy(() -> replays.create(spec("back", v3().withSnapshots(s.p2, s.p1))))
        .isInstanceOf(LineageException.class)
        .hasMessageContaining("is not an ancestor of snapshot " + s.p1);
    s.predictions.createBranch("replay/taken");
    assertThatThrownBy(() -> replays.create(spec("taken", v3())))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("already has a ref 'replay/taken'");
    assertThat(replays.list(null)).isEmpty();
  }

  @Test
  void badSpecValuesAreRefusedNamingTheValue() {
    assertThatThrownBy(() -> spec("bad id!", v3()))
        .isInstanceOf(LineageException.class)
        .hasMessageContaining("Invalid replay id 'bad id!'");
    assertThatThrownBy(() -> spec("x".repeat(101), v3())).hasMessageContaining("Invalid replay id");
    assertThatThrownBy(() -> v3().withModel("fraud\n", "v3"))
        .hasMessageContaining("Slice model name 'fraud\\u000a' holds a control character");
    assertThatThrownBy(() -> Candidate.of("fraud", "v".repeat(2000), null))
        .hasMessageContaining("is 2000 characters long; at most 1024");
    assertThatThrownBy(() -> ReplaySpec.builder("b", v3()).branch("main").build())
        .hasMessageContaining("cannot write to main");
    assertThatThrownBy(() -> ReplaySpec.builder("b", v3()).branch("12345").build())
        .hasMessageContaining("invalid branch name '12345'");
    assertThatThrownBy(() -> ReplaySpec.builder("b", v3()).batchCases(0).build())
        .hasMessageContaining("cases per batch must be 1 to 100000, got 0");
    assertThatThrownBy(() -> v3().withTimeRange(s.beforeP2, s.beforeP2))
        .hasMessageContaining("empty time range");
    assertThatThrownBy(() -> replays.get("nope"))
        .isInstanceOf(LineageException.class)
        .hasMessageContaining("No replay has the id 'nope'");
  }
}
