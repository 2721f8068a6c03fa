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
                  stream.sendArrow(0, batch);
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
      assertThat(ack.getRecordIdsList()).hasSize(ROWS);
      ackedIds.addAll(ack.getRecordIdsList());
    }
    pool.shutdown();

    assertThat(snapshots).hasSize(1);
    assertThat(snapshotCount("events")).isEqualTo(1);
    LakeTable table = lake.table(TableName.parse("events"));
    assertThat(table.scan().plan().files()).hasSize(3);
    assertThat(eventIds("events", null))
        .isEqualTo(LongStream.range(0, (long) WRITERS * ROWS).boxed().toList());
    // every acknowledged id is a stored record, and every stored record was acknowledged
    assertThat(ackedIds).hasSize(WRITERS * ROWS).isEqualTo(storedRecordIds(table));
  }

  /** Events with 40-character users: 200,000 rows are about 12 MB of Arrow. */
  private VectorSchemaRoot wideEvents(long from, int count) {
    VectorSchemaRoot root = events(from, count);
    VarCharVector user = (VarCharVector) root.getVector("user");
    for (int i = 0; i < count; i++) {
      user.setSafe(i, String.format("user-%035d", from + i).getBytes(StandardCharsets.UTF_8));
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
