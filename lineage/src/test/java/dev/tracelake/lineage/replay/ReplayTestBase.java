package dev.tracelake.lineage.replay;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.SnapshotInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.function.Predicate;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real embedded lake in a temp dir holding {@link ReplayScenario}, and {@link Replays} over it.
 * The allocator is closed after each test, so a leak fails it.
 */
abstract class ReplayTestBase {
  @TempDir Path warehouse;
  RootAllocator allocator;
  Lake lake;
  Replays replays;
  ReplayScenario s;

  @BeforeEach
  void openLake() throws InterruptedException {
    allocator = new RootAllocator();
    lake = Lake.open(LakeConfig.embedded(warehouse));
    s = new ReplayScenario(lake, allocator).write();
    replays = Replays.open(lake);
  }

  @AfterEach
  void closeLake() {
    replays.close();
    lake.close();
    allocator.close();
  }

  static ReplaySpec spec(String id, ReplaySlice slice) {
    return ReplaySpec.builder(id, slice)
        .candidate(Candidate.of("fraud", "v4", "c0ffee4"))
        .batchCases(4)
        .build();
  }

  static ReplaySlice v3() {
    return ReplaySlice.of(ReplayScenario.PREDICTIONS).withModel("fraud", "v3");
  }

  /**
   * The cases of the predictions {@code selected} keeps, computed here from what the scenario
   * wrote: distinct sets of cited inputs, in the order of their smallest prediction id, each with
   * its predictions (smallest id first).
   */
  Map<SortedSet<String>, List<ReplayScenario.Prediction>> expectedCases(
      Predicate<ReplayScenario.Prediction> selected) {
    List<ReplayScenario.Prediction> kept =
        new ArrayList<>(s.p.stream().filter(selected).filter(x -> !x.cites().isEmpty()).toList());
    kept.sort((a, b) -> a.id().compareTo(b.id()));
    Map<SortedSet<String>, List<ReplayScenario.Prediction>> cases = new LinkedHashMap<>();
    for (ReplayScenario.Prediction x : kept) {
      cases.computeIfAbsent(ReplayScenario.key(x.cites()), k -> new ArrayList<>()).add(x);
    }
    return cases;
  }

  /** The head of main of a table and its data files, to prove main unchanged. */
  record MainState(Long head, List<String> files) {}

  MainState main(LakeTable table) {
    Long head = table.scan().snapshot().map(SnapshotInfo::snapshotId).orElse(null);
    List<String> files = new ArrayList<>();
    table.scan().plan().files().forEach(f -> files.add(f.location()));
    files.sort(null);
    return new MainState(head, files);
  }
}
