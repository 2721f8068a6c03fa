package dev.tracelake.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/** The write path from Arrow vectors to Parquet columns, where it differs from a row at a time. */
class ArrowRowWriterTest extends LakeTestBase {

  @Test
  void aBatchSplitAcrossDataFilesKeepsEveryRowAndItsId() {
    LakeTable table = events();
    // every 1,024 rows the writer checks the size and starts a new file
    lake.load(table.name()).updateProperties().set("write.target-file-size-bytes", "1").commit();
    List<String> ids;
    try (VectorSchemaRoot batch = TestBatches.events(allocator, 0, 5000);
        PendingAppend append = table.newAppend(PROV)) {
      ids = append.write(batch);
      AppendResult result = append.commit();
      assertThat(result.dataFiles()).isEqualTo(5);
    }

    assertThat(table.scan().plan().files()).hasSize(5);
    List<Map<String, Object>> rows = rows(table.scan());
    assertThat(rows).hasSize(5000);
    Map<Long, Map<String, Object>> byId = new HashMap<>();
    rows.forEach(r -> byId.put((Long) r.get("event_id"), r));
    for (long id = 0; id < 5000; id++) {
      Map<String, Object> row = byId.get(id);
      assertThat(row.get("_record_id")).isEqualTo(ids.get((int) id));
      assertThat(row.get("user")).isEqualTo("u" + id % 3);
      assertThat(row.get("amount")).isEqualTo(id * 1.5);
      assertThat(row.get("_run_id")).isEqualTo("run-1");
    }
  }

  @Test
  void filtersOnADoubleColumnWithNaNsFindEveryMatchingRow() {
    LakeTable table = events();
    try (VectorSchemaRoot batch = TestBatches.events(allocator, 0, 4)) {
      Float8Vector amount = (Float8Vector) batch.getVector("amount");
      amount.set(0, Double.NaN);
      amount.set(1, 1.0);
      amount.set(2, 2.0);
      amount.set(3, Double.NaN);
      table.append(PROV, batch);
    }

    // Iceberg orders NaN above every number, so NaN rows may match "greater than" too; what the
    // file's statistics must never do is drop a row that matches
    assertThat(eventIds(table.scan().filter(Filter.gt("amount", 1.5))))
        .contains(2L)
        .doesNotContain(1L);
    assertThat(eventIds(table.scan().filter(Filter.lt("amount", 1.5))))
        .contains(1L)
        .doesNotContain(2L);
    assertThat(eventIds(table.scan().filter(Filter.eq("amount", 2.0)))).containsExactly(2L);
    assertThat(eventIds(table.scan().filter(Filter.notNull("amount"))))
        .containsExactly(0L, 1L, 2L, 3L);
    List<Map<String, Object>> rows = rows(table.scan().filter(Filter.eq("event_id", 3L)));
    assertThat((Double) rows.get(0).get("amount")).isNaN();
  }

