package dev.tracelake.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/** Compaction rewrites the head's small files; no snapshot may read anything different after. */
class CompactionTest extends LakeTestBase {
  static final CompactionOptions SMALL = CompactionOptions.defaults().withFanIn(4);

  static final Provenance OTHER =
      Provenance.builder().codeCommit("def456").model("fraud", "v4").runId("run-2").build();

  /** Appends {@code n} snapshots of 1 to 3 rows, alternating two provenances. */
  void history(LakeTable table, int n) {
    for (int i = 0; i < n; i++) {
      try (VectorSchemaRoot batch = TestBatches.events(allocator, i * 10L, 1 + i % 3)) {
        table.append(i % 2 == 0 ? PROV : OTHER, batch);
      }
    }
  }

  Map<Long, List<Map<String, Object>>> everySnapshot(LakeTable table) {
    Map<Long, List<Map<String, Object>>> out = new LinkedHashMap<>();
    for (SnapshotInfo s : table.snapshots()) {
      out.put(s.snapshotId(), sorted(rows(table.scan().atSnapshot(s.snapshotId()))));
    }
    return out;
  }

  static List<Map<String, Object>> sorted(List<Map<String, Object>> rows) {
    List<Map<String, Object>> copy = new ArrayList<>(rows);
    copy.sort(Comparator.comparing(r -> String.valueOf(r.get(MetadataColumns.RECORD_ID))));
    return copy;
  }

  @Test
  void compactionKeepsEveryRowOfEverySnapshotAndEveryOldFile() {
    LakeTable table = events();
    history(table, 24);
    Map<Long, List<Map<String, Object>>> before = everySnapshot(table);
    List<Map<String, Object>> head = sorted(rows(table.scan()));
    List<Path> filesBefore = dataFiles();
    assertThat(table.scan().plan().files()).hasSize(24);

    CompactionResult result = table.maintenance().compact(SMALL);

    assertThat(result.filesRewritten()).isEqualTo(24);
    assertThat(result.filesWritten()).isEqualTo(2); // one per provenance partition
    assertThat(result.rows()).isEqualTo(head.size());
    assertThat(result.headFilesAfter()).isEqualTo(2);
    ScanPlan plan = table.scan().plan();
    assertThat(plan.files()).hasSize(2);
    // the provenance stays the partition of each new file
    assertThat(plan.files())
        .extracting(f -> f.constants().values().stream().map(String::valueOf).sorted().toList())
        .containsExactlyInAnyOrder(
            List.of("abc123", "fraud", "run-1", "v3"), List.of("def456", "fraud", "run-2", "v4"));
    assertThat(sorted(rows(table.scan()))).isEqualTo(head);
    SnapshotInfo replace = table.snapshot(result.snapshotId().orElseThrow());
    assertThat(replace.operation()).isEqualTo("replace");
    assertThat(replace.addedRows()).isZero(); // rows moved, none added
    assertThat(replace.totalRows()).isEqualTo(head.size());
    assertThat(replace.summary())
        .containsEntry(Provenance.SUMMARY_PRODUCER, "tracelake-compaction");
    // older snapshots read their own (old) files, which all stay on disk
    Map<Long, List<Map<String, Object>>> after = everySnapshot(table);
    before.forEach((id, rows) -> assertThat(after.get(id)).as("snapshot %d", id).isEqualTo(rows));
    assertThat(after.get(replace.snapshotId())).isEqualTo(head);
    assertThat(dataFiles()).containsAll(filesBefore).hasSize(filesBefore.size() + 2);
    // the rewrite appends nothing: incremental reads across it see no row twice
    assertThat(
            rows(table.scan().atSnapshot(replace.snapshotId()).appendedAfter(replace.parentId())))
        .isEmpty();
    // and each original append still reads as the rows it added
    SnapshotInfo third = table.snapshots().get(2);
    assertThat(
            eventIds(table.scan().atSnapshot(third.snapshotId()).appendedAfter(third.parentId())))
        .containsExactly(20L, 21L, 22L);
  }

