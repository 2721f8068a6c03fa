package dev.tracelake.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.JsonStringArrayList;
import org.junit.jupiter.api.Test;

class AppendTest extends LakeTestBase {

  @Test
  void appendMakesNewSnapshotAndLeavesOlderOnesUnchanged() throws Exception {
    LakeTable table = events();
    AppendResult first = appendEvents(table, 0, 100);
    Map<Path, Long> filesAfterFirst = sizes(dataFiles());
    Map<String, Object> firstRow = rows(table.scan().filter(Filter.eq("event_id", 7L))).get(0);

    AppendResult second = appendEvents(table, 100, 50);

    assertThat(second.snapshotId()).isNotEqualTo(first.snapshotId());
    assertThat(table.snapshots())
        .extracting(SnapshotInfo::snapshotId)
        .containsExactly(first.snapshotId(), second.snapshotId());
    assertThat(table.snapshot(second.snapshotId()).parentId()).isEqualTo(first.snapshotId());
    assertThat(eventIds(table.scan().atSnapshot(first.snapshotId())))
        .isEqualTo(LongStream.range(0, 100).boxed().toList());
    assertThat(eventIds(table.scan())).isEqualTo(LongStream.range(0, 150).boxed().toList());
    // the first snapshot's rows, record ids included, read back identically
    assertThat(rows(table.scan().atSnapshot(first.snapshotId()).filter(Filter.eq("event_id", 7L))))
        .containsExactly(firstRow);
    // committed files are untouched: same paths, same sizes
    Map<Path, Long> filesAfterSecond = sizes(dataFiles());
    assertThat(filesAfterSecond).containsAllEntriesOf(filesAfterFirst);
    assertThat(filesAfterSecond).hasSize(filesAfterFirst.size() + 1);
  }

  @Test
  void snapshotSummaryCarriesProvenanceAndRowCount() {
    LakeTable table = events();
    AppendResult result = appendEvents(table, 0, 42);

    SnapshotInfo snapshot = table.snapshot(result.snapshotId());
    assertThat(snapshot.provenance()).isEqualTo(PROV);
    assertThat(snapshot.addedRows()).isEqualTo(42);
    assertThat(snapshot.totalRows()).isEqualTo(42);
    assertThat(snapshot.operation()).isEqualTo("append");
    assertThat(snapshot.summary())
        .containsEntry("tracelake.code-commit", "abc123")
        .containsEntry("tracelake.model-name", "fraud")
        .containsEntry("tracelake.model-version", "v3")
        .containsEntry("tracelake.run-id", "run-1")
        .containsEntry("tracelake.producer", "test");
    assertThat(result.rows()).isEqualTo(42);
    assertThat(result.dataFiles()).isEqualTo(1);
    assertThat(result.bytes()).isPositive();
  }

  @Test
  void metadataColumnsAreStampedOnEveryRecord() {
    LakeTable table = events();
    appendEvents(table, 0, 5);

    List<Map<String, Object>> rows = rows(table.scan());
    assertThat(rows)
        .hasSize(5)
        .allSatisfy(
            row -> {
              assertThat(row.get("_code_commit")).isEqualTo("abc123");
              assertThat(row.get("_model_name")).isEqualTo("fraud");
              assertThat(row.get("_model_version")).isEqualTo("v3");
              assertThat(row.get("_run_id")).isEqualTo("run-1");
              assertThat((Long) row.get("_ingested_at")).isPositive();
              assertThat((String) row.get("_record_id"))
                  .matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            });
  }

