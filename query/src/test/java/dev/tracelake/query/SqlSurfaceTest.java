package dev.tracelake.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.lake.AppendResult;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SqlSurfaceTest extends QueryTestBase {

  @Test
  void tablesOfOtherNamespacesAreQualifiedByTheirNamespace() {
    LakeTable scores = lake.createTable(TableName.parse("analytics.scores"), EVENTS);
    AppendResult s1 = appendEvents(scores, 0, 4);
    appendEvents(scores, 4, 4);

    Answer answer =
        query(
            "SELECT count(*) FROM analytics.scores a JOIN analytics.scores FOR VERSION AS OF "
                + s1.snapshotId()
                + " b USING (event_id)");
    assertThat(answer.value()).isEqualTo(4L);
    assertThat(answer.references())
        .extracting(TableReference::table)
        .containsOnly(TableName.parse("analytics.scores"));
    assertThat(query("SELECT count(*) FROM analytics.\"scores$snapshots\"").value()).isEqualTo(2L);
  }

  @Test
  void cteNamesShadowTablesAsDuckDbScopesThem() {
    LakeTable table = events();
    appendEvents(table, 0, 5);
    assertThat(query("WITH events AS (SELECT 42 AS x) SELECT x FROM events").value()).isEqualTo(42);
    assertThat(
            query(
                    "WITH recent AS (SELECT * FROM events WHERE event_id > 2) SELECT count(*) FROM"
                        + " recent")
                .value())
        .isEqualTo(2L);
  }

  @Test
  void describeAndSummarizeWork() {
    LakeTable table = events();
    appendEvents(table, 0, 5);
    assertThat(query("DESCRIBE events").column(0)).startsWith("event_id", "user", "amount");
    assertThat(query("SUMMARIZE SELECT amount FROM events").rows()).hasSize(1);
  }

  @Test
  void queriesRunConcurrentlyEachInItsOwnDatabase() throws Exception {
    LakeTable table = events();
    AppendResult s1 = appendEvents(table, 0, 10);
    appendEvents(table, 10, 10);
    List<CompletableFuture<List<Long>>> clients = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      clients.add(
          CompletableFuture.supplyAsync(
              () -> {
                List<Long> counts = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                  counts.add((Long) query("SELECT count(*) FROM events").value());
                  counts.add(
                      (Long)
                          query("SELECT count(*) FROM events FOR VERSION AS OF " + s1.snapshotId())
                              .value());
                }
                return counts;
              }));
    }
    for (CompletableFuture<List<Long>> client : clients) {
      assertThat(client.get(2, TimeUnit.MINUTES))
          .containsExactly(20L, 10L, 20L, 10L, 20L, 10L, 20L, 10L, 20L, 10L);
    }
  }

  @Test
  void referencesNameEveryPinnedVersionOnce() {
    LakeTable table = events();
    AppendResult s1 = appendEvents(table, 0, 1);
    AppendResult s2 = appendEvents(table, 1, 1);
    table.createTag("v1", s1.snapshotId());
    Answer answer =
        query(
            "SELECT count(*) FROM events, events FOR VERSION AS OF 'v1' a, events FOR VERSION AS OF"
                + " 'v1' b, events FOR VERSION AS OF "
                + s1.snapshotId()
                + " c");
    assertThat(answer.references())
        .containsExactly(
            new TableReference(
                TableName.parse("events"), "ref 'v1'", OptionalLong.of(s1.snapshotId())),
            new TableReference(
                TableName.parse("events"),
                "snapshot " + s1.snapshotId(),
                OptionalLong.of(s1.snapshotId())),
            new TableReference(
                TableName.parse("events"), "main", OptionalLong.of(s2.snapshotId())));
  }

  @Test
  void aWarehousePathWithQuotesAndSpacesWorks() {
    try (Lake odd = Lake.open(LakeConfig.embedded(warehouse.resolve("it's a \"lake\", [really]")));
        SqlEngine oddEngine = SqlEngine.create(odd)) {
      LakeTable table = odd.createTable(TableName.parse("events"), EVENTS);
      appendEvents(table, 0, 3);
      try (QueryResult result = oddEngine.execute("SELECT count(*) FROM events")) {
        assertThat(result.reader().loadNextBatch()).isTrue();
        assertThat(result.reader().getVectorSchemaRoot().getVector(0).getObject(0)).isEqualTo(3L);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
