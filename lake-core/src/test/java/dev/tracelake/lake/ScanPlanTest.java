package dev.tracelake.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.junit.jupiter.api.Test;

class ScanPlanTest extends LakeTestBase {

  @Test
  void planListsExactlyTheSnapshotsFilesAndFieldIds() {
    LakeTable table = events();
    AppendResult s1 = appendEvents(table, 0, 10);
    AppendResult s2 = appendEvents(table, 10, 5);
    table
        .updateSchema()
        .renameColumn("user", "customer")
        .addColumn("note", ArrowType.Utf8.INSTANCE)
        .commit();

    ScanPlan old = table.scan().atSnapshot(s1.snapshotId()).plan();
    assertThat(old.snapshot())
        .get()
        .extracting(SnapshotInfo::snapshotId)
        .isEqualTo(s1.snapshotId());
    assertThat(old.files()).hasSize(1);
    assertThat(old.files().get(0).recordCount()).isEqualTo(10);
    assertThat(Path.of(old.files().get(0).localPath())).exists();
    assertThat(old.columns())
        .extracting(PlannedColumn::name)
        .startsWith("event_id", "user", "amount");

    ScanPlan now = table.scan().select("event_id", "customer", "note").plan();
    assertThat(now.snapshot())
        .get()
        .extracting(SnapshotInfo::snapshotId)
        .isEqualTo(s2.snapshotId());
    assertThat(now.files())
        .extracting(DataFileInfo::recordCount)
        .containsExactlyInAnyOrder(10L, 5L);
    assertThat(now.columns())
        .extracting(PlannedColumn::name)
        .containsExactly("event_id", "customer", "note");
    // the renamed column keeps the field id the old files carry
    int userId = old.columns().get(1).fieldId();
    assertThat(now.columns().get(1).fieldId()).isEqualTo(userId);
    assertThat(now.columns().get(2).icebergType()).isEqualTo("string");
    assertThat(now.deleteFiles()).isZero();
    assertThat(now.files())
        .allSatisfy(f -> assertThat(Files.exists(Path.of(f.localPath()))).isTrue());

    ScanPlan pruned = table.scan().filter(Filter.ge("event_id", 12L)).plan();
    assertThat(pruned.files()).extracting(DataFileInfo::recordCount).containsExactly(5L);
  }

  @Test
  void appendedAfterReadsOnlyTheRowsBetweenTwoVersions() {
    LakeTable table = events();
    AppendResult s1 = appendEvents(table, 0, 10);
    AppendResult s2 = appendEvents(table, 10, 5);
    AppendResult s3 = appendEvents(table, 15, 3);

    assertThat(eventIds(table.scan().atSnapshot(s3.snapshotId()).appendedAfter(s1.snapshotId())))
        .isEqualTo(TimeTravelTest.range(10, 18));
    assertThat(eventIds(table.scan().atSnapshot(s2.snapshotId()).appendedAfter(s1.snapshotId())))
        .isEqualTo(TimeTravelTest.range(10, 15));
    assertThat(eventIds(table.scan().appendedAfter(s3.snapshotId()))).isEmpty();
    assertThat(table.scan().appendedAfter(s2.snapshotId()).plan().files())
        .extracting(DataFileInfo::recordCount)
        .containsExactly(3L);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> table.scan().atSnapshot(s1.snapshotId()).appendedAfter(s3.snapshotId()).plan())
        .isInstanceOf(LakeException.class)
        .hasMessageContaining(
            "snapshot " + s3.snapshotId() + " is not an ancestor of snapshot " + s1.snapshotId());
  }

  @Test
  void aSnapshotsFilesArePlannedOnceAndStayItsOwnAsTheTableGrows() {
    LakeTable table = events();
    AppendResult s1 = appendEvents(table, 0, 10);
    ScanPlan first = table.scan().plan();
    // a second plan of the same snapshot comes from the cache: the very same file list
    assertThat(table.scan().atSnapshot(s1.snapshotId()).plan().files()).isSameAs(first.files());

    AppendResult s2 = appendEvents(table, 10, 5);
    assertThat(table.scan().plan().files())
        .extracting(DataFileInfo::recordCount)
        .containsExactlyInAnyOrder(10L, 5L);
    assertThat(table.scan().atSnapshot(s1.snapshotId()).plan().files())
        .extracting(DataFileInfo::recordCount)
        .containsExactly(10L);
    // a filtered plan prunes files, so it is planned, not taken from the cache
    assertThat(table.scan().atSnapshot(s2.snapshotId()).filter(Filter.lt("event_id", 3L)).plan())
        .extracting(ScanPlan::files)
        .satisfies(files -> assertThat(files).hasSize(1));
  }

  @Test
  void theSnapshotFileCacheKeepsAtMostItsBoundOfFiles() {
    SnapshotFiles cache = new SnapshotFiles();
    DataFileInfo file = new DataFileInfo("file:/x.parquet", "/x.parquet", 1, 1);
    int perSnapshot = SnapshotFiles.MAX_FILES / 4;
    SnapshotFiles.Files big =
        new SnapshotFiles.Files(java.util.Collections.nCopies(perSnapshot, file), 0);
    int[] planned = {0};
    for (long snapshot = 1; snapshot <= 5; snapshot++) {
      cache.get(
          new SnapshotFiles.Key("t", snapshot, null),
          () -> {
            planned[0]++;
            return big;
          });
    }
    assertThat(planned[0]).isEqualTo(5);
    // the newest four fit; the first was evicted and is planned again
    cache.get(new SnapshotFiles.Key("t", 5, null), () -> big);
    cache.get(
        new SnapshotFiles.Key("t", 1, null),
        () -> {
          planned[0]++;
          return big;
        });
    assertThat(planned[0]).isEqualTo(6);
  }
}
