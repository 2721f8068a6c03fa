package dev.tracelake.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.lake.AppendResult;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.TableName;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.OptionalLong;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.junit.jupiter.api.Test;

class TimeTravelSqlTest extends QueryTestBase {

  @Test
  void aTableNameReadsTheHeadOfMainAndReportsItsSnapshot() {
    LakeTable table = events();
    appendEvents(table, 0, 10);
    AppendResult s2 = appendEvents(table, 10, 5);

    Answer answer = query("SELECT count(*), CAST(sum(event_id) AS BIGINT) FROM events");

    assertThat(answer.rows()).containsExactly(List.of(15L, 105L));
    assertThat(answer.rowCount()).isEqualTo(1);
    assertThat(answer.references())
        .containsExactly(
            new TableReference(
                TableName.parse("events"), "main", OptionalLong.of(s2.snapshotId())));
  }

  @Test
  void readsBySnapshotIdTagBranchAndTimestamp() throws Exception {
    LakeTable table = events();
    AppendResult s1 = appendEvents(table, 0, 10);
    Thread.sleep(5);
    Instant between = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Thread.sleep(5);
    AppendResult s2 = appendEvents(table, 10, 10);
    table.createTag("training-set", s1.snapshotId());
    table.createBranch("audit", s2.snapshotId());
    try (PendingAppend append = table.newAppend(PROV, "audit");
        VectorSchemaRoot batch = eventsBatch(table, 20, 5)) {
      append.write(batch);
      append.commit();
    }
    appendEvents(table, 100, 1);

    assertThat(count("events FOR VERSION AS OF " + s1.snapshotId())).isEqualTo(10);
    assertThat(count("events FOR VERSION AS OF " + s2.snapshotId())).isEqualTo(20);
    assertThat(count("events FOR VERSION AS OF 'training-set'")).isEqualTo(10);
    assertThat(count("events FOR VERSION AS OF 'audit'")).isEqualTo(25);
    assertThat(count("events FOR VERSION AS OF 'main'")).isEqualTo(21);
    assertThat(count("events")).isEqualTo(21);
    String ts =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC)
            .format(between);
    assertThat(count("events FOR TIMESTAMP AS OF TIMESTAMP '" + ts + " UTC'")).isEqualTo(10);
    assertThat(count("events FOR TIMESTAMP AS OF '" + between + "'")).isEqualTo(10);