  @Test
  void recordIdsAreUniqueAndTimeOrderedAcrossAppends() {
    LakeTable table = events();
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      try (PendingAppend append = table.newAppend(PROV);
          VectorSchemaRoot batch = TestBatches.events(allocator, i * 1000L, 1000)) {
        ids.addAll(append.write(batch));
        append.commit();
      }
    }
    assertThat(new HashSet<>(ids)).hasSize(3000);
    assertThat(ids).isSorted();
    List<String> stored =
        rows(table.scan().select("_record_id")).stream()
            .map(r -> (String) r.get("_record_id"))
            .sorted()
            .toList();
    assertThat(stored).isEqualTo(ids.stream().sorted().toList());
  }

  @Test
  void idsGivenForEveryRowAreKeptByteForByteWithoutFreshOnes() {
    Schema schema =
        new Schema(
            List.of(
                new Field("event_id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
                new Field("_record_id", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));
    LakeTable table =
        lake.createTable(
            TableName.parse("all_given"), new Schema(schema.getFields().subList(0, 1)));
    // UUID-length ids (36 bytes, one of them with a two-byte character), shorter and longer ones,
    // and a UUID-length one after a longer one in the same row position of a second batch
    List<String> given = new java.util.ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      given.add(
          switch (i % 4) {
            case 0 ->
                java.util.UUID.nameUUIDFromBytes(new byte[] {(byte) i, (byte) (i >> 8)}).toString();
            case 1 -> "order-" + i;
            case 2 -> "é" + "x".repeat(33) + (i % 10);
            default -> "long-id-" + "y".repeat(40) + i;
          });
    }
    assertThat(given.get(2).getBytes(StandardCharsets.UTF_8)).hasSize(36);
    List<String> returned = new java.util.ArrayList<>();
    try (PendingAppend append = table.newAppend(PROV)) {
      for (int b = 0; b < 2; b++) {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
          root.allocateNew();
          VarCharVector ids = (VarCharVector) root.getVector("_record_id");
          for (int i = 0; i < 1500; i++) {
            ((BigIntVector) root.getVector("event_id")).setSafe(i, b * 1500L + i);
            ids.setSafe(i, given.get(b * 1500 + i).getBytes(StandardCharsets.UTF_8));
          }
          root.setRowCount(1500);
          RecordIdList written = append.write(root);
          List<String> asBytes = new java.util.ArrayList<>();
          written.forEachUtf8(
              (bytes, offset, length) ->
                  asBytes.add(new String(bytes, offset, length, StandardCharsets.UTF_8)));
          assertThat(asBytes).containsExactlyElementsOf(written);
          returned.addAll(written);
        }
      }
      append.commit();
    }
    assertThat(returned).containsExactlyElementsOf(given);
    Map<Long, Object> stored = new HashMap<>();
    rows(table.scan()).forEach(r -> stored.put((Long) r.get("event_id"), r.get("_record_id")));
    for (int i = 0; i < given.size(); i++) {
      assertThat(stored.get((long) i)).as("row %d", i).isEqualTo(given.get(i));
    }
    // a blank id of UUID length is refused like any blank id
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        PendingAppend append = table.newAppend(PROV)) {
      root.allocateNew();
      VarCharVector ids = (VarCharVector) root.getVector("_record_id");
      for (int i = 0; i < 3; i++) {
        ((BigIntVector) root.getVector("event_id")).setSafe(i, i);
        ids.setSafe(i, (i == 1 ? " ".repeat(36) : given.get(i)).getBytes(StandardCharsets.UTF_8));
      }
      root.setRowCount(3);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> append.write(root))
          .hasMessage(
              "Table default.all_given: column '_record_id' is blank at row 1 of the batch");
    }
    assertThat(table.snapshots()).hasSize(1);
  }

  @Test
  void givenAndFreshRecordIdsMixInOneBatchAndAreReturnedInRowOrder() {
    Schema schema =
        new Schema(
            List.of(
                new Field("event_id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
                new Field("user", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                new Field("_record_id", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));
    LakeTable table =
        lake.createTable(TableName.parse("mixed"), new Schema(schema.getFields().subList(0, 2)));
    RecordIdList ids;
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        PendingAppend append = table.newAppend(PROV)) {
      root.allocateNew();
      VarCharVector user = (VarCharVector) root.getVector("user");
      VarCharVector given = (VarCharVector) root.getVector("_record_id");
      for (int i = 0; i < 4; i++) {
        ((BigIntVector) root.getVector("event_id")).setSafe(i, i);
        // strings of different lengths, one null: each row's value is its own
        if (i != 2) {
          user.setSafe(i, ("user-" + "x".repeat(i * 7)).getBytes(StandardCharsets.UTF_8));
        }
        if (i == 1) {
          given.setSafe(i, "order-42".getBytes(StandardCharsets.UTF_8));
        }
      }
      root.setRowCount(4);
      ids = append.write(root);
      append.commit();
    }

    assertThat(ids).hasSize(4);
    assertThat(ids.get(1)).isEqualTo("order-42");
    // the same ids as bytes, as an acknowledgement sends them
    List<String> asBytes = new java.util.ArrayList<>();
    ids.forEachUtf8(
        (bytes, offset, length) ->
            asBytes.add(new String(bytes, offset, length, StandardCharsets.UTF_8)));
    assertThat(asBytes).containsExactlyElementsOf(ids);
    for (int i : new int[] {0, 2, 3}) {
      assertThat(java.util.UUID.fromString(ids.get(i)).version()).isEqualTo(7);
    }
    Map<Long, Map<String, Object>> byEvent = new HashMap<>();
    rows(table.scan()).forEach(r -> byEvent.put((Long) r.get("event_id"), r));
    for (int i = 0; i < 4; i++) {
      assertThat(byEvent.get((long) i).get("_record_id")).isEqualTo(ids.get(i));
      assertThat(byEvent.get((long) i).get("user"))
          .isEqualTo(i == 2 ? null : "user-" + "x".repeat(i * 7));
    }
  }

  @Test
  void writerGivenRecordIdsAndLineageAreKept() {
    LakeTable features = lake.createTable(TableName.parse("features"), TestBatches.EVENTS);
    AppendResult featureCommit = appendEvents(features, 0, 2);
    Map<Long, String> featureIds = new HashMap<>();
    rows(features.scan())
        .forEach(r -> featureIds.put((Long) r.get("event_id"), (String) r.get("_record_id")));

    Field ref =
        new Field(
            "element",
            FieldType.notNullable(ArrowType.Struct.INSTANCE),
            List.of(
                new Field("table", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
                new Field("record_id", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
                new Field("snapshot_id", FieldType.nullable(new ArrowType.Int(64, true)), null)));
    Schema schema =
        new Schema(
            List.of(
                new Field("event_id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
                new Field("_record_id", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                new Field("_lineage", FieldType.nullable(ArrowType.List.INSTANCE), List.of(ref))));
    LakeTable predictions =
        lake.createTable(
            TableName.parse("predictions"), new Schema(List.of(schema.getFields().get(0))));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      root.allocateNew();
      ((BigIntVector) root.getVector("event_id")).setSafe(0, 1000L);
      ((VarCharVector) root.getVector("_record_id"))
          .setSafe(0, "pred-1".getBytes(StandardCharsets.UTF_8));
      ListVector lineage = (ListVector) root.getVector("_lineage");
      StructVector refs = (StructVector) lineage.getDataVector();
      int start = lineage.startNewValue(0);
      for (int j = 0; j < 2; j++) {
        refs.setIndexDefined(start + j);
        ((VarCharVector) refs.getChild("table"))
            .setSafe(start + j, "default.features".getBytes(StandardCharsets.UTF_8));
        ((VarCharVector) refs.getChild("record_id"))
            .setSafe(start + j, featureIds.get((long) j).getBytes(StandardCharsets.UTF_8));
        ((BigIntVector) refs.getChild("snapshot_id"))
            .setSafe(start + j, featureCommit.snapshotId());
      }
      lineage.endValue(0, 2);
      root.setRowCount(1);
      List<String> ids;
      try (PendingAppend append = predictions.newAppend(PROV)) {
        ids = append.write(root);
        append.commit();
      }
      assertThat(ids).containsExactly("pred-1");
    }

    Map<String, Object> row = rows(predictions.scan()).get(0);
    assertThat(row.get("_record_id")).isEqualTo("pred-1");
    List<?> lineage = (JsonStringArrayList<?>) row.get("_lineage");
    assertThat(lineage).hasSize(2);
    assertThat(lineage.get(0).toString())
        .contains("default.features")
        .contains(featureIds.get(0L))
        .contains(String.valueOf(featureCommit.snapshotId()));
  }

  @Test
  void closingWithoutCommitDeletesWrittenFilesAndCommitsNothing() {
    LakeTable table = events();
    appendEvents(table, 0, 10);
    List<Path> before = dataFiles();
    try (PendingAppend append = table.newAppend(PROV);
        VectorSchemaRoot batch = TestBatches.events(allocator, 10, 10)) {
      append.write(batch);
    }
    assertThat(dataFiles()).isEqualTo(before);
    assertThat(table.snapshots()).hasSize(1);
  }

  @Test
  void tablesAreCreatedImmutable() {
    TableDescription d = events().describe();
    assertThat(d.properties())
        .containsEntry("gc.enabled", "false")
        .containsEntry("write.parquet.compression-codec", "zstd");
    assertThat(d.columns())
        .extracting(ColumnInfo::name)
        .containsExactly(
            "event_id",
            "user",
            "amount",
            "_record_id",
            "_ingested_at",
            "_run_id",
            "_code_commit",
            "_model_name",
            "_model_version",
            "_lineage");
    assertThat(d.location()).startsWith("file:");
  }

  private static Map<Path, Long> sizes(List<Path> files) throws java.io.IOException {
    Map<Path, Long> sizes = new HashMap<>();
    for (Path f : files) {
      sizes.put(f, Files.size(f));
    }
    return sizes;
  }
}
