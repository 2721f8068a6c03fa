package dev.tracelake.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.lake.AppendResult;
import dev.tracelake.lake.LakeTable;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A query's sandbox is kept for the next query over the same files and relations, and only so. */
class WarmSandboxesTest extends QueryTestBase {

  @Test
  void aRepeatedQueryReusesTheSandboxAndANewCommitGetsAFreshOne() {
    LakeTable table = events();
    AppendResult first = appendEvents(table, 0, 10);
    String sql = "SELECT count(*), CAST(sum(event_id) AS BIGINT) FROM events";

    assertThat(query(sql).rows()).containsExactly(List.of(10L, 45L));
    assertThat(engine.warmSandboxCount()).isEqualTo(1);
    assertThat(query(sql).rows()).containsExactly(List.of(10L, 45L));
    assertThat(engine.warmSandboxCount()).as("taken and given back").isEqualTo(1);

    // a commit changes the current version's files: the kept database does not fit it
    appendEvents(table, 10, 5);
    assertThat(query(sql).rows()).containsExactly(List.of(15L, 105L));
    assertThat(engine.warmSandboxCount()).isEqualTo(2);
    // the old version still finds its own database, with its own view
    assertThat(query("SELECT count(*) FROM events FOR VERSION AS OF " + first.snapshotId()).value())
        .isEqualTo(10L);
    assertThat(engine.warmSandboxCount()).isLessThanOrEqualTo(WarmSandboxes.MAX_IDLE);
  }

  @Test
  void aReusedSandboxIsStillConfinedAndLocked() {
    appendEvents(events(), 0, 10);
    String sql = "SELECT count(*) FROM events";
    query(sql);
    query(sql);
    for (String escape :
        List.of(
            "SELECT * FROM read_csv('/etc/passwd')",
            "SELECT count(*) FROM events, read_text('/etc/hostname')")) {
      assertThatThrownBy(() -> query(escape)).isInstanceOf(QueryException.class);
    }
    assertThat(query(sql).value()).isEqualTo(10L);
  }

  @Test
  void aFailedOrTimedOutQueryDoesNotKeepItsSandbox() {
    appendEvents(events(), 0, 10);
    assertThatThrownBy(() -> query("SELECT CAST('x' || event_id AS INTEGER) FROM events"))
        .isInstanceOf(QueryException.class);
    assertThat(engine.warmSandboxCount()).isZero();
    assertThatThrownBy(
            () ->
                query(
                    "SELECT count(*) FROM events, range(100000000000) r WHERE r.range % 7 = 1",
                    QueryOptions.defaults().withTimeout(Duration.ofMillis(200))))
        .isInstanceOf(QueryException.class);
    assertThat(engine.warmSandboxCount()).isZero();
  }

  @Test
  void aResultClosedBeforeItsEndDoesNotKeepItsSandbox() throws Exception {
    appendEvents(events(), 0, 10);
    try (QueryResult result =
        engine.execute("SELECT event_id FROM events", QueryOptions.defaults().withBatchSize(2))) {
      assertThat(result.reader().loadNextBatch()).isTrue();
    }
    assertThat(engine.warmSandboxCount()).isZero();
  }
}