  @Test
  void aTierWaitsForEnoughFilesAndLargeFilesStay() {
    LakeTable table = events();
    history(table, 3);
    CompactionResult result = table.maintenance().compact(SMALL);
    assertThat(result.snapshotId()).isEmpty();
    assertThat(result.note()).contains("no tier");
    // with a target below the files' size, every file counts as large already
    history(table, 10);
    CompactionResult large =
        table.maintenance().compact(SMALL.withTargetFileBytes(2048).withSmallFileBytes(1024));
    assertThat(large.snapshotId()).isEmpty();
  }

  @Test
  void aFailureBeforeTheCommitChangesNothing() {
    LakeTable table = events();
    history(table, 12);
    List<Map<String, Object>> head = sorted(rows(table.scan()));
    int snapshots = table.snapshots().size();
    List<Path> files = dataFiles();
    Compaction.AFTER_WRITE.set(
        () -> {
          throw new IllegalStateException("disk full");
        });
    try {
      assertThatThrownBy(() -> table.maintenance().compact(SMALL))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("disk full");
    } finally {
      Compaction.AFTER_WRITE.remove();
    }
    assertThat(table.snapshots()).hasSize(snapshots);
    assertThat(sorted(rows(table.scan()))).isEqualTo(head);
    assertThat(dataFiles()).isEqualTo(files); // the new files, never committed, were removed
    assertThat(table.maintenance().compact(SMALL).filesRewritten()).isEqualTo(12);
  }

  @Test
  void concurrentCompactionsOfTwoReplicasCommitOnce() throws Exception {
    LakeTable table = events();
    history(table, 24);
    List<Map<String, Object>> head = sorted(rows(table.scan()));
    try (Lake a = Lake.open(LakeConfig.embedded(warehouse));
        Lake b = Lake.open(LakeConfig.embedded(warehouse))) {
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<CompactionResult> fa =
            pool.submit(() -> a.table(table.name()).maintenance().compact(SMALL));
        Future<CompactionResult> fb =
            pool.submit(() -> b.table(table.name()).maintenance().compact(SMALL));
        CompactionResult ra = fa.get();
        CompactionResult rb = fb.get();
        long committed = List.of(ra, rb).stream().filter(r -> r.snapshotId().isPresent()).count();
        // both may commit only if the second one planned after the first committed (nothing left)
        assertThat(committed).isBetween(1L, 2L);
        assertThat(ra.filesRewritten() + rb.filesRewritten()).isEqualTo(24);
      } finally {
        pool.shutdown();
      }
    }
    assertThat(sorted(rows(table.scan()))).isEqualTo(head);
    assertThat(table.scan().plan().files()).hasSize(2);
  }

  @Test
  void compactingWhileAppendsLandLosesAndDuplicatesNoRow() throws Exception {
    LakeTable table = events();
    history(table, 8);
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    Future<Integer> compactions =
        pool.submit(
            () -> {
              int commits = 0;
              try (Lake other = Lake.open(LakeConfig.embedded(warehouse))) {
                while (!done.get()) {
                  if (other
                      .table(table.name())
                      .maintenance()
                      .compact(SMALL)
                      .snapshotId()
                      .isPresent()) {
                    commits++;
                  }
                }
              }
              return commits;
            });
    try {
      for (int i = 8; i < 24; i++) {
        try (VectorSchemaRoot batch = TestBatches.events(allocator, i * 10L, 1 + i % 3)) {
          table.append(i % 2 == 0 ? PROV : OTHER, batch);
        }
      }
    } finally {
      done.set(true);
    }
    assertThat(compactions.get()).isPositive();
    pool.shutdown();
    List<Long> expected = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      for (int k = 0; k < 1 + i % 3; k++) {
        expected.add(i * 10L + k);
      }
    }
    assertThat(eventIds(table.scan())).isEqualTo(expected);
  }

  @Test
  void theTierOfAFileGrowsWithItsSize() {
    CompactionOptions o = CompactionOptions.defaults();
    assertThat(o.tier(1)).isZero();
    assertThat(o.tier(o.smallFileBytes() - 1)).isZero();
    assertThat(o.tier(o.smallFileBytes())).isEqualTo(1);
    assertThat(o.tier(o.smallFileBytes() * o.fanIn())).isEqualTo(2);
    assertThatThrownBy(() -> o.withFanIn(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fan-in must be at least 2, got 1");
  }
}
