package dev.tracelake.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;

/**
 * Archiving moves old snapshots out of the live metadata; every one of them must still read exactly
 * as before, by id, by time, through refs, incrementally, and in the listings.
 */
class HistoryArchiveTest extends LakeTestBase {

  /** A small live window, so a few dozen commits exercise archiving; no automatic runs. */
  static void smallWindow(Lake lake, TableName name, int live, int batch, boolean auto) {
    lake.load(name)
        .updateProperties()
        .set(HistoryPolicy.LIVE_SNAPSHOTS, Integer.toString(live))
        .set(HistoryPolicy.ARCHIVE_BATCH, Integer.toString(batch))
        .set(HistoryPolicy.AUTO_ARCHIVE, Boolean.toString(auto))
        .commit();
  }

  /** Everything a reader can observe of the history, to compare before and after archiving. */
  record Observed(
      List<SnapshotInfo> snapshots,
      Map<Long, List<Map<String, Object>>> rowsById,
      Map<Long, List<Map<String, Object>>> appendedById,
      Map<Instant, Long> asOf,
      Map<String, List<Map<String, Object>>> byRef,
      List<SnapshotInfo> mainHistory,
      Map<String, Boolean> ancestry) {}

  private Observed observe(LakeTable table, List<Instant> times, Random random) {
    List<SnapshotInfo> snapshots = table.snapshots();
    Map<Long, List<Map<String, Object>>> rows = new LinkedHashMap<>();
    Map<Long, List<Map<String, Object>>> appended = new LinkedHashMap<>();
    for (SnapshotInfo s : snapshots) {
      rows.put(s.snapshotId(), sorted(rows(table.scan().atSnapshot(s.snapshotId()))));
      LakeScan scan = table.scan().atSnapshot(s.snapshotId());
      if (s.parentId() != null) {
        scan = scan.appendedAfter(s.parentId());
      }
      appended.put(s.snapshotId(), sorted(rows(scan)));
    }
    Map<Instant, Long> asOf = new LinkedHashMap<>();
    for (Instant t : times) {
      asOf.put(t, table.scan().asOf(t).snapshot().orElseThrow().snapshotId());
    }
    Map<String, List<Map<String, Object>>> byRef = new LinkedHashMap<>();
    for (RefInfo ref : table.refs()) {
      byRef.put(ref.name(), sorted(rows(table.scan().atRef(ref.name()))));
    }
    Map<String, Boolean> ancestry = new LinkedHashMap<>();
    Random r = new Random(random.nextLong());
    for (int i = 0; i < 200; i++) {
      SnapshotInfo a = snapshots.get(r.nextInt(snapshots.size()));
      SnapshotInfo b = snapshots.get(r.nextInt(snapshots.size()));
      ancestry.put(
          a.snapshotId() + "<=" + b.snapshotId(), table.isAncestor(a.snapshotId(), b.snapshotId()));
    }
    return new Observed(
        snapshots, rows, appended, asOf, byRef, table.history(LakeTable.MAIN), ancestry);
  }

  private static List<Map<String, Object>> sorted(List<Map<String, Object>> rows) {
    List<Map<String, Object>> copy = new ArrayList<>(rows);
    copy.sort(Comparator.comparing(r -> String.valueOf(r.get(MetadataColumns.RECORD_ID))));
    return copy;
  }

  /** Builds a random history: provenance changes, a schema change, a tag and a branch. */
  private List<Instant> randomHistory(LakeTable table, Random random, int appends)
      throws InterruptedException {
    List<Instant> times = new ArrayList<>();
    long nextId = 0;
    for (int i = 0; i < appends; i++) {
      int count = 1 + random.nextInt(5);
      Provenance prov =
          Provenance.builder()
              .codeCommit("c" + random.nextInt(3))
              .model("fraud", "v" + random.nextInt(2))
              .runId("run-" + (i / 10))
              .producer("test")
              .build();
      try (VectorSchemaRoot batch = TestBatches.events(allocator, nextId, count)) {
        table.append(prov, batch);
      }
      nextId += count;
      if (i == 10) {
        table.createTag("early", table.snapshots().get(i).snapshotId());
      }
      if (i == 20) {
        table
            .updateSchema()
            .addColumn("note", new org.apache.arrow.vector.types.pojo.ArrowType.Utf8())
            .commit();
      }
      if (i == 25) {
        table.createBranch("audit");
      }
      if (i > 25 && i % 7 == 0) {
        try (PendingAppend append = table.newAppend(PROV, "audit");
            VectorSchemaRoot batch = TestBatches.events(allocator, 1_000_000 + i, 2)) {
          append.write(batch);
          append.commit();
        }
      }
      if (random.nextInt(4) == 0) {
        Thread.sleep(2);
        times.add(Instant.now());
        Thread.sleep(2);
      }
    }
    return times;
  }

