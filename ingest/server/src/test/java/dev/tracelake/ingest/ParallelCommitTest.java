package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.ScanBatches;
import dev.tracelake.lake.TableName;
import dev.tracelake.proto.v1.AppendRowsResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/** A large group commit is encoded on several threads, into one snapshot. */
class ParallelCommitTest extends IngestServerTestBase {
  private static final int WRITERS = 3;
  private static final int ROWS = 200_000;

  @Override
  IngestConfig config() {
    // one flush takes all three requests: the third reaches the row limit (500,000)
    return IngestConfig.defaults()
        .withPort(0)
        .withCommitInterval(Duration.ofSeconds(30))
        .withWriteThreads(3);
  }

  @Test
  void aLargeCommitIsWrittenInSharesOnSeveralThreadsAndLosesNothing() throws Exception {
    createEvents("events");
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    List<Future<AppendRowsResponse>> acks = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      long from = (long) w * ROWS;
      String writer = "writer-" + w;
      acks.add(
          pool.submit(
              () -> {
                try (AppendStream stream = new AppendStream(channel, "events", writer);
                    VectorSchemaRoot batch = wideEvents(from, ROWS)) {
                  // a 200,000-row ack with ids would exceed gRPC's default 4 MiB limit: the rows
                  // name their ids and the ack leaves them out
                  stream.send(
                      stream
                          .request(0)
                          .setArrowRows(
                              dev.tracelake.proto.v1.ArrowRows.newBuilder()
                                  .setIpcStream(
                                      com.google.protobuf.ByteString.copyFrom(
                                          dev.tracelake.wire.ArrowIpc.encode(batch).toByteArray())))
                          .setOmitRecordIds(true)
                          .build());
                  AppendRowsResponse ack = stream.take();
                  assertThat(stream.finish().isOk()).isTrue();
                  return ack;
                }
              }));
    }
    Set<Long> snapshots = new HashSet<>();
    Set<String> ackedIds = new HashSet<>();
    for (Future<AppendRowsResponse> f : acks) {
      AppendRowsResponse ack = f.get();
      snapshots.add(ack.getSnapshotId());
      assertThat(ack.getRecordIdsList()).isEmpty();
      assertThat(ack.getRecordIdsOmitted()).isTrue();
      assertThat(ack.getRowCount()).isEqualTo(ROWS);
    }
    pool.shutdown();

    assertThat(snapshots).hasSize(1);
    assertThat(snapshotCount("events")).isEqualTo(1);
    LakeTable table = lake.table(TableName.parse("events"));
    assertThat(table.scan().plan().files()).hasSize(3);
    assertThat(eventIds("events", null))
        .isEqualTo(LongStream.range(0, (long) WRITERS * ROWS).boxed().toList());
    // every id the writers named is a stored record, and every stored record was named
    for (int w = 0; w < WRITERS; w++) {
      for (int i = 0; i < ROWS; i++) {
        ackedIds.add(idOf((long) w * ROWS + i));
      }
    }
    assertThat(ackedIds).hasSize(WRITERS * ROWS).isEqualTo(storedRecordIds(table));
  }

  private static String idOf(long event) {
    return String.format("event-%030d", event);
  }

  /**
   * Events with 40-character users and ids the writer names: 200,000 rows are about 20 MB of Arrow.
   */
  private VectorSchemaRoot wideEvents(long from, int count) {
    List<org.apache.arrow.vector.types.pojo.Field> fields = new ArrayList<>(EVENTS.getFields());
    fields.add(
        new org.apache.arrow.vector.types.pojo.Field(
            "_record_id",
            org.apache.arrow.vector.types.pojo.FieldType.notNullable(
                org.apache.arrow.vector.types.pojo.ArrowType.Utf8.INSTANCE),
            null));
    VectorSchemaRoot root =
        VectorSchemaRoot.create(new org.apache.arrow.vector.types.pojo.Schema(fields), allocator);
    root.allocateNew();
    VarCharVector user = (VarCharVector) root.getVector("user");
    VarCharVector ids = (VarCharVector) root.getVector("_record_id");
    for (int i = 0; i < count; i++) {
      ((org.apache.arrow.vector.BigIntVector) root.getVector("event_id")).setSafe(i, from + i);
      user.setSafe(i, String.format("user-%035d", from + i).getBytes(StandardCharsets.UTF_8));
      ((org.apache.arrow.vector.Float8Vector) root.getVector("score")).setSafe(i, 0.5);
      ids.setSafe(i, idOf(from + i).getBytes(StandardCharsets.UTF_8));
    }
    root.setRowCount(count);
    return root;
  }

  private Set<String> storedRecordIds(LakeTable table) {
    Set<String> ids = new HashSet<>();
    try (ScanBatches batches = table.scan().select("_record_id").open(allocator)) {
      while (batches.loadNextBatch()) {
        VarCharVector v = (VarCharVector) batches.root().getVector(0);
        for (int i = 0; i < v.getValueCount(); i++) {
          ids.add(new String(v.get(i), StandardCharsets.UTF_8));
        }
      }
    }
    return ids;
  }
}