    Answer tagged = query("SELECT max(event_id) FROM events FOR VERSION AS OF 'training-set'");
    assertThat(tagged.value()).isEqualTo(9L);
    assertThat(tagged.references())
        .containsExactly(
            new TableReference(
                TableName.parse("events"), "ref 'training-set'", OptionalLong.of(s1.snapshotId())));
    assertThat(
            query("SELECT count(*) FROM events FOR TIMESTAMP AS OF '" + between + "'")
                .references()
                .get(0)
                .version())
        .isEqualTo("timestamp " + between);
  }

  @Test
  void oneQueryJoinsTodaysTableWithAnOlderVersionOfIt() {
    LakeTable table = events();
    AppendResult s1 = appendEvents(table, 0, 10);
    appendEvents(table, 10, 10);

    Answer answer =
        query(
            "SELECT count(*) AS total, count(old.event_id) AS kept FROM events now LEFT JOIN events"
                + " FOR VERSION AS OF "
                + s1.snapshotId()
                + " old ON now.event_id = old.event_id");
    assertThat(answer.rows()).containsExactly(List.of(20L, 10L));
    assertThat(answer.references())
        .extracting(TableReference::version)
        .containsExactlyInAnyOrder("main", "snapshot " + s1.snapshotId());

    // without an alias the reference keeps the table's name for qualified columns
    assertThat(
            query(
                    "SELECT min(events.event_id) FROM events FOR VERSION AS OF "
                        + s1.snapshotId()
                        + " WHERE events.event_id > 3")
                .value())
        .isEqualTo(4L);
  }

  @Test
  void qualifiedAndDifferentlyCasedNamesReachTheSameTable() {
    LakeTable table = events();
    AppendResult s1 = appendEvents(table, 0, 3);
    assertThat(query("SELECT count(*) FROM default.events").value()).isEqualTo(3L);
    assertThat(query("SELECT count(*) FROM \"default\".EVENTS").value()).isEqualTo(3L);
    Answer both = query("SELECT (SELECT count(*) FROM Events) + (SELECT count(*) FROM events)");
    assertThat(both.value()).isEqualTo(6L);
    assertThat(both.references())
        .containsExactly(
            new TableReference(
                TableName.parse("events"), "main", OptionalLong.of(s1.snapshotId())));
  }

  @Test
  void anOldSnapshotReadsWithItsOwnSchemaAndTheHeadWithTodays() {
    LakeTable table = events();
    AppendResult s1 = appendEvents(table, 0, 2);
    table
        .updateSchema()
        .renameColumn("user", "customer")
        .addColumn("note", ArrowType.Utf8.INSTANCE)
        .commit();
    appendEvents(table, 2, 1);

    Answer old = query("SELECT * FROM events FOR VERSION AS OF " + s1.snapshotId());
    assertThat(old.columns()).startsWith("event_id", "user", "amount").doesNotContain("note");
    Answer now = query("SELECT event_id, customer, note FROM events ORDER BY event_id");
    assertThat(now.rows())
        .containsExactly(
            java.util.Arrays.asList(0L, "u0", null),
            java.util.Arrays.asList(1L, "u1", null),
            java.util.Arrays.asList(2L, "u2", null));
  }

  @Test
  void aTableNeverWrittenHasItsColumnsAndNoRows() {
    events();
    Answer answer = query("SELECT * FROM events");
    assertThat(answer.columns())
        .containsExactly(
            "event_id",
            "user",
            "amount",
            "_record_id",
            "_ingested_at",
            "_run_id",
            "_code_commit",
            "_model_name",
            "_model_version",
            "_lineage");
    assertThat(answer.rows()).isEmpty();
    assertThat(answer.rowCount()).isZero();
    assertThat(answer.references())
        .containsExactly(
            new TableReference(TableName.parse("events"), "main", OptionalLong.empty()));
    assertThat(query("SELECT count(*) FROM events FOR VERSION AS OF 'main'").value()).isEqualTo(0L);
  }

  @Test
  void unknownTablesVersionsTagsAndColumnsFailNamingThem() {
    LakeTable table = events();
    AppendResult s1 = appendEvents(table, 0, 1);
    table.createTag("v1", s1.snapshotId());

    assertThatThrownBy(() -> query("SELECT * FROM nosuch"))
        .isInstanceOf(QueryException.class)
        .hasMessage("Table 'nosuch' does not exist; tables: [default.events]")
        .extracting(e -> ((QueryException) e).kind())
        .isEqualTo(QueryErrorKind.NOT_FOUND);
    assertThatThrownBy(() -> query("SELECT * FROM nosuch FOR VERSION AS OF 1"))
        .isInstanceOf(QueryException.class)
        .hasMessage("Table 'nosuch' does not exist; tables: [default.events]");
    assertThatThrownBy(() -> query("SELECT * FROM events FOR VERSION AS OF 12345"))
        .isInstanceOf(QueryException.class)
        .hasMessage("Table default.events has no snapshot 12345")
        .extracting(e -> ((QueryException) e).kind())
        .isEqualTo(QueryErrorKind.NOT_FOUND);
    assertThatThrownBy(() -> query("SELECT * FROM events FOR VERSION AS OF 'nope'"))
        .isInstanceOf(QueryException.class)
        .hasMessageContaining("has no branch or tag 'nope'")
        .hasMessageContaining("v1")
        .extracting(e -> ((QueryException) e).kind())
        .isEqualTo(QueryErrorKind.NOT_FOUND);
    assertThatThrownBy(
            () -> query("SELECT * FROM events FOR TIMESTAMP AS OF TIMESTAMP '2001-01-01 00:00:00'"))
        .isInstanceOf(QueryException.class)
        .hasMessageContaining("no snapshot on main at or before 2001-01-01T00:00:00Z")
        .extracting(e -> ((QueryException) e).kind())
        .isEqualTo(QueryErrorKind.NOT_FOUND);
    assertThatThrownBy(() -> query("SELECT * FROM events FOR TIMESTAMP AS OF 'yesterday-ish'"))
        .isInstanceOf(QueryException.class)
        .hasMessageContaining("Invalid timestamp 'yesterday-ish' in FOR TIMESTAMP AS OF")
        .extracting(e -> ((QueryException) e).kind())
        .isEqualTo(QueryErrorKind.INVALID_ARGUMENT);
    assertThatThrownBy(() -> query("SELECT nosuchcol FROM events"))
        .isInstanceOf(QueryException.class)
        .hasMessageContaining("Referenced column \"nosuchcol\" not found")
        .extracting(e -> ((QueryException) e).kind())
        .isEqualTo(QueryErrorKind.NOT_FOUND);
    assertThatThrownBy(() -> query("SELEC 1"))
        .isInstanceOf(QueryException.class)
        .hasMessage("Syntax error: syntax error at or near \"SELEC\"")
        .extracting(e -> ((QueryException) e).kind())
        .isEqualTo(QueryErrorKind.INVALID_ARGUMENT);
    assertThatThrownBy(() -> query("SELECT * FROM events AT (VERSION => 1)"))
        .isInstanceOf(QueryException.class)
        .hasMessageContaining("Time travel uses Trino's syntax: FROM events FOR VERSION AS OF");
    assertThatThrownBy(() -> query("SELECT event_id + 'x' FROM events"))
        .isInstanceOf(QueryException.class)
        .hasMessageContaining("Could not convert string 'x' to INT64")
        .extracting(e -> ((QueryException) e).kind())
        .isEqualTo(QueryErrorKind.INVALID_ARGUMENT);
    // the engine still answers
    assertThat(query("SELECT count(*) FROM events").value()).isEqualTo(1L);
  }

  private long count(String relation) {
    return (Long) query("SELECT count(*) FROM " + relation).value();
  }
}
