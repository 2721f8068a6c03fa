package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.lake.CompactionResult;
import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.TableName;
import dev.tracelake.proto.v1.AppendRowsResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once across archiving and compaction: a writer whose last commit lies in snapshots
 * archived out of the live metadata, under a compaction that replaced its files, still gets its
 * correct offset, on a restarted server (a fresh fold of the offsets) and on the server that
 * watched the snapshots go (its last folded snapshot was archived).
 */
class OffsetsAcrossArchivingTest extends IngestServerTestBase {
  private static final String TABLE = "history.events";

  /** Sends one one-row request per offset and returns the acks by offset. */
  private static Map<Long, AppendRowsResponse> send(
      ManagedChannel channel, String writer, long from, long to) throws Exception {
    Map<Long, AppendRowsResponse> acks = new HashMap<>();
    try (AppendStream stream = new AppendStream(channel, TABLE, writer)) {
      for (long offset = from; offset <= to; offset++) {
        stream.sendJson(offset, jsonEvents(offsetBase(writer) + offset, 1));
        // one ack before the next request: one snapshot per request
        AppendRowsResponse ack = stream.take();
        acks.put(ack.getOffset(), ack);
      }
    }
    return acks;
  }

  private static long offsetBase(String writer) {
    return writer.equals("old-writer") ? 0 : 1_000_000;
  }

  @Test
  void aWriterWhoseCommitsWereArchivedGetsItsOffsetBack() throws Exception {
    createEvents(TABLE);
    LakeTable table = lake.table(TableName.parse(TABLE));
    table.maintenance().setHistoryWindow(3, 3);
    Map<Long, AppendRowsResponse> old = send(channel, "old-writer", 0, 4);
    // the busy writer's commits push the old writer's out of the live window, and they get
    // archived (by the commits themselves, in the background, and by an explicit run)
    send(channel, "busy-writer", 0, 14);
    // a compaction replaces the files of both writers' commits: its snapshot carries no offsets
    CompactionResult compacted = table.maintenance().compact();
    assertThat(compacted.filesRewritten()).isEqualTo(20);
    assertThat(table.snapshot(compacted.snapshotId().orElseThrow()).operation())
        .isEqualTo("replace");
    table.maintenance().archiveHistory();
    long oldestLive = table.snapshotPage(1, null).snapshots().get(0).snapshotId();
    List<SnapshotInfo> recent = table.history(LakeTable.MAIN).subList(0, 3);
    assertThat(recent).noneMatch(s -> s.summary().containsKey("tracelake.writer.old-writer"));
    assertThat(table.describe().snapshotCount()).isEqualTo(21);
    assertThat(oldestLive).isNotZero();
    // the old writer's snapshots left the live metadata (only the archive has them)
    for (AppendRowsResponse ack : old.values()) {
      assertThatThrownBy(() -> table.createTag("t" + ack.getOffset(), ack.getSnapshotId()))
          .isInstanceOf(LakeException.class)
          .hasMessageContaining("is archived");
    }

    // the server that watched: its last folded snapshot is archived now
    assertOffsetsOf(channel, old, 5);

    // a fresh server on the same lake folds the offsets from nothing
    server.stop();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server = TracelakeServer.onNetty(lake, config()).start();
    channel = channel(server.port());
    assertOffsetsOf(channel, old, 6);

    // every offset of both writers committed exactly once
    List<Long> ids = eventIds(TABLE, null);
    assertThat(ids)
        .containsExactlyElementsOf(
            java.util.stream.Stream.concat(
                    LongStream.rangeClosed(0, 6).boxed(),
                    LongStream.rangeClosed(1_000_000, 1_000_014).boxed())
                .toList());
  }

  /** Resends the old writer's committed offsets, then its next offset, then one past a gap. */
  private void assertOffsetsOf(ManagedChannel channel, Map<Long, AppendRowsResponse> old, long next)
      throws Exception {
    assertThat(server.ingestor().writerOffset(TableName.parse(TABLE), "main", "old-writer"))
        .hasValueSatisfying(c -> assertThat(c.offset()).isEqualTo(next - 1));
    try (AppendStream stream = new AppendStream(channel, TABLE, "old-writer")) {
      for (long offset : List.of(0L, 3L, 4L)) {
        stream.sendJson(offset, jsonEvents(offset, 1));
        AppendRowsResponse ack = stream.take();
        assertThat(ack.getAlreadyCommitted()).as("offset %d", offset).isTrue();
        assertThat(ack.getSnapshotId())
            .as("offset %d is answered with the snapshot that committed it", offset)
            .isEqualTo(old.get(offset).getSnapshotId());
      }
      stream.sendJson(next, jsonEvents(next, 1));
      AppendRowsResponse ack = stream.take();
      assertThat(ack.getAlreadyCommitted()).isFalse();
      assertThat(ack.getOffset()).isEqualTo(next);
      old.put(next, ack);
    }
    try (AppendStream gap = new AppendStream(channel, TABLE, "old-writer")) {
      gap.sendJson(next + 2, jsonEvents(next + 2, 1));
      Status status = gap.status(Duration.ofSeconds(30));
      assertThat(status.getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
      assertThat(status.getDescription()).contains("expected offset " + (next + 1));
    }
  }
}
