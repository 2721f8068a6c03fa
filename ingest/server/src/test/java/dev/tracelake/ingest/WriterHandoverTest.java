package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import dev.tracelake.proto.v1.AppendRowsResponse;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

/**
 * A writer handed over between replicas: offsets another replica committed (whose acks the writer
 * never saw) are answered as already committed, and the writer's later offsets are never committed
 * behind a gap. A gap would make every later resend of the missing offsets look committed:
 * acknowledged, and lost.
 */
class WriterHandoverTest extends IngestServerTestBase {
  private static final String TABLE = "handover.events";
  private static final String WRITER = "w";

  @Override
  IngestConfig config() {
    IngestConfig d = IngestConfig.defaults();
    // four one-row requests fill a commit; the interval never fires during the test
    return new IngestConfig(
        d.host(),
        0,
        d.maxMessageBytes(),
        4,
        d.commitMaxBytes(),
        Duration.ofSeconds(20),
        d.inflightBytes(),
        d.shutdownGrace(),
        1);
  }

  @Test
  void aResendStraightAfterTheConflictIsAcceptedAndCommitsEveryRow() throws Exception {
    handOver(false);
  }

  @Test
  void offsetsQueuedBehindAFailedOneNeverCommitBehindAGap() throws Exception {
    // the resend comes once everything the server had queued is settled: had the later offsets
    // committed, the missing one would now be answered as committed and its row lost
    handOver(true);
  }

  private void handOver(boolean settleBeforeResend) throws Exception {
    createEvents(TABLE);
    // this server commits offsets 0..3 and remembers the writer's last offset as 3
    try (AppendStream first = new AppendStream(channel, TABLE, WRITER)) {
      for (long offset = 0; offset < 4; offset++) {
        first.sendJson(offset, jsonEvents(offset * 100, 1));
      }
      assertThat(first.take(4))
          .extracting(AppendRowsResponse::getOffset)
          .containsExactly(0L, 1L, 2L, 3L);
    }
    // another replica commits offsets 4..6 of the same writer, then dies before acknowledging
    LakeTable table = lake.table(TableName.parse(TABLE));
    try (PendingAppend other = table.newAppend(Provenance.none())) {
      for (long offset = 4; offset <= 6; offset++) {
        try (VectorSchemaRoot row = events(offset * 100, 1)) {
          other.write(row);
        }
      }
      other.summary(WriterOffsets.SUMMARY_PREFIX + WRITER, "4-6").commit();
    }

    // the writer resends 4.. here. This server's view of the writer is stale (last offset 3),
    // so the first commit of 4..7 conflicts: 4..6 are committed, 7 must be resent. Requests
    // 8.. queued behind it must not commit while 7 is missing.
    long last = 15;
    TreeMap<Long, AppendRowsResponse> acked = new TreeMap<>();
    Status ended;
    try (AppendStream resend = new AppendStream(channel, TABLE, WRITER)) {
      for (long offset = 4; offset <= last; offset++) {
        resend.sendJson(offset, jsonEvents(offset * 100, 1));
      }
      for (AppendRowsResponse r; (r = resend.takeOrNull()) != null; ) {
        acked.put(r.getOffset(), r);
      }
      ended = resend.status(Duration.ofSeconds(30));
    }
    assertThat(acked.keySet()).startsWith(4L, 5L, 6L);
    assertThat(acked.get(4L).getAlreadyCommitted()).isTrue();
    if (acked.lastKey() < last) {
      // the stream ended at the first offset that could not commit; the writer may retry it
      assertThat(ended.getCode()).isEqualTo(Status.Code.ABORTED);
      assertThat(ended.getDescription()).contains("offset " + (acked.lastKey() + 1));
    }

    if (settleBeforeResend) {
      // every request the server took is acknowledged or failed once the budget is all released
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (server.ingestor().budget().used() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
    }
    // the writer resends everything unacknowledged, as the client does after ABORTED
    long next = acked.lastKey() + 1;
    if (next <= last) {
      List<AppendRowsResponse> responses = new ArrayList<>();
      try (AppendStream again = new AppendStream(channel, TABLE, WRITER)) {
        for (long offset = next; offset <= last; offset++) {
          again.sendJson(offset, jsonEvents(offset * 100, 1));
        }
        responses.addAll(again.take((int) (last - next + 1)));
      }
      responses.forEach(r -> acked.put(r.getOffset(), r));
    }
    assertThat(acked.keySet())
        .containsExactlyElementsOf(
            LongStream.rangeClosed(0, last).boxed().filter(o -> o >= 4).toList());
    // every acknowledged offset's row is in the table, exactly once
    assertThat(eventIds(TABLE, null))
        .containsExactlyElementsOf(
            LongStream.rangeClosed(0, last).map(o -> o * 100).boxed().toList());
  }
}
