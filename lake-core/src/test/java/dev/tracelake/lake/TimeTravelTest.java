package dev.tracelake.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class TimeTravelTest extends LakeTestBase {

  @Test
  void readsBySnapshotIdTimestampTagAndBranch() throws Exception {
    LakeTable table = events();
    AppendResult s1 = appendEvents(table, 0, 10);
    Thread.sleep(5);
    Instant between = Instant.now();
    Thread.sleep(5);
    AppendResult s2 = appendEvents(table, 10, 10);
    table.createTag("training-set-fraud-v3", s1.snapshotId());
    table.createBranch("old", s1.snapshotId());
    appendEvents(table, 20, 10);

    assertThat(eventIds(table.scan().atSnapshot(s1.snapshotId()))).isEqualTo(range(0, 10));
    assertThat(eventIds(table.scan().atSnapshot(s2.snapshotId()))).isEqualTo(range(0, 20));
    assertThat(eventIds(table.scan().asOf(between))).isEqualTo(range(0, 10));
    assertThat(eventIds(table.scan().asOf(Instant.now()))).isEqualTo(range(0, 30));
    assertThat(eventIds(table.scan().atRef("training-set-fraud-v3"))).isEqualTo(range(0, 10));
    assertThat(eventIds(table.scan().atRef("old"))).isEqualTo(range(0, 10));
    assertThat(eventIds(table.scan().atRef("main"))).isEqualTo(range(0, 30));
    assertThat(eventIds(table.scan())).isEqualTo(range(0, 30));
    assertThat(table.scan().atRef("training-set-fraud-v3").snapshot())
        .get()
        .extracting(SnapshotInfo::snapshotId)
        .isEqualTo(s1.snapshotId());
  }

  @Test
  void projectionAndFiltersApplyAtAnyVersion() {
    LakeTable table = events();
    AppendResult s1 = appendEvents(table, 0, 100);
    appendEvents(table, 100, 100);

    var rows =
        rows(
            table
                .scan()
                .atSnapshot(s1.snapshotId())
                .select("user", "event_id")
                .filter(Filter.ge("event_id", 90L))
                .filter(Filter.eq("user", "u0")));
    assertThat(rows)
        .extracting(r -> r.keySet().stream().toList())
        .allSatisfy(keys -> assertThat(keys).containsExactly("user", "event_id"));
    assertThat(rows)
        .extracting(r -> (Long) r.get("event_id"))
        .containsExactlyInAnyOrder(90L, 93L, 96L, 99L);
    // a filter on a column the scan does not select still filters the rows it returns
    var selected =
        rows(
            table
                .scan()
                .atSnapshot(s1.snapshotId())
                .select("event_id")
                .filter(Filter.ge("event_id", 90L))
                .filter(Filter.eq("user", "u0")));
    assertThat(selected)
        .extracting(r -> r.keySet().stream().toList())
        .allSatisfy(keys -> assertThat(keys).containsExactly("event_id"));
    assertThat(selected)
        .extracting(r -> (Long) r.get("event_id"))
        .containsExactlyInAnyOrder(90L, 93L, 96L, 99L);
    assertThat(rows(table.scan().filter(Filter.in("event_id", java.util.List.of(5L, 150L, 999L)))))
        .hasSize(2);
    assertThat(rows(table.scan().filter(Filter.isNull("user")))).isEmpty();
  }

  @Test
  void anEmptyTableReadsNoRowsWithItsSchema() {
    LakeTable table = events();
    try (ScanBatches batches = table.scan().open(allocator)) {
      assertThat(batches.loadNextBatch()).isFalse();
      assertThat(batches.snapshot()).isEmpty();
      assertThat(batches.schema().getFields())
          .extracting(f -> f.getName())
          .contains("event_id", "_record_id");
    }
  }

  @Test
  void unknownVersionsFailNamingTheTableAndVersion() {
    LakeTable table = events();
    AppendResult s1 = appendEvents(table, 0, 1);
    table.createTag("v1", s1.snapshotId());

    assertThatThrownBy(() -> table.scan().atSnapshot(12345L).open(allocator))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("default.events")
        .hasMessageContaining("12345")
        .extracting(e -> ((LakeException) e).kind())
        .isEqualTo(ErrorKind.NOT_FOUND);
    assertThatThrownBy(() -> table.scan().atRef("no-such-tag").open(allocator))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("'no-such-tag'")
        .hasMessageContaining("v1");
    assertThatThrownBy(
            () -> table.scan().asOf(Instant.parse("2001-01-01T00:00:00Z")).open(allocator))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("no snapshot on main at or before 2001-01-01T00:00:00Z")
        .hasMessageContaining("first snapshot was committed at");
    assertThatThrownBy(() -> table.scan().select("nope").open(allocator))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("no column 'nope'")
        .hasMessageContaining("event_id");
    assertThatThrownBy(
            () -> table.scan().filter(Filter.eq("amount", "not a number")).open(allocator))
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("bad filter 'amount = not a number'");
    assertThatThrownBy(() -> table.snapshot(777L))
        .isInstanceOf(LakeException.class)
        .hasMessage("Table default.events has no snapshot 777");
  }

  static java.util.List<Long> range(long from, long to) {
    return LongStream.range(from, to).boxed().toList();
  }
}
