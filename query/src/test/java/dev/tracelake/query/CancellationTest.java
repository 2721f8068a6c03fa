package dev.tracelake.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CancellationTest extends QueryTestBase {
  /** A query that would run for hours: a trillion-row cross join nothing can prune. */
  private static final String ENDLESS =
      "SELECT count(*) FROM range(1000000) a CROSS JOIN range(1000000) b"
          + " WHERE a.range + b.range = -1";

  @BeforeEach
  void writeTable() {
    appendEvents(events(), 0, 10);
  }

  @Test
  void aQueryPastItsTimeoutIsCancelled() {
    assertThatThrownBy(
            () -> query(ENDLESS, QueryOptions.defaults().withTimeout(Duration.ofMillis(300))))
        .isInstanceOf(QueryException.class)
        .hasMessage("Query exceeded its timeout of 300 ms and was cancelled")
        .extracting(e -> ((QueryException) e).kind())
        .isEqualTo(QueryErrorKind.DEADLINE_EXCEEDED);
    assertThat(query("SELECT count(*) FROM events").value()).isEqualTo(10L);
  }

  @Test
  void theCancellationHandleStopsARunningQuery() throws Exception {
    QueryCancellation cancellation = QueryCancellation.create();
    CompletableFuture<Answer> running =
        CompletableFuture.supplyAsync(
            () ->
                query(
                    ENDLESS,
                    QueryOptions.defaults()
                        .withTimeout(Duration.ofMinutes(5))
                        .withCancellation(cancellation)));
    // give the query a moment to start; the outcome is the same if it had not
    Thread.sleep(200);
    cancellation.cancel();

    assertThatThrownBy(() -> running.get(2, TimeUnit.MINUTES))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(QueryException.class)
        .hasMessage("Query was cancelled")
        .extracting(e -> ((QueryException) e).kind())
        .isEqualTo(QueryErrorKind.CANCELLED);
    assertThat(cancellation.isCancelled()).isTrue();
    assertThat(query("SELECT count(*) FROM events").value()).isEqualTo(10L);
  }

  @Test
  void aCancelledHandleStopsAQueryBeforeItStarts() {
    QueryCancellation cancellation = QueryCancellation.create();
    cancellation.cancel();
    assertThatThrownBy(
            () ->
                query(
                    "SELECT count(*) FROM events",
                    QueryOptions.defaults().withCancellation(cancellation)))
        .isInstanceOf(QueryException.class)
        .hasMessage("Query was cancelled")
        .extracting(e -> ((QueryException) e).kind())
        .isEqualTo(QueryErrorKind.CANCELLED);
  }

  @Test
  void cancellingAResultStopsItsStream() throws Exception {
    try (QueryResult result =
        engine.execute(
            "SELECT range FROM range(100000)", QueryOptions.defaults().withBatchSize(1000))) {
      ArrowReader reader = result.reader();
      assertThat(reader.loadNextBatch()).isTrue();
      assertThat(reader.getVectorSchemaRoot().getRowCount()).isEqualTo(1000);

      result.cancel();

      assertThatThrownBy(reader::loadNextBatch)
          .isInstanceOf(QueryException.class)
          .hasMessage("Query was cancelled")
          .extracting(e -> ((QueryException) e).kind())
          .isEqualTo(QueryErrorKind.CANCELLED);
      assertThat(result.rowCount()).isEmpty();
    }
    assertThat(query("SELECT count(*) FROM events").value()).isEqualTo(10L);
  }

  @Test
  void aQueryPastTheMemoryLimitFailsAndTheEngineGoesOn() {
    try (SqlEngine small =
        SqlEngine.create(lake, SqlEngineConfig.defaults().withMemoryLimitBytes(32L << 20))) {
      assertThatThrownBy(() -> small.execute("SELECT list(range) FROM range(50000000)").close())
          .isInstanceOf(QueryException.class)
          .hasMessageStartingWith(
              "Query needs more than its limits of 32 MiB of memory and 4096 MiB of spill space on"
                  + " disk (DuckDB: failed to allocate")
          .hasMessageEndingWith(
              "an operator raises them with TRACELAKE_SQL_MEMORY_LIMIT and"
                  + " TRACELAKE_SQL_SPILL_LIMIT (e.g. 4GiB) in the server's environment")
          .extracting(e -> ((QueryException) e).kind())
          .isEqualTo(QueryErrorKind.RESOURCE_EXHAUSTED);
      try (QueryResult result = small.execute("SELECT count(*) FROM events")) {
        assertThat(result.references()).hasSize(1);
      }
    }
    assertThat(query("SELECT count(*) FROM events").value()).isEqualTo(10L);
  }
}
