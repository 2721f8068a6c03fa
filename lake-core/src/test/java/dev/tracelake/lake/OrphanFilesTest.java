package dev.tracelake.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/**
 * The orphan cleaner removes exactly what crashes left (killed processes, here) and never a file
 * that any snapshot, live or archived, on any branch, references.
 */
class OrphanFilesTest extends LakeTestBase {

  private Path tableDir(LakeTable table) {
    return LocalFileIO.toPath(table.loadForRead().location());
  }

  private static Set<Path> filesUnder(Path dir) throws IOException {
    return new TreeSet<>(HistoryArchiveTest.files(dir));
  }

  /** Makes every file under a directory look written {@code age} ago. */
  private static void age(Path dir, Duration age) throws IOException {
    FileTime then = FileTime.from(Instant.now().minus(age));
    for (Path p : HistoryArchiveTest.files(dir)) {
      Files.setLastModifiedTime(p, then);
    }
  }

  /** Runs {@link CrashingWriter} and kills it (SIGKILL) once its files are written. */
  private void crash(String mode) throws Exception {
    CrashingWriter.runAndKill(warehouse, mode);
  }

  private Map<Long, List<Map<String, Object>>> everySnapshot(LakeTable table) {
    Map<Long, List<Map<String, Object>>> out = new LinkedHashMap<>();
    for (SnapshotInfo s : table.snapshots()) {
      out.put(s.snapshotId(), CompactionTest.sorted(rows(table.scan().atSnapshot(s.snapshotId()))));
    }
    return out;
  }

  @Test
  void removesWhatKilledWritersLeftAndNoReferencedFile() throws Exception {
    LakeTable table = events();
    HistoryArchiveTest.smallWindow(lake, table.name(), 3, 3, false);
    for (int i = 0; i < 14; i++) {
      appendEvents(table, i * 10L, 2);
    }
    table.createBranch("audit");
    try (PendingAppend append = table.newAppend(PROV, "audit");
        VectorSchemaRoot batch = TestBatches.events(allocator, 900, 3)) {
      append.write(batch);
      append.commit();
    }
    table.createTag("t0", table.snapshots().get(0).snapshotId());
    table.maintenance().compact(CompactionTest.SMALL);
    appendEvents(table, 500, 1);
    table.maintenance().archiveHistory();
    Map<Long, List<Map<String, Object>>> before = everySnapshot(table);
    Set<Path> referenced = filesUnder(tableDir(table));

    // a compaction killed after writing its files, an append killed in the middle of one (small
    // row groups, so the killed append has flushed some of its file)
    lake.load(table.name())
        .updateProperties()
        .set(org.apache.iceberg.TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES, "65536")
        .commit();
    appendEvents(table, 600, 1);
    appendEvents(table, 601, 1);
    crash("compact");
    crash("append");
    Path stray =
        tableDir(table).resolve("metadata").resolve(java.util.UUID.randomUUID() + "-m0.avro");
    Files.copy(
        HistoryArchiveTest.files(tableDir(table).resolve("metadata")).stream()
            .filter(p -> p.toString().endsWith("-m0.avro"))
            .findFirst()
            .orElseThrow(),
        stray);
    before = everySnapshot(table);
    referenced = filesUnder(tableDir(table));
    Set<Path> crashed = new TreeSet<>(referenced);
    // what the two crashes and the stray copy left, known from the file names: the compaction's
    // and the append's data files are named by ids no snapshot summary holds
    Set<String> committedIds =
        table.snapshots().stream()
            .flatMap(
                s ->
                    java.util.stream.Stream.of(
                        s.summary().get(PendingAppend.SUMMARY_APPEND_ID),
                        s.summary().get(Compaction.SUMMARY_COMPACTION_ID)))
            .filter(java.util.Objects::nonNull)
            .collect(Collectors.toSet());
    Set<Path> expectedOrphans = new TreeSet<>();
    for (Path p : crashed) {
      String file = p.getFileName().toString();
      if (p.getParent().getFileName().toString().equals("data")
          && committedIds.stream().noneMatch(file::startsWith)) {
        expectedOrphans.add(p);
      }
    }
    expectedOrphans.add(stray);
    assertThat(expectedOrphans.stream().filter(p -> p.toString().contains("/data/")))
        .as("the killed compaction and the killed append each left a data file")
        .hasSizeGreaterThanOrEqualTo(2);
    referenced.removeAll(expectedOrphans);

    // files younger than the cut-off are never orphans, whatever they are
    assertThat(table.maintenance().findOrphanFiles(Duration.ofHours(1)).orphans()).isEmpty();

    age(tableDir(table), Duration.ofDays(2));
    OrphanReport found = table.maintenance().findOrphanFiles(Duration.ofDays(1));
    assertThat(found.removed()).isFalse();
    assertThat(found.orphans().stream().map(f -> LocalFileIO.toPath(f.location())))
        .containsExactlyInAnyOrderElementsOf(expectedOrphans);
    assertThat(filesUnder(tableDir(table))).containsAll(expectedOrphans); // a dry run

    OrphanReport removed = table.maintenance().removeOrphanFiles(Duration.ofDays(1));
    assertThat(removed.orphans()).hasSameSizeAs(found.orphans());
    assertThat(removed.orphanBytes()).isPositive();
    assertThat(filesUnder(tableDir(table))).isEqualTo(referenced);
    assertThat(everySnapshot(table)).isEqualTo(before);
    assertThat(table.maintenance().findOrphanFiles(Duration.ofDays(1)).orphans()).isEmpty();
    // the killed compaction changed nothing: running it again compacts
    assertThat(table.maintenance().compact(CompactionTest.SMALL).filesWritten()).isPositive();
  }

  @Test
  void keepsAFileThatACommittedSnapshotNames() throws Exception {
    LakeTable table = events();
    AppendResult first = appendEvents(table, 0, 2);
    appendEvents(table, 10, 2);
    String appendId =
        table.snapshot(first.snapshotId()).summary().get(PendingAppend.SUMMARY_APPEND_ID);
    Path data = tableDir(table).resolve("data");
    Path committed =
        HistoryArchiveTest.files(data).stream()
            .filter(p -> p.getFileName().toString().startsWith(appendId))
            .findFirst()
            .orElseThrow();
    // in no manifest, but named like a file of a committed append: the second check keeps it
    Path lookalike = data.resolve(appendId + "-00042.parquet");
    Files.copy(committed, lookalike);
    age(tableDir(table), Duration.ofDays(3));
    OrphanReport report = table.maintenance().removeOrphanFiles(Duration.ofDays(1));
    assertThat(report.orphans()).isEmpty();
    assertThat(report.kept()).containsExactly("file:" + lookalike);
    assertThat(lookalike).exists();
  }

  @Test
  void refusesACutOffUnderAnHour() {
    LakeTable table = events();
    assertThatThrownBy(() -> table.maintenance().removeOrphanFiles(Duration.ofMinutes(59)))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("older than at least PT1H")
        .hasMessageContaining("got PT59M");
    assertThat(new ArrayList<>(dataFiles())).isEmpty();
  }
}
