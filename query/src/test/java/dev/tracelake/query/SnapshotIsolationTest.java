package dev.tracelake.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.SnapshotInfo;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SnapshotIsolationTest extends QueryTestBase {

  @Test
  void everyMentionOfATableReadsTheOneSnapshotPinnedBeforeTheQueryRan() throws Exception {
    LakeTable table = events();
    appendEvents(table, 0, 10);
    AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<Integer> writer =
        CompletableFuture.supplyAsync(
            () -> {
              int commits = 0;
              while (!stop.get()) {
                appendEvents(table, 10 + commits * 10L, 10);
                commits++;
              }
              return commits;
            });
    try {
      for (int i = 0; i < 15; i++) {
        Answer answer =
            query(
                "SELECT (SELECT count(*) FROM events) AS a,"
                    + " (SELECT count(*) FROM events e JOIN events f USING (event_id)) AS b,"
                    + " (SELECT max(event_id) + 1 FROM events) AS c");
        List<Object> row = answer.rows().get(0);
        assertThat(answer.references()).hasSize(1);
        long pinned = answer.references().get(0).snapshotId().orElseThrow();
        SnapshotInfo snapshot = table.snapshot(pinned);
        assertThat(row).containsOnly(snapshot.totalRows());
      }
    } finally {
      stop.set(true);
    }
    assertThat(writer.get(1, TimeUnit.MINUTES)).isPositive();
  }
}
