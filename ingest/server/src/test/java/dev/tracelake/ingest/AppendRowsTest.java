package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.lake.TableName;
import dev.tracelake.proto.v1.AppendRowsResponse;
import dev.tracelake.proto.v1.DescribeTableRequest;
import dev.tracelake.proto.v1.GetWriterOffsetRequest;
import dev.tracelake.proto.v1.GetWriterOffsetResponse;
import dev.tracelake.proto.v1.ListTablesRequest;
import dev.tracelake.wire.ArrowIpc;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class AppendRowsTest extends IngestServerTestBase {

  @Test
  void appendIsAcknowledgedAfterCommitWithSnapshotAndRecordIds() throws Exception {
    createEvents("events");
    try (AppendStream stream = new AppendStream(channel, "events", "w1");
        VectorSchemaRoot batch = events(0, 5)) {
      stream.sendArrow(0, batch).sendJson(1, jsonEvents(5, 3));
      List<AppendRowsResponse> acks = stream.take(2);

      assertThat(acks).extracting(AppendRowsResponse::getOffset).containsExactly(0L, 1L);
      assertThat(acks.get(0).getRecordIdsList()).hasSize(5).doesNotHaveDuplicates();
      assertThat(acks.get(1).getRecordIdsList()).hasSize(3);
      assertThat(acks)
          .allSatisfy(
              a -> {
                assertThat(a.getAlreadyCommitted()).isFalse();
                assertThat(a.getTable()).isEqualTo("default.events");
                assertThat(a.getBranch()).isEqualTo("main");
              });
      // the acked snapshot is committed and holds the rows
      long last = acks.get(1).getSnapshotId();
      assertThat(eventIds("events", last)).isEqualTo(LongStream.range(0, 8).boxed().toList());
      var snapshot = lake.table(TableName.parse("events")).snapshot(acks.get(0).getSnapshotId());
      assertThat(snapshot.provenance().codeCommit()).isEqualTo("abc123");
      assertThat(snapshot.provenance().modelVersion()).isEqualTo("v3");
      assertThat(stream.finish().isOk()).isTrue();
    }
    GetWriterOffsetResponse offset =
        stub()
            .getWriterOffset(
                GetWriterOffsetRequest.newBuilder().setTable("events").setWriterId("w1").build());
    assertThat(offset.getLastCommittedOffset()).isEqualTo(1L);
    assertThat(stub().listTables(ListTablesRequest.getDefaultInstance()).getTablesList())
        .containsExactly("default.events");
    var described =
        stub()
            .describeTable(DescribeTableRequest.newBuilder().setTable("events").build())
            .getTable();
    assertThat(described.getColumnsList())
        .extracting(c -> c.getName())
        .startsWith("event_id", "user", "score", "_record_id");
    assertThat(ArrowIpc.schema(described.getArrowSchema().toByteArray()).getFields())
        .hasSize(described.getColumnsCount());
  }

  @Test
  void retryAfterClientDisconnectIsExactlyOnce() throws Exception {
    createEvents("events");
    List<AppendRowsResponse> firstAcks;
    try (AppendStream stream = new AppendStream(channel, "events", "w1")) {
      for (int i = 0; i < 3; i++) {
        try (VectorSchemaRoot batch = events(i * 10L, 10)) {
          stream.sendArrow(i, batch);
        }
      }
      firstAcks = stream.take(2); // offset 2 may or may not be acknowledged before we vanish
      stream.cancel();
    }
    try (AppendStream retry = new AppendStream(channel, "events", "w1")) {
      for (int i = 0; i < 4; i++) {
        try (VectorSchemaRoot batch = events(i * 10L, 10)) {
          retry.sendArrow(i, batch);
        }
      }
      List<AppendRowsResponse> acks = retry.take(4);
      assertThat(acks.subList(0, 2)).allSatisfy(a -> assertThat(a.getAlreadyCommitted()).isTrue());
      assertThat(acks.get(0).getSnapshotId()).isEqualTo(firstAcks.get(0).getSnapshotId());
      assertThat(acks.get(1).getSnapshotId()).isEqualTo(firstAcks.get(1).getSnapshotId());
      assertThat(acks.get(3).getAlreadyCommitted()).isFalse();
      assertThat(acks.get(3).getRecordIdsCount()).isEqualTo(10);
    }
    List<Long> ids = eventIds("events", null);
    assertThat(ids).isEqualTo(LongStream.range(0, 40).boxed().toList());
  }

  @Test
  void eightConcurrentWritersGiveEveryRowExactlyOnce() throws Exception {
    createEvents("events");
    int writers = 8;
    int requests = 20;
    int rows = 25;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Future<List<AppendRowsResponse>>> futures = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      futures.add(
          pool.submit(
              () -> {
                try (AppendStream stream =
                    new AppendStream(channel, "events", "writer-" + writer)) {
                  for (int r = 0; r < requests; r++) {
                    long from = ((long) writer * requests + r) * rows;
                    try (VectorSchemaRoot batch = events(from, rows)) {
                      stream.sendArrow(r, batch);
                    }
                  }
                  List<AppendRowsResponse> acks = stream.take(requests);
                  assertThat(stream.finish().isOk()).isTrue();
                  return acks;
                }
              }));
    }
    List<AppendRowsResponse> all = new ArrayList<>();
    for (var f : futures) {
      all.addAll(f.get());
    }
    pool.shutdown();

    List<Long> ids = eventIds("events", null);
    assertThat(ids)
        .isEqualTo(LongStream.range(0, (long) writers * requests * rows).boxed().toList());
    assertThat(all).hasSize(writers * requests);
    assertThat(all.stream().mapToLong(AppendRowsResponse::getRowCount).sum()).isEqualTo(ids.size());
    // group commit: far fewer snapshots than requests
    assertThat(snapshotCount("events")).isLessThan(writers * requests / 2);
    Map<String, String> summary =
        lake.table(TableName.parse("events")).snapshot(all.get(0).getSnapshotId()).summary();
    assertThat(summary.keySet()).anyMatch(k -> k.startsWith("tracelake.writer.writer-"));
  }

  @Test
  void aGapOrRegressionNamesExpectedAndGivenOffsets() throws Exception {
    createEvents("events");
    try (AppendStream stream = new AppendStream(channel, "events", "w1")) {
      stream.sendJson(0, jsonEvents(0, 1));
      stream.take();
      stream.sendJson(2, jsonEvents(1, 1));
      Status status = stream.status(java.time.Duration.ofSeconds(30));
      assertThat(status.getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
      assertThat(status.getDescription())
          .isEqualTo("Writer w1 on table default.events (branch main): expected offset 1, given 2");
    }
    try (AppendStream stream = new AppendStream(channel, "events", "w1")) {
      stream.sendJson(1, jsonEvents(1, 1));
      stream.take();
      stream.sendJson(1, jsonEvents(1, 1));
      Status status = stream.status(java.time.Duration.ofSeconds(30));
      assertThat(status.getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
      assertThat(status.getDescription())
          .contains("offset regression on this stream: expected offset 2 or more, given 1");
    }
    assertThat(eventIds("events", null)).containsExactly(0L, 1L);
  }
}
