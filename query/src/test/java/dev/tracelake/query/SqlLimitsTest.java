package dev.tracelake.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.lake.AppendResult;
import dev.tracelake.lake.LakeTable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Limits that hold: the server's cap on a client's timeout, the deadline while a result streams,
 * the cap on queries at once, functions whose results grow past the memory limit, and clear errors
 * for versions that name no point in history.
 */
class SqlLimitsTest extends QueryTestBase {
  private AppendResult first;

  @BeforeEach
  void writeTable() {
    LakeTable table = events();
    first = appendEvents(table, 0, 10);
  }

  @Test
  void aClientsTimeoutIsCappedAtTheEnginesLimit() {
    try (SqlEngine capped =
        SqlEngine.create(
            lake,
            SqlEngineConfig.defaults()
                .withDefaultTimeout(Duration.ofMillis(200))
                .withMaxTimeout(Duration.ofMillis(300)))) {
      assertThatThrownBy(
              () ->
                  capped
                      .execute(
                          "SELECT count(*) FROM range(1000000000000) a WHERE a.range % 7 = 8",
                          QueryOptions.defaults().withTimeout(Duration.ofHours(5)))
                      .close())
          .isInstanceOf(QueryException.class)
          .hasMessage("Query exceeded its timeout of 300 ms and was cancelled")
          .extracting(e -> ((QueryException) e).kind())
          .isEqualTo(QueryErrorKind.DEADLINE_EXCEEDED);
    }
  }

  @Test
  void theDeadlineKeepsRunningWhileTheResultStreams() throws Exception {
    try (QueryResult result =
        engine.execute(
            "SELECT range FROM range(100000)",
            QueryOptions.defaults().withTimeout(Duration.ofMillis(300)).withBatchSize(100))) {
      assertThat(result.reader().loadNextBatch()).isTrue();
      // a client that stops reading: the deadline passes while nothing is read
      long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!result.isStopped() && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      assertThat(result.isStopped()).isTrue();
      assertThatThrownBy(() -> result.reader().loadNextBatch())
          .isInstanceOf(QueryException.class)
          .hasMessage("Query exceeded its timeout of 300 ms and was cancelled");
    }
    assertThat(engine.warmSandboxCount()).as("a stopped query's database is closed").isZero();
    assertThat(query("SELECT count(*) FROM events").value()).isEqualTo(10L);
  }

