package dev.tracelake.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A compaction killed (SIGKILL, in another process) at each point of its work: between two of its
 * new data files, after its manifests, after its manifest list, and after its new table metadata
 * file but before the catalog points at it. Afterwards every snapshot, live and archived, reads the
 * same rows, the head and the refs are where they were, what the crash left is exactly what the
 * orphan cleaner removes, and the next compaction succeeds.
 */
class CompactionCrashTest extends LakeTestBase {

  private Path tableDir(LakeTable table) {
    return LocalFileIO.toPath(table.loadForRead().location());
  }

  private static Set<Path> filesUnder(Path dir) throws IOException {
    return new TreeSet<>(HistoryArchiveTest.files(dir));
  }

  private Map<Long, List<Map<String, Object>>> everySnapshot(LakeTable table) {
    Map<Long, List<Map<String, Object>>> out = new LinkedHashMap<>();
    for (SnapshotInfo s : table.snapshots()) {
      out.put(s.snapshotId(), CompactionTest.sorted(rows(table.scan().atSnapshot(s.snapshotId()))));
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"data:2", "manifest-list", "metadata", "metadata-written"})
  void aCompactionKilledAtAnyPointChangesNoSnapshot(String point) throws Exception {
    LakeTable table = events();
    // archived by hand only, so the killed process does nothing but its compaction
    HistoryArchiveTest.smallWindow(lake, table.name(), 4, 4, false);
    for (int i = 0; i < 12; i++) {
      try (VectorSchemaRoot batch = TestBatches.events(allocator, i * 10L, 1 + i % 3)) {
        table.append(i % 2 == 0 ? PROV : CompactionTest.OTHER, batch);
      }
    }
    table.createTag("first", table.snapshots().get(0).snapshotId());
    table.createBranch("audit");
    appendEvents(table, 900, 2);
    table.maintenance().archiveHistory();
    assertThat(table.snapshotPage(100, null).snapshots()).hasSize(table.snapshots().size());
    Map<Long, List<Map<String, Object>>> before = everySnapshot(table);
    List<Map<String, Object>> head = CompactionTest.sorted(rows(table.scan()));
    long headId = table.scan().plan().snapshot().orElseThrow().snapshotId();
    List<RefInfo> refs = table.refs();
    Set<Path> filesBefore = filesUnder(tableDir(table));

    CrashingWriter.runAndKill(warehouse, "compact-at:" + point);

    LakeTable after = lake.table(table.name());
    assertThat(after.scan().plan().snapshot().orElseThrow().snapshotId()).isEqualTo(headId);
    assertThat(after.refs()).containsExactlyInAnyOrderElementsOf(refs);
    assertThat(everySnapshot(after)).isEqualTo(before);
    assertThat(CompactionTest.sorted(rows(after.scan()))).isEqualTo(head);
    Set<Path> filesAfter = filesUnder(tableDir(table));
    assertThat(filesAfter).containsAll(filesBefore);
    Set<Path> left = new TreeSet<>(filesAfter);
    left.removeAll(filesBefore);
    Set<String> leftKinds =
        left.stream()
            .map(p -> OrphanFiles.kind(tableDir(table).toString(), p.toString()))
            .collect(Collectors.toCollection(TreeSet::new));
    // what the crash left tells how far the compaction got
    switch (point) {
      case "data:2" -> {
        assertThat(left).hasSize(1);
        assertThat(leftKinds).containsExactly("data");
      }
      case "manifest-list" -> assertThat(leftKinds).containsExactly("data", "manifest");
      case "metadata" -> assertThat(leftKinds).containsExactly("data", "manifest", "manifest-list");
      default ->
          assertThat(leftKinds).containsExactly("data", "manifest", "manifest-list", "metadata");
    }

    // younger than the cut-off: left alone; older: exactly what the crash left is removed
    assertThat(after.maintenance().removeOrphanFiles(Duration.ofHours(1)).orphans()).isEmpty();
    FileTime then = FileTime.from(Instant.now().minus(Duration.ofDays(2)));
    for (Path p : filesAfter) {
      Files.setLastModifiedTime(p, then);
    }
    OrphanReport report = after.maintenance().removeOrphanFiles(Duration.ofDays(1));
    assertThat(report.orphans().stream().map(f -> LocalFileIO.toPath(f.location())))
        .containsExactlyInAnyOrderElementsOf(left);
    assertThat(filesUnder(tableDir(table))).isEqualTo(filesBefore);
    assertThat(everySnapshot(after)).isEqualTo(before);

    // the next compaction does the work the killed one did not
    CompactionResult again = after.maintenance().compact(CompactionTest.SMALL);
    assertThat(again.snapshotId()).isPresent();
    assertThat(CompactionTest.sorted(rows(after.scan()))).isEqualTo(head);
    Map<Long, List<Map<String, Object>>> compacted = everySnapshot(after);
    before.forEach(
        (id, rows) -> assertThat(compacted.get(id)).as("snapshot %d", id).isEqualTo(rows));
  }
}
