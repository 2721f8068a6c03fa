package dev.tracelake.client;

import static org.apache.arrow.vector.types.TimeUnit.MICROSECOND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.TableName;
import io.grpc.Status;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

class TracelakeClientTest extends ClientTestBase {

  @Test
  void aServiceCreatesATableAndAppendsArrowAndMapRowsInAFewLines() {
    TableInfo created = client.createTable("demo.events", EVENTS);
    AppendAck arrow;
    AppendAck rows;
    try (TableWriter writer = client.openWriter("demo.events", "svc-1", PROVENANCE);
        VectorSchemaRoot batch = events(0, 5)) {
      arrow = writer.append(batch).join();
      rows =
          writer
              .appendRows(
                  List.of(
                      Map.of("event_id", 5L, "user", "m", "score", 0.25),
                      Map.of("event_id", 6, "user", "n")))
              .join();
    }

    assertThat(created.name()).isEqualTo("demo.events");
    assertThat(created.columns())
        .extracting(TableInfo.Column::name)
        .startsWith("event_id", "user", "score", "_record_id");
    assertThat(created.currentSnapshotId()).isEmpty();
    assertThat(arrow.offset()).isZero();
    assertThat(rows.offset()).isOne();
    assertThat(arrow.recordIds()).hasSize(5).doesNotHaveDuplicates();
    // the writer names the ids itself, in Tracelake's format: UUIDv7, increasing in row order
    assertThat(arrow.recordIds()).isSorted();
    assertThat(arrow.recordIds())
        .allSatisfy(id -> assertThat(java.util.UUID.fromString(id).version()).isEqualTo(7));
    assertThat(arrow.rowCount()).isEqualTo(5);
    assertThat(rows.recordIds()).hasSize(2);
    assertThat(rows.recordIds().get(0)).isGreaterThan(arrow.recordIds().get(4));
    assertThat(rows.rowCount()).isEqualTo(2);
    assertThat(List.of(arrow, rows)).noneMatch(AppendAck::alreadyCommitted);

    assertThat(client.listTables()).containsExactly("demo.events");
    TableInfo described = client.describe("demo.events");
    assertThat(described.currentSnapshotId()).hasValue(rows.snapshotId());
    assertThat(described.arrowSchema().getFields()).hasSize(described.columns().size());
    assertThat(client.writerOffset("demo.events", "svc-1")).isEqualTo(OptionalLong.of(1));
    assertThat(client.writerOffset("demo.events", "nobody")).isEmpty();

    assertThat(eventIds("demo.events")).isEqualTo(LongStream.range(0, 7).boxed().toList());
    List<String> acked = new ArrayList<>(arrow.recordIds());
    acked.addAll(rows.recordIds());
    assertThat(recordIds("demo.events")).containsExactlyInAnyOrderElementsOf(acked);
    SnapshotInfo snapshot = lake.table(TableName.parse("demo.events")).snapshot(arrow.snapshotId());
    assertThat(snapshot.provenance().codeCommit()).isEqualTo("abc123");
    assertThat(snapshot.provenance().modelName()).isEqualTo("fraud");
    assertThat(snapshot.provenance().modelVersion()).isEqualTo("v3");
    assertThat(snapshot.provenance().producer()).isEqualTo("client-test");
  }

  @Test
  void givenRecordIdsAreKeptAndAcknowledged() {
    createEvents("events");
    Map<String, Object> row = new java.util.HashMap<>(eventRows(0, 1).get(0));
    row.put("_record_id", "order-0001");
    try (TableWriter writer = client.openWriter("events", "w1", PROVENANCE)) {
      AppendAck ack = writer.appendRows(List.of(row, eventRows(1, 1).get(0))).join();

      assertThat(ack.recordIds()).hasSize(2).startsWith("order-0001");
      assertThat(recordIds("events")).containsExactlyInAnyOrderElementsOf(ack.recordIds());
    }
  }