  @Test
  void everyArchivedSnapshotReadsExactlyAsBefore() throws Exception {
    long seed = Long.getLong("tracelake.test.seed", System.nanoTime());
    Random random = new Random(seed);
    LakeTable table = events();
    smallWindow(lake, table.name(), 5, 5, false);
    List<Instant> times = randomHistory(table, random, 45);
    Observed before = observe(table, times, new Random(seed));
    int liveBefore = TableHistory.liveCount(table.loadForRead());

    ArchiveResult result = table.maintenance().archiveHistory();

    int liveAfter = TableHistory.liveCount(table.loadForRead());
    assertThat(result.expired()).as("seed %d", seed).isGreaterThan(20);
    assertThat(liveAfter).isEqualTo(liveBefore - result.expired()).isLessThan(20);
    assertThat(result.archivedTotal()).isEqualTo(result.archived());
    assertThat(table.describe().snapshotCount()).isEqualTo(before.snapshots().size());
    Observed after = observe(table, times, new Random(seed));
    assertSame(after, before, "seed " + seed);

    // the head compacted, more history archived: every snapshot still reads the same rows
    CompactionResult compacted =
        table.maintenance().compact(CompactionOptions.defaults().withFanIn(2));
    assertThat(compacted.filesRewritten()).as("seed %d", seed).isPositive();
    for (int i = 0; i < 12; i++) {
      appendEvents(table, 10_000 + i, 1);
    }
    table.maintenance().archiveHistory();
    Observed later = observe(table, times, new Random(seed));
    long replace = compacted.snapshotId().orElseThrow();
    assertThat(later.snapshots()).as("seed %d", seed).containsAll(before.snapshots());
    before
        .rowsById()
        .forEach(
            (id, rows) ->
                assertThat(later.rowsById().get(id))
                    .as("seed %d, snapshot %d", seed, id)
                    .isEqualTo(rows));
    before
        .appendedById()
        .forEach(
            (id, rows) ->
                assertThat(later.appendedById().get(id))
                    .as("seed %d, appended by %d", seed, id)
                    .isEqualTo(rows));
    assertThat(later.appendedById().get(replace)).isEmpty();
    assertThat(later.rowsById().get(replace)).isEqualTo(before.byRef().get(LakeTable.MAIN));
    sameEntries(later.asOf(), before.asOf(), "seed " + seed + ": snapshot as of");
    assertThat(later.byRef().get("early")).isEqualTo(before.byRef().get("early"));
    assertThat(later.byRef().get("audit")).isEqualTo(before.byRef().get("audit"));
    assertThat(later.mainHistory()).containsSubsequence(before.mainHistory());
  }

  /** Compares part by part, naming the first snapshot that differs (the whole is too long). */
  static void assertSame(Observed after, Observed before, String context) {
    assertThat(after.snapshots()).as("%s: snapshots", context).isEqualTo(before.snapshots());
    sameEntries(after.rowsById(), before.rowsById(), context + ": rows at snapshot");
    sameEntries(after.appendedById(), before.appendedById(), context + ": rows appended by");
    sameEntries(after.asOf(), before.asOf(), context + ": snapshot as of");
    sameEntries(after.byRef(), before.byRef(), context + ": rows at ref");
    assertThat(after.mainHistory())
        .as("%s: main's history", context)
        .isEqualTo(before.mainHistory());
    sameEntries(after.ancestry(), before.ancestry(), context + ": ancestry");
  }

  static <K, V> void sameEntries(Map<K, V> after, Map<K, V> before, String what) {
    assertThat(after.keySet()).as(what).isEqualTo(before.keySet());
    for (K key : before.keySet()) {
      assertThat(after.get(key)).as("%s %s", what, key).isEqualTo(before.get(key));
    }
  }