  @Test
  void aNullInARequiredColumnFailsBeforeAnyRowOfTheBatchIsWritten() {
    LakeTable table = events();
    appendEvents(table, 0, 3);
    try (VectorSchemaRoot batch = TestBatches.events(allocator, 10, 3000);
        PendingAppend append = table.newAppend(PROV)) {
      ((BigIntVector) batch.getVector("event_id")).setNull(2500);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> append.write(batch))
          .isInstanceOf(LakeException.class)
          .hasMessage(
              "Table default.events: column 'event_id' is required but is null at row 2500 of"
                  + " the batch (row 2500 of the append)");
    }
    assertThat(eventIds(table.scan())).containsExactly(0L, 1L, 2L);
    assertThat(dataFiles()).hasSize(1);
  }

  @Test
  void partsWrittenOnTwoThreadsCommitInOneSnapshot() throws Exception {
    LakeTable table = events();
    List<String> ids = new java.util.ArrayList<>();
    AppendResult result;
    try (PendingAppend append = table.newAppend(PROV)) {
      PendingAppend.Part other = append.newPart();
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newSingleThreadExecutor();
      try {
        java.util.concurrent.Future<List<String>> theirs =
            pool.submit(
                () -> {
                  try (VectorSchemaRoot batch = TestBatches.events(allocator, 1000, 700)) {
                    return other.write(batch);
                  }
                });
        try (VectorSchemaRoot batch = TestBatches.events(allocator, 0, 500)) {
          ids.addAll(append.write(batch));
        }
        ids.addAll(theirs.get());
      } finally {
        pool.shutdown();
      }
      result = append.commit();
    }

    assertThat(result.rows()).isEqualTo(1200);
    assertThat(result.dataFiles()).isEqualTo(2);
    assertThat(table.snapshots()).hasSize(1);
    assertThat(new java.util.HashSet<>(ids)).hasSize(1200);
    List<Map<String, Object>> rows = rows(table.scan());
    assertThat(rows).hasSize(1200);
    assertThat(rows.stream().map(r -> (String) r.get("_record_id")).toList())
        .containsExactlyInAnyOrderElementsOf(ids);
  }

  @Test
  void aPartThatFailsDiscardsTheWholeAppend() {
    LakeTable table = events();
    appendEvents(table, 0, 3);
    try (PendingAppend append = table.newAppend(PROV)) {
      try (VectorSchemaRoot good = TestBatches.events(allocator, 10, 100)) {
        append.write(good);
      }
      PendingAppend.Part part = append.newPart();
      try (VectorSchemaRoot bad = TestBatches.events(allocator, 200, 100)) {
        ((BigIntVector) bad.getVector("event_id")).setNull(7);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> part.write(bad))
            .isInstanceOf(LakeException.class)
            .hasMessageContaining("'event_id' is required but is null at row 7");
      }
      org.assertj.core.api.Assertions.assertThatThrownBy(append::commit)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is failed");
    }
    assertThat(eventIds(table.scan())).containsExactly(0L, 1L, 2L);
    assertThat(table.snapshots()).hasSize(1);
    // the good part's file and the bad part's were deleted with the append
    assertThat(dataFiles()).hasSize(1);
  }

  @Test
  void blankGivenRecordIdsAreRefusedByTheCheckerAndTheWriterAlike() {
    org.apache.arrow.vector.types.pojo.Schema schema =
        new org.apache.arrow.vector.types.pojo.Schema(
            List.of(
                new org.apache.arrow.vector.types.pojo.Field(
                    "event_id",
                    org.apache.arrow.vector.types.pojo.FieldType.notNullable(
                        new org.apache.arrow.vector.types.pojo.ArrowType.Int(64, true)),
                    null),
                new org.apache.arrow.vector.types.pojo.Field(
                    "_record_id",
                    org.apache.arrow.vector.types.pojo.FieldType.nullable(
                        org.apache.arrow.vector.types.pojo.ArrowType.Utf8.INSTANCE),
                    null)));
    LakeTable table =
        lake.createTable(
            TableName.parse("given"),
            new org.apache.arrow.vector.types.pojo.Schema(List.of(schema.getFields().get(0))));
    // ASCII blanks, a non-ASCII space (U+2003) alone, and one with text around it (not blank)
    String[] ids = {"ok-1", null, " \t ", "\u2003", "a\u2003b"};
    for (int bad : new int[] {2, 3}) {
      try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
        root.allocateNew();
        org.apache.arrow.vector.VarCharVector given =
            (org.apache.arrow.vector.VarCharVector) root.getVector("_record_id");
        for (int i = 0; i < ids.length; i++) {
          ((BigIntVector) root.getVector("event_id")).setSafe(i, i);
          String id = i == bad || (ids[i] != null && !ids[i].isBlank()) ? ids[i] : null;
          if (id != null) {
            given.setSafe(i, id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
          }
        }
        root.setRowCount(ids.length);
        String message =
            "Table default.given: column '_record_id' is blank at row " + bad + " of the batch";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> table.batchChecker().check(root))
            .hasMessage(message);
        try (PendingAppend append = table.newAppend(PROV)) {
          org.assertj.core.api.Assertions.assertThatThrownBy(() -> append.write(root))
              .hasMessage(message);
        }
      }
    }
    assertThat(table.snapshots()).isEmpty();
    // without the blank rows the same batch is accepted, ids as given
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        PendingAppend append = table.newAppend(PROV)) {
      root.allocateNew();
      org.apache.arrow.vector.VarCharVector given =
          (org.apache.arrow.vector.VarCharVector) root.getVector("_record_id");
      ((BigIntVector) root.getVector("event_id")).setSafe(0, 0);
      given.setSafe(0, "a\u2003b".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      root.setRowCount(1);
      table.batchChecker().check(root);
      assertThat(append.write(root)).containsExactly("a\u2003b");
      append.commit();
    }
    assertThat(rows(table.scan()).get(0).get("_record_id")).isEqualTo("a\u2003b");
  }

  @Test
  void everySimpleTypeRoundTripsWithNullsSpreadOverManyValidityBytes() {
    Schema schema =
        new Schema(
            List.of(
                Field.nullable("b", ArrowType.Bool.INSTANCE),
                Field.nullable("i", new ArrowType.Int(32, true)),
                Field.nullable("l", new ArrowType.Int(64, true)),
                Field.nullable("f", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
                Field.nullable("d", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                Field.nullable("s", ArrowType.Utf8.INSTANCE),
                Field.nullable("day", new ArrowType.Date(DateUnit.DAY)),
                Field.nullable("at", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"))));
    LakeTable table = lake.createTable(TableName.parse("simple"), schema);
    int rows = 1000;
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      root.allocateNew();
      for (int r = 0; r < rows; r++) {
        if (r % 7 == 3) {
          for (var v : root.getFieldVectors()) {
            if (v instanceof BaseFixedWidthVector fw) {
              fw.setNull(r);
            } else {
              ((VarCharVector) v).setNull(r);
            }
          }
          continue;
        }
        ((BitVector) root.getVector("b")).setSafe(r, r % 2);
        ((IntVector) root.getVector("i")).setSafe(r, -r);
        ((BigIntVector) root.getVector("l")).setSafe(r, r * 1_000_000_007L);
        ((Float4Vector) root.getVector("f")).setSafe(r, r / 4f);
        ((Float8Vector) root.getVector("d")).setSafe(r, r / 8.0);
        ((VarCharVector) root.getVector("s"))
            .setSafe(r, ("v" + r).repeat(r % 5).getBytes(StandardCharsets.UTF_8));
        ((DateDayVector) root.getVector("day")).setSafe(r, 19_000 + r);
        ((TimeStampMicroTZVector) root.getVector("at")).setSafe(r, 1_700_000_000_000_000L + r);
      }
      root.setRowCount(rows);
      table.append(PROV, root);
    }

    List<Map<String, Object>> read = rows(table.scan());
    assertThat(read).hasSize(rows);
    read.sort(java.util.Comparator.comparing(row -> (String) row.get("_record_id")));
    for (int r = 0; r < rows; r++) {
      Map<String, Object> row = read.get(r);
      if (r % 7 == 3) {
        for (String c : List.of("b", "i", "l", "f", "d", "s", "day", "at")) {
          assertThat(row.get(c)).as("row %d column %s", r, c).isNull();
        }
        continue;
      }
      assertThat(row.get("b")).as("row %d", r).isEqualTo(r % 2 == 1);
      assertThat(row.get("i")).as("row %d", r).isEqualTo(-r);
      assertThat(row.get("l")).as("row %d", r).isEqualTo(r * 1_000_000_007L);
      assertThat(row.get("f")).as("row %d", r).isEqualTo(r / 4f);
      assertThat(row.get("d")).as("row %d", r).isEqualTo(r / 8.0);
      assertThat(row.get("s")).as("row %d", r).isEqualTo(("v" + r).repeat(r % 5));
      // read back as Arrow gives them: days, and microseconds since the epoch
      assertThat(row.get("day")).as("row %d", r).isEqualTo(19_000 + r);
      assertThat(row.get("at")).as("row %d", r).isEqualTo(1_700_000_000_000_000L + r);
    }
  }

  @Test
  void stringOffsetsPointingPastTheDataAreRefusedWithoutReadingThere() {
    LakeTable table = events();
    appendEvents(table, 0, 3);
    long before = table.scan().snapshot().orElseThrow().snapshotId();
    try (VectorSchemaRoot batch = TestBatches.events(allocator, 10, 3);
        PendingAppend append = table.newAppend(PROV)) {
      VarCharVector user = (VarCharVector) batch.getVector("user");
      // a client's malformed batch: the last row ends a megabyte past the string data
      user.getOffsetBuffer().setInt(3L * 4, 1 << 20);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> append.write(batch))
          .isInstanceOf(LakeException.class)
          .hasMessageStartingWith(
              "Table default.events: column 'user' of the batch is malformed: row 2 spans bytes")
          .hasMessageEndingWith(
              "to 1048576 of a " + user.getDataBuffer().capacity() + "-byte data buffer");
    }
    assertThat(table.scan().snapshot().orElseThrow().snapshotId()).isEqualTo(before);
    assertThat(eventIds(table.scan())).containsExactly(0L, 1L, 2L);
  }
}