  @Test
  void anArrowBatchMayGiveSomeRecordIdsAndLeaveTheRestToTheWriter() {
    createEvents("events");
    List<Field> fields = new ArrayList<>(EVENTS.getFields());
    fields.add(new Field("_record_id", FieldType.nullable(ArrowType.Utf8.INSTANCE), null));
    Schema withIds = new Schema(fields);
    AppendAck ack;
    try (TableWriter writer = client.openWriter("events", "w1", PROVENANCE);
        VectorSchemaRoot plain = events(0, 3);
        VectorSchemaRoot batch = VectorSchemaRoot.create(withIds, allocator)) {
      batch.allocateNew();
      for (int i = 0; i < 3; i++) {
        for (int c = 0; c < 3; c++) {
          batch.getVector(c).copyFromSafe(i, i, plain.getVector(c));
        }
      }
      // row 1 has an id of UUID length that is not a UUID; rows 0 and 2 get fresh ones
      String given = "x".repeat(36);
      ((VarCharVector) batch.getVector("_record_id"))
          .setSafe(1, given.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      batch.setRowCount(3);
      ack = writer.append(batch).join();

      assertThat(ack.recordIds()).hasSize(3).doesNotHaveDuplicates();
      assertThat(ack.recordIds().get(1)).isEqualTo(given);
      assertThat(java.util.UUID.fromString(ack.recordIds().get(0)).version()).isEqualTo(7);
      assertThat(ack.recordIds().get(2)).isGreaterThan(ack.recordIds().get(0));
      // the caller's batch is left as it was
      assertThat(batch.getVector("_record_id").isNull(0)).isTrue();
    }
    assertThat(read("events", "event_id", "_record_id"))
        .containsExactlyInAnyOrder(
            List.of(0L, ack.recordIds().get(0)),
            List.of(1L, ack.recordIds().get(1)),
            List.of(2L, ack.recordIds().get(2)));
  }

  @Test
  void javaTimeValuesAreWrittenAsIso8601() {
    Schema schema =
        new Schema(
            List.of(
                new Field(
                    "at", FieldType.nullable(new ArrowType.Timestamp(MICROSECOND, "UTC")), null),
                new Field("day", FieldType.nullable(new ArrowType.Date(DateUnit.DAY)), null)));
    client.createTable("times", schema);
    Instant at = Instant.parse("2025-03-01T12:30:45.123456Z");
    try (TableWriter writer = client.openWriter("times", "w1", PROVENANCE)) {
      writer.appendRows(List.of(Map.of("at", at, "day", LocalDate.of(2025, 3, 1)))).join();
    }

    List<Object> row = read("times", "at", "day").get(0);
    assertThat(row.get(0)).isEqualTo(ChronoUnit.MICROS.between(Instant.EPOCH, at));
    assertThat(row.get(1)).isEqualTo((int) LocalDate.of(2025, 3, 1).toEpochDay());
  }

  @Test
  void createTableIfNotExistsLeavesAnExistingTableAndCreateTableRefusesIt() {
    createEvents("demo.events");
    Schema other =
        new Schema(List.of(new Field("x", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));

    TableInfo existing = client.createTableIfNotExists("demo.events", other);

    assertThat(existing.columns()).extracting(TableInfo.Column::name).startsWith("event_id");
    assertThatThrownBy(() -> client.createTable("demo.events", other))
        .isInstanceOf(TracelakeException.class)
        .hasMessage(
            "Cannot create table demo.events: ALREADY_EXISTS: Table demo.events already exists")
        .extracting(e -> ((TracelakeException) e).code())
        .isEqualTo(Status.Code.ALREADY_EXISTS);
  }

  @Test
  void anUnknownTableIsNotFoundWhenOpeningAWriterOrDescribing() {
    assertThatThrownBy(() -> client.openWriter("demo.missing", "w1", PROVENANCE))
        .isInstanceOf(TracelakeException.class)
        .hasMessageStartingWith(
            "Cannot open writer w1 on table demo.missing: NOT_FOUND: Table demo.missing does not"
                + " exist")
        .extracting(e -> ((TracelakeException) e).code())
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThatThrownBy(() -> client.describe("demo.missing"))
        .isInstanceOf(TracelakeException.class)
        .hasMessageStartingWith(
            "Cannot describe table demo.missing: NOT_FOUND: Table demo.missing does not exist");
  }

  @Test
  void anUnknownColumnFailsTheAppendAndTheWriterUntilANewWriterResumes() {
    createEvents("events");
    TableWriter writer = client.openWriter("events", "w1", PROVENANCE);
    writer.appendRows(eventRows(0, 2)).join();

    CompletableFuture<AppendAck> bad =
        writer.appendRows(List.of(Map.of("event_id", 2L, "colour", "red")));

    assertThatThrownBy(bad::join)
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(TracelakeException.class)
        .hasMessageStartingWith(
            "Writer w1 on table events, offset 1: INVALID_ARGUMENT: Table default.events: JSON row"
                + " 0 has field 'colour', which is not a writable column");
    assertThatThrownBy(() -> writer.appendRows(eventRows(2, 1)))
        .isInstanceOf(TracelakeException.class)
        .hasMessageStartingWith(
            "Writer w1 on table events failed at offset 1 and takes no more appends:"
                + " INVALID_ARGUMENT: Table default.events: JSON row 0 has field 'colour'")
        .hasMessageEndingWith(
            " (open a new writer with the same id to continue after its last committed offset)");
    assertThatThrownBy(writer::flush)
        .isInstanceOf(TracelakeException.class)
        .hasMessageContaining("has field 'colour'");
    writer.close(); // the failure was reported through the future: close does not throw it again

    try (TableWriter resumed = client.openWriter("events", "w1", PROVENANCE)) {
      AppendAck ack = resumed.appendRows(eventRows(2, 1)).join();
      assertThat(ack.offset()).isOne();
    }
    assertThat(eventIds("events")).containsExactly(0L, 1L, 2L);
  }

  @Test
  void anArrowColumnOfTheWrongTypeFailsTheAppendNamingTheColumn() {
    createEvents("events");
    Schema wrong =
        new Schema(
            List.of(
                new Field("event_id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
                new Field("score", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));
    try (TableWriter writer = client.openWriter("events", "w1", PROVENANCE);
        VectorSchemaRoot batch = VectorSchemaRoot.create(wrong, allocator)) {
      batch.allocateNew();
      ((org.apache.arrow.vector.BigIntVector) batch.getVector("event_id")).setSafe(0, 1L);
      ((VarCharVector) batch.getVector("score")).setSafe(0, "high".getBytes());
      batch.setRowCount(1);

      CompletableFuture<AppendAck> ack = writer.append(batch);

      assertThatThrownBy(ack::join)
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOf(TracelakeException.class)
          .hasMessage(
              "Writer w1 on table events, offset 0: INVALID_ARGUMENT: Table default.events:"
                  + " column 'score' expects double but the batch gives Arrow type Utf8")
          .extracting(e -> ((TracelakeException) e).code())
          .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }
    assertThat(eventIds("events")).isEmpty();
  }

  @Test
  void concurrentAppendsGetDistinctOffsetsInCallOrderAndEveryRowOnce() throws Exception {
    createEvents("events");
    int threads = 4;
    int appendsPerThread = 15;
    // a window smaller than the number of threads: appends block and wait their turn
    WriterOptions options = quickRetry().maxInflightRequests(3).build();
    List<Future<List<Long>>> results = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (TableWriter writer = client.openWriter("events", "w1", options)) {
      for (int t = 0; t < threads; t++) {
        long base = t * 1000L;
        results.add(
            pool.submit(
                () -> {
                  List<CompletableFuture<AppendAck>> acks = new ArrayList<>();
                  for (int i = 0; i < appendsPerThread; i++) {
                    acks.add(writer.appendRows(eventRows(base + i * 2L, 2)));
                  }
                  return acks.stream().map(f -> f.join().offset()).toList();
                }));
      }
      List<Long> all = new ArrayList<>();
      for (Future<List<Long>> f : results) {
        List<Long> offsets = f.get();
        assertThat(offsets).isSorted().doesNotHaveDuplicates();
        all.addAll(offsets);
      }
      assertThat(all)
          .containsExactlyInAnyOrderElementsOf(
              LongStream.range(0, threads * appendsPerThread).boxed().toList());
    } finally {
      pool.shutdown();
    }
    List<Long> ids = eventIds("events");
    assertThat(ids).hasSize(threads * appendsPerThread * 2);
    assertThat(new HashSet<>(ids)).hasSameSizeAs(ids);
    assertThat(client.writerOffset("events", "w1")).hasValue(threads * appendsPerThread - 1);
  }

  @Test
  void aRestartedProducerWithTheSameWriterIdContinuesAfterItsLastCommittedOffset() {
    createEvents("events");
    try (TableWriter first = client.openWriter("events", "producer-1", PROVENANCE)) {
      for (int i = 0; i < 3; i++) {
        first.appendRows(eventRows(i * 10L, 10));
      }
    } // close waits for the acknowledgements

    List<AppendAck> acks = new ArrayList<>();
    try (TracelakeClient restarted = TracelakeClient.connect("127.0.0.1:" + port);
        TableWriter second = restarted.openWriter("events", "producer-1", PROVENANCE)) {
      acks.add(second.appendRows(eventRows(30, 10)).join());
      acks.add(second.appendRows(eventRows(40, 10)).join());
    }

    assertThat(acks).extracting(AppendAck::offset).containsExactly(3L, 4L);
    assertThat(acks).noneMatch(AppendAck::alreadyCommitted);
    assertThat(eventIds("events")).isEqualTo(LongStream.range(0, 50).boxed().toList());
  }

  @Test
  void twoLiveProducersSharingAWriterIdMakeTheLaterOneFailNotVanish() {
    createEvents("events");
    try (TracelakeClient other = TracelakeClient.connect("127.0.0.1:" + port);
        // opened while the writer id has no committed offset: it starts at offset 0 too
        TableWriter late = other.openWriter("events", "shared-id", PROVENANCE)) {
      try (TableWriter early = client.openWriter("events", "shared-id", PROVENANCE)) {
        early.appendRows(eventRows(0, 10)).join();
      }
      assertThatThrownBy(() -> late.appendRows(eventRows(100, 10)).join())
          .hasCauseInstanceOf(TracelakeException.class)
          .cause()
          .hasMessageContaining("offset 0 was already committed by another producer")
          .hasMessageContaining("writer id shared-id");
    }
    // only the first producer's rows were written; the second was told so
    assertThat(eventIds("events")).isEqualTo(LongStream.range(0, 10).boxed().toList());
  }

  @Test
  void aClosedWriterRefusesAppendsAndAClosedClientRefusesWriters() {
    createEvents("events");
    TableWriter writer = client.openWriter("events", "w1", PROVENANCE);
    writer.close();

    assertThatThrownBy(() -> writer.appendRows(eventRows(0, 1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Writer w1 on table events is closed");
    assertThatThrownBy(() -> client.openWriter("events", "bad id!", PROVENANCE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid writer id 'bad id!': use 1 to 128 of letters, digits, '.', '_', '-'");
    client.close();
    assertThatThrownBy(() -> client.openWriter("events", "w2", PROVENANCE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("The client is closed; cannot open writer w2 on table events");
  }
}