  @Test
  void aQueryMayWaitForASlotAndIsAdmittedWhenOneFrees() throws Exception {
    try (SqlEngine one =
        SqlEngine.create(lake, SqlEngineConfig.defaults().withMaxConcurrentQueries(1))) {
      QueryResult holding = one.execute("SELECT * FROM events");
      var waiting =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try (QueryResult r =
                    one.execute(
                        "SELECT count(*) FROM events",
                        QueryOptions.defaults().withAdmissionWait(Duration.ofMinutes(2)))) {
                  r.reader().loadNextBatch();
                  return rowsOf(r.reader().getVectorSchemaRoot()).get(0).get(0);
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      // a query that does not wait is still refused while the slot is held
      assertThatThrownBy(() -> one.execute("SELECT 1"))
          .extracting(e -> ((QueryException) e).kind())
          .isEqualTo(QueryErrorKind.RESOURCE_EXHAUSTED);
      assertThat(waiting).isNotDone(); // the slot is still held: it cannot have run
      holding.close();
      assertThat(waiting.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(10L);

      // a wait that runs out is refused as before; a cancelled waiter ends at once, slot unused
      QueryResult again = one.execute("SELECT * FROM events");
      assertThatThrownBy(
              () ->
                  one.execute(
                      "SELECT 1",
                      QueryOptions.defaults().withAdmissionWait(Duration.ofMillis(200))))
          .extracting(e -> ((QueryException) e).kind())
          .isEqualTo(QueryErrorKind.RESOURCE_EXHAUSTED);
      QueryCancellation cancellation = QueryCancellation.create();
      cancellation.cancel();
      assertThatThrownBy(
              () ->
                  one.execute(
                      "SELECT 1",
                      QueryOptions.defaults()
                          .withCancellation(cancellation)
                          .withAdmissionWait(Duration.ofMinutes(2))))
          .hasMessage("Query was cancelled while it waited for a free slot")
          .extracting(e -> ((QueryException) e).kind())
          .isEqualTo(QueryErrorKind.CANCELLED);
      again.close();
      one.execute("SELECT 42").close(); // both refused waiters gave their slot back
    }
  }

  @Test
  void queriesBeyondTheConcurrencyCapAreRefusedUntilOneEnds() throws Exception {
    try (SqlEngine two =
        SqlEngine.create(lake, SqlEngineConfig.defaults().withMaxConcurrentQueries(2))) {
      QueryResult a = two.execute("SELECT * FROM events");
      QueryResult b = two.execute("SELECT * FROM events");
      assertThatThrownBy(() -> two.execute("SELECT count(*) FROM events"))
          .isInstanceOf(QueryException.class)
          .hasMessage(
              "2 queries are running, the most this engine runs at once; retry when one has"
                  + " finished")
          .extracting(e -> ((QueryException) e).kind())
          .isEqualTo(QueryErrorKind.RESOURCE_EXHAUSTED);
      a.close();
      try (QueryResult c = two.execute("SELECT count(*) FROM events")) {
        assertThat(c.reader().loadNextBatch()).isTrue();
      }
      b.close();
      // a refused or failed query gives its slot back
      assertThatThrownBy(() -> two.execute("SELECT * FROM nope"))
          .isInstanceOf(QueryException.class);
      assertThatThrownBy(() -> two.execute("SELECT * FROM nope"))
          .isInstanceOf(QueryException.class);
      two.execute("SELECT 1").close();
      two.execute("SELECT 1").close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "SELECT repeat('x', 1000000000)|repeat(...) with a size of 1000000000 is refused",
        "SELECT length(repeat('x', 9000))|repeat(...) with a size of 9000 is refused",
        "SELECT repeat(user, amount::INT) FROM events|repeat(...) with a size that is not an"
            + " integer literal is refused",
        "SELECT repeat(user, 3) FROM events|repeat(...) with a first argument that is not a"
            + " string literal",
        "SELECT repeat(repeat('ab', 1000), 8000)|repeat(...) with a first argument that is not",
        "SELECT repeat('abcdefghij', 8000)|repeat(...) with a result of 10 x 8000 characters",
        "SELECT lpad('x', 100000000, 'y')|lpad(...) with a size of 100000000 is refused",
        "SELECT rpad(user, 2147483647, '-') FROM events|rpad(...) with a size of 2147483647",
        "SELECT len(range(100000000))|range(...) with its list of 100000000 elements is refused",
        "SELECT generate_series(1, 1000000000)|generate_series(...) with its list of",
        "SELECT printf('%999999999d', 1)|printf(...) with a width of 999999999 in its format",
        "SELECT format(user, 1) FROM events|format(...) with a format that is not a string"
            + " literal",
        "SELECT list_resize([1], 100000000)|list_resize(...) with a size of 100000000",
        "SELECT setseed(0.5)|Function setseed is not allowed",
        "SELECT $1|Query parameters ($1, ?) are not supported",
        "SELECT * FROM memory.main.events|Table name 'memory.main.events' has too many parts",
      })
  void statementsThatCouldOutgrowTheMemoryLimitOrTheSandboxAreRefused(String sql, String message) {
    assertThatThrownBy(() -> query(sql))
        .isInstanceOf(QueryException.class)
        .hasMessageContaining(message)
        .extracting(e -> ((QueryException) e).kind())
        .isIn(QueryErrorKind.INVALID_ARGUMENT, QueryErrorKind.PERMISSION_DENIED);
  }

  @Test
  void smallGrowthAndStreamingTableFunctionsStillWork() {
    assertThat(
            rows(
                "SELECT repeat('ab', 3), lpad('7', 3, '0'), len(range(5)), printf('%5d', 42),"
                    + " (SELECT count(*) FROM range(100000000) LIMIT 1)"))
        .containsExactly(List.of("ababab", "007", 5L, "   42", 100000000L));
  }

  @Test
  void versionsThatNameNoPointInHistoryGetClearErrors() {
    Map<String, String> cases =
        Map.of(
            "SELECT * FROM events FOR VERSION AS OF 0x10",
            "FOR VERSION AS OF takes a decimal snapshot id or a 'branch-or-tag' name, got '0x10'",
            "SELECT * FROM events FOR VERSION AS OF " + first.snapshotId() + "abc",
            "got '" + first.snapshotId() + "abc'",
            "SELECT * FROM events FOR TIMESTAMP AS OF TIMESTAMP 'infinity'",
            "Timestamp 'infinity' in FOR TIMESTAMP AS OF is not a point in time",
            "SELECT * FROM events FOR TIMESTAMP AS OF TIMESTAMP '-infinity'",
            "Timestamp '-infinity' in FOR TIMESTAMP AS OF is not a point in time",
            "SELECT * FROM a.b.events FOR VERSION AS OF 1",
            "Table name 'a.b.events' has too many parts",
            "SELECT * FROM events FOR VERSION AS OF 99999999999999999999",
            "Snapshot id 99999999999999999999 is out of range");
    cases.forEach(
        (sql, message) ->
            assertThatThrownBy(() -> query(sql))
                .as(sql)
                .isInstanceOf(QueryException.class)
                .hasMessageContaining(message)
                .extracting(e -> ((QueryException) e).kind())
                .isEqualTo(QueryErrorKind.INVALID_ARGUMENT));
  }
}