  @Test
  void anotherLakeOnTheSameCatalogReadsArchivedSnapshots() throws Exception {
    LakeTable table = events();
    smallWindow(lake, table.name(), 3, 3, false);
    for (int i = 0; i < 20; i++) {
      appendEvents(table, i * 10L, 3);
    }
    List<SnapshotInfo> all = table.snapshots();
    table.maintenance().archiveHistory();
    try (Lake other = Lake.open(LakeConfig.embedded(warehouse))) {
      LakeTable t = other.table(table.name());
      SnapshotInfo first = all.get(0);
      assertThat(t.snapshot(first.snapshotId())).isEqualTo(first);
      assertThat(
              TestBatches.rows(
                  t.scan().atSnapshot(first.snapshotId()).select("event_id"), allocator))
          .containsExactlyInAnyOrder(
              Map.of("event_id", 0L), Map.of("event_id", 1L), Map.of("event_id", 2L));
      assertThat(t.snapshots()).isEqualTo(all);
    }
  }

  @Test
  void archivingAgainChangesNothingAndConcurrentArchiversWriteEachSnapshotOnce() throws Exception {
    LakeTable table = events();
    smallWindow(lake, table.name(), 4, 4, false);
    for (int i = 0; i < 30; i++) {
      appendEvents(table, i, 1);
    }
    List<SnapshotInfo> all = table.snapshots();
    try (Lake a = Lake.open(LakeConfig.embedded(warehouse));
        Lake b = Lake.open(LakeConfig.embedded(warehouse))) {
      var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        var fa = pool.submit(() -> a.table(table.name()).maintenance().archiveHistory());
        var fb = pool.submit(() -> b.table(table.name()).maintenance().archiveHistory());
        ArchiveResult ra = fa.get();
        ArchiveResult rb = fb.get();
        assertThat(ra.archived() + rb.archived()).isEqualTo(all.size() - 4);
      } finally {
        pool.shutdown();
      }
    }
    ArchiveResult again = table.maintenance().archiveHistory();
    assertThat(again.archived()).isZero();
    assertThat(again.expired()).isZero();
    // the archive, read as the Iceberg table it is, holds each archived snapshot once
    Table archive = lake.catalog().loadTable(SnapshotArchive.identifier(table.name()));
    List<Long> ids = new ArrayList<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(archive).build()) {
      rows.forEach(r -> ids.add((Long) r.getField("snapshot_id")));
    }
    assertThat(ids).doesNotHaveDuplicates().hasSize(all.size() - 4);
    assertThat(table.snapshots()).isEqualTo(all);
  }

  @Test
  void carriedSummaryValuesSurviveArchiving() {
    LakeTable table = events();
    smallWindow(lake, table.name(), 3, 2, false);
    Map<String, SummaryValue> expected = new HashMap<>();
    for (int i = 0; i < 25; i++) {
      String writer = "w" + (i % 4);
      // writer w3 stops early: its last value lies deep in the archive
      if (writer.equals("w3") && i > 5) {
        writer = "w0";
      }
      try (PendingAppend append = table.newAppend(PROV);
          VectorSchemaRoot batch = TestBatches.events(allocator, i, 1)) {
        append.write(batch);
        append.summary(BranchHead.CARRIED_SUMMARY_PREFIX + writer, i + "-" + i);
        AppendResult r = append.commit();
        expected.put(
            BranchHead.CARRIED_SUMMARY_PREFIX + writer,
            new SummaryValue(i + "-" + i, r.snapshotId()));
      }
      if (i % 6 == 5) {
        table.maintenance().archiveHistory();
      }
    }
    table.maintenance().archiveHistory();
    BranchHead head = table.branchHead(LakeTable.MAIN);
    Map<String, SummaryValue> folded = new HashMap<>(head.olderCarriedSummary());
    List<SnapshotInfo> recent = new ArrayList<>();
    head.recentHistory().forEach(recent::add);
    assertThat(recent).hasSizeLessThan(10);
    for (int i = recent.size() - 1; i >= 0; i--) {
      SnapshotInfo s = recent.get(i);
      s.summary()
          .forEach(
              (k, v) -> {
                if (k.startsWith(BranchHead.CARRIED_SUMMARY_PREFIX)) {
                  folded.put(k, new SummaryValue(v, s.snapshotId()));
                }
              });
    }
    assertThat(folded).isEqualTo(expected);
    // the full walk agrees with the checkpoint
    Map<String, SummaryValue> walked = new HashMap<>();
    for (SnapshotInfo s : head.history()) {
      s.summary()
          .forEach(
              (k, v) -> {
                if (k.startsWith(BranchHead.CARRIED_SUMMARY_PREFIX)) {
                  walked.putIfAbsent(k, new SummaryValue(v, s.snapshotId()));
                }
              });
    }
    assertThat(walked).isEqualTo(expected);
  }

  @Test
  void commitsArchiveByThemselvesAndTheMetadataFileStaysBounded() throws Exception {
    LakeTable table = events();
    smallWindow(lake, table.name(), 5, 5, true);
    for (int i = 0; i < 60; i++) {
      appendEvents(table, i, 1);
      if (i % 10 == 9) {
        lake.keeper().awaitIdle(30_000);
      }
    }
    lake.keeper().awaitIdle(30_000);
    int live = TableHistory.liveCount(table.loadForRead());
    assertThat(live).isLessThan(15);
    assertThat(table.snapshots()).hasSize(60);
    assertThat(eventIds(table.scan())).hasSize(60);
    // old metadata files are deleted (the live window is in every new one, the rest archived);
    // only the last ones and those of commits that lost a race (orphans) stay
    Path metadata = Path.of(table.loadForRead().location().replaceFirst("^file:", ""), "metadata");
    org.apache.iceberg.TableMetadata current =
        ((org.apache.iceberg.HasTableOperations) table.loadForRead()).operations().current();
    assertThat(current.previousFiles()).hasSize(Integer.parseInt(Lake.PREVIOUS_METADATA_VERSIONS));
    try (Stream<Path> files = Files.list(metadata)) {
      long jsons = files.filter(p -> p.toString().endsWith(".metadata.json")).count();
      assertThat(jsons).isLessThan(40);
    }
    for (var entry : current.previousFiles()) {
      assertThat(Path.of(entry.file().replaceFirst("^file:", ""))).exists();
    }
  }

  @Test
  void pagesListEverySnapshotNewestFirst() {
    LakeTable table = events();
    smallWindow(lake, table.name(), 3, 3, false);
    for (int i = 0; i < 14; i++) {
      appendEvents(table, i, 1);
    }
    table.maintenance().archiveHistory();
    List<SnapshotInfo> paged = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      SnapshotPage page = table.snapshotPage(3, token);
      assertThat(page.snapshots()).hasSizeLessThanOrEqualTo(3);
      paged.addAll(page.snapshots());
      token = page.nextPageToken().orElse(null);
      pages++;
    } while (token != null);
    assertThat(pages).isEqualTo(5);
    List<SnapshotInfo> newestFirst = new ArrayList<>(table.snapshots());
    java.util.Collections.reverse(newestFirst);
    assertThat(paged).isEqualTo(newestFirst);
    assertThatThrownBy(() -> table.snapshotPage(5, "before-seq-x\n"))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("Invalid page token 'before-seq-x?'");
    assertThatThrownBy(() -> table.snapshotPage(0, null))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("asked for 0");
  }

  @Test
  void archivedSnapshotsCannotBeTaggedAndArchivesAreNotTables() {
    LakeTable table = events();
    smallWindow(lake, table.name(), 2, 2, false);
    for (int i = 0; i < 8; i++) {
      appendEvents(table, i, 1);
    }
    long first = table.snapshots().get(0).snapshotId();
    table.maintenance().archiveHistory();
    assertThatThrownBy(() -> table.createTag("old", first))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("snapshot " + first + " is archived")
        .extracting(e -> ((LakeException) e).kind())
        .isEqualTo(ErrorKind.FAILED_PRECONDITION);
    assertThat(lake.tables()).containsExactly(table.name());
    assertThat(
            lake.catalog()
                .tableExists(
                    TableIdentifier.of(
                        org.apache.iceberg.catalog.Namespace.of(Lake.ARCHIVE_NAMESPACE, "default"),
                        "events")))
        .isTrue();
    assertThat(table.archiveTableName()).isEqualTo("tracelake_archive.default.events");
    assertThatThrownBy(
            () -> lake.createTable(new TableName(Lake.ARCHIVE_NAMESPACE, "x"), TestBatches.EVENTS))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("holds the archives");
  }

  static List<Path> files(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }
}
