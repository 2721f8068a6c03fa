package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.TableName;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The server compacts the tables it writes in the background, while it keeps committing: the head
 * shrinks to a few files, every row stays exactly once, and older snapshots read as they did.
 */
class BackgroundCompactionTest extends IngestServerTestBase {
  private static final String TABLE = "upkeep.events";

  @Override
  TracelakeServer configure(TracelakeServer unstarted) {
    return unstarted.compactionInterval(Duration.ofMillis(300));
  }

  @Test
  void smallFilesAreCompactedWhileWritesGoOn() throws Exception {
    createEvents(TABLE);
    LakeTable table = lake.table(TableName.parse(TABLE));
    try (AppendStream stream = new AppendStream(channel, TABLE, "w")) {
      for (long offset = 0; offset < 24; offset++) {
        stream.sendJson(offset, jsonEvents(offset * 10, 2));
        stream.take(); // one snapshot, one small file per request
      }
    }
    SnapshotInfo early = table.snapshots().get(3);
    List<Long> atEarly = eventIds(TABLE, early.snapshotId());
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (table.scan().plan().files().size() > 8 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(table.scan().plan().files()).hasSizeLessThanOrEqualTo(8);
    assertThat(table.snapshots()).anyMatch(s -> s.operation().equals("replace"));
    List<Long> expected =
        LongStream.range(0, 24)
            .flatMap(o -> LongStream.of(o * 10, o * 10 + 1))
            .sorted()
            .boxed()
            .toList();
    assertThat(eventIds(TABLE, null)).isEqualTo(expected);
    assertThat(eventIds(TABLE, early.snapshotId())).isEqualTo(atEarly).hasSize(8);
    // ingest goes on after the rewrites, offsets intact
    try (AppendStream stream = new AppendStream(channel, TABLE, "w")) {
      stream.sendJson(24, jsonEvents(240, 2));
      assertThat(stream.take().getAlreadyCommitted()).isFalse();
    }
    assertThat(server.metrics().scrape("text/plain"))
        .contains("tracelake_compaction_files_rewritten_total{table=\"upkeep.events\"}");
  }
}
