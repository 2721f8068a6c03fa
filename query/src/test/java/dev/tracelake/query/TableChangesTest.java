package dev.tracelake.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.lake.AppendResult;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.junit.jupiter.api.Test;

class TableChangesTest extends QueryTestBase {

  @Test
  void returnsTheRowsAddedBetweenTwoVersionsWithTheSnapshotThatAddedEach() {
    LakeTable table = events();
    AppendResult s1 = appendEvents(table, 0, 3);
    AppendResult s2 = appendEvents(table, 3, 2);
    AppendResult s3 = appendEvents(table, 5, 1);
    table.createTag("v3", s3.snapshotId());
    appendEvents(table, 6, 4);

    Answer answer =
        query(
            "SELECT event_id, _change_type, _change_snapshot_id FROM table_changes('events', "
                + s1.snapshotId()
                + ", 'v3') ORDER BY event_id");

    assertThat(answer.rows())
        .containsExactly(
            List.of(3L, "insert", s2.snapshotId()),
            List.of(4L, "insert", s2.snapshotId()),
            List.of(5L, "insert", s3.snapshotId()));
    assertThat(answer.references().get(0).version())
        .isEqualTo("changes after snapshot " + s1.snapshotId() + " up to ref 'v3'");
    assertThat(answer.references().get(0).snapshotId()).hasValue(s3.snapshotId());
  }

  @Test
  void nullMeansFromTheFirstSnapshotAndUpToTheHeadOfMain() {
    LakeTable table = events();
    AppendResult s1 = appendEvents(table, 0, 2);
    AppendResult s2 = appendEvents(table, 2, 1);
    Answer answer =
        query(
            "SELECT _change_snapshot_id, count(*) FROM table_changes('default.events', NULL, NULL)"
                + " GROUP BY ALL ORDER BY 2 DESC");
    assertThat(answer.rows())
        .containsExactly(List.of(s1.snapshotId(), 2L), List.of(s2.snapshotId(), 1L));
    assertThat(query("SELECT count(*) FROM table_changes('events', 'main', NULL)").value())
        .isEqualTo(0L);
  }

  @Test
  void rowsWrittenBeforeASchemaChangeReadWithTheColumnsOfTheLaterVersion() {
    LakeTable table = events();
    AppendResult s1 = appendEvents(table, 0, 1);
    AppendResult s2 = appendEvents(table, 1, 1);
    table
        .updateSchema()
        .renameColumn("user", "customer")
        .addColumn("note", ArrowType.Utf8.INSTANCE)
        .commit();
    AppendResult s3 = appendEvents(table, 2, 1);

    Answer answer =
        query(
            "SELECT event_id, customer, note, _change_snapshot_id FROM table_changes('events', "
                + s1.snapshotId()
                + ", "
                + s3.snapshotId()
                + ") ORDER BY event_id");
    assertThat(answer.rows())
        .containsExactly(
            java.util.Arrays.asList(1L, "u1", null, s2.snapshotId()),
            java.util.Arrays.asList(2L, "u2", null, s3.snapshotId()));
  }

  @Test
  void anEmptyRangeStillHasTheColumns() {
    LakeTable table = events();
    AppendResult s1 = appendEvents(table, 0, 1);
    Answer answer =
        query(
            "SELECT * FROM table_changes('events', "
                + s1.snapshotId()
                + ", "
                + s1.snapshotId()
                + ")");
    assertThat(answer.rows()).isEmpty();
    assertThat(answer.columns())
        .startsWith("event_id", "user", "amount")
        .endsWith("_change_type", "_change_snapshot_id", "_change_committed_at");
  }

  @Test
  void versionsOnDifferentBranchesAndBadCallsFailClearly() {
    LakeTable table = events();
    AppendResult s1 = appendEvents(table, 0, 1);
    table.createBranch("side", s1.snapshotId());
    AppendResult side;
    try (PendingAppend append = table.newAppend(PROV, "side");
        VectorSchemaRoot batch = eventsBatch(table, 10, 1)) {
      append.write(batch);
      side = append.commit();
    }
    AppendResult s2 = appendEvents(table, 1, 1);

    assertThatThrownBy(
            () ->
                query(
                    "SELECT * FROM table_changes('events', "
                        + side.snapshotId()
                        + ", "
                        + s2.snapshotId()
                        + ")"))
        .isInstanceOf(QueryException.class)
        .hasMessage(
            "Table default.events: snapshot "
                + side.snapshotId()
                + " is not an ancestor of snapshot "
                + s2.snapshotId()
                + ", so no rows were added from one to the other")
        .extracting(e -> ((QueryException) e).kind())
        .isEqualTo(QueryErrorKind.INVALID_ARGUMENT);
    assertThatThrownBy(() -> query("SELECT * FROM table_changes('nosuch', NULL, NULL)"))
        .isInstanceOf(QueryException.class)
        .hasMessage("Table 'nosuch' does not exist; tables: [default.events]");
    assertThatThrownBy(() -> query("SELECT * FROM table_changes('events', 1 + 1, NULL)"))
        .isInstanceOf(QueryException.class)
        .hasMessageContaining("Bad table_changes call 'table_changes('events', 1 + 1, NULL)'")
        .extracting(e -> ((QueryException) e).kind())
        .isEqualTo(QueryErrorKind.INVALID_ARGUMENT);
    assertThatThrownBy(() -> query("SELECT * FROM table_changes('events', 'nope', NULL)"))
        .isInstanceOf(QueryException.class)
        .hasMessageContaining("has no branch or tag 'nope'");
  }
}
