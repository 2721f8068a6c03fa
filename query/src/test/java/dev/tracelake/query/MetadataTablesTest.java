package dev.tracelake.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.lake.AppendResult;
import dev.tracelake.lake.DataFileInfo;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataTablesTest extends QueryTestBase {
  private static final Provenance OTHER =
      Provenance.builder()
          .codeCommit("def456")
          .model("fraud", "v4")
          .runId("run-2")
          .producer("backfill")
          .build();

  @Test
  void aNamespaceInsideTheQuotesNamesTheSameMetadataTable() {
    LakeTable table = lake.createTable(TableName.parse("fraud.scores"), EVENTS);
    AppendResult s1 = appendEvents(table, 0, 3);
    appendEvents(table, 3, 2);
    for (String relation :
        List.of(
            "fraud.\"scores$snapshots\"",
            "\"fraud.scores$snapshots\"",
            "\"fraud\".\"scores$snapshots\"")) {
      assertThat(
              query(
                      "SELECT count(*), bool_or(snapshot_id = "
                          + s1.snapshotId()
                          + ") FROM "
                          + relation)
                  .rows())
          .as(relation)
          .containsExactly(Arrays.asList(2L, true));
    }
    assertThatThrownBy(() -> query("SELECT * FROM \"fraud.nosuch$snapshots\""))
        .isInstanceOf(QueryException.class)
        .hasMessageContaining("Table 'fraud.nosuch' does not exist");
  }

  @Test
  void snapshotsListEverySnapshotWithItsProvenance() {
    LakeTable table = events();
    AppendResult s1 = appendEvents(table, 0, 10);
    AppendResult s2 = appendEvents(table, 10, 5, OTHER);

    Answer answer =
        query(
            "SELECT snapshot_id, parent_id, operation, added_rows, total_rows, code_commit,"
                + " model_name, model_version, run_id, producer,"
                + " summary['tracelake.run-id'] AS summary_run, committed_at IS NOT NULL AS dated"
                + " FROM \"events$snapshots\" ORDER BY committed_at");

    assertThat(answer.rows())
        .containsExactly(
            Arrays.asList(
                s1.snapshotId(),
                null,
                "append",
                10L,
                10L,
                "abc123",
                "fraud",
                "v3",
                "run-1",
                "test",
                "run-1",
                true),
            Arrays.asList(
                s2.snapshotId(),
                s1.snapshotId(),
                "append",
                5L,
                15L,
                "def456",
                "fraud",
                "v4",
                "run-2",
                "backfill",
                "run-2",
                true));
    assertThat(answer.references())
        .extracting(TableReference::version)
        .containsExactly("$snapshots");
  }

  @Test
  void historyMarksTheAncestorsOfMain() {
    LakeTable table = events();
    AppendResult s1 = appendEvents(table, 0, 1);
    table.createBranch("side", s1.snapshotId());
    AppendResult side;
    try (var append = table.newAppend(OTHER, "side");
        var batch = eventsBatch(table, 100, 1)) {
      append.write(batch);
      side = append.commit();
    }
    AppendResult s2 = appendEvents(table, 1, 1);

    Answer answer =
        query(
            "SELECT snapshot_id, parent_id, is_current_ancestor, run_id FROM events$history"
                + " ORDER BY made_current_at, snapshot_id");

    assertThat(answer.rows())
        .containsExactlyInAnyOrder(
            Arrays.asList(s1.snapshotId(), null, true, "run-1"),
            Arrays.asList(side.snapshotId(), s1.snapshotId(), false, "run-2"),
            Arrays.asList(s2.snapshotId(), s1.snapshotId(), true, "run-1"));
  }

  @Test
  void refsListBranchesAndTags() {
    LakeTable table = events();
    AppendResult s1 = appendEvents(table, 0, 1);
    AppendResult s2 = appendEvents(table, 1, 1);
    table.createTag("v1", s1.snapshotId());
    table.createBranch("audit", s2.snapshotId());

    assertThat(rows("SELECT name, type, snapshot_id FROM \"events$refs\" ORDER BY name"))
        .containsExactly(
            List.of("audit", "BRANCH", s2.snapshotId()),
            List.of("main", "BRANCH", s2.snapshotId()),
            List.of("v1", "TAG", s1.snapshotId()));
  }

  @Test
  void filesListTheDataFilesOfTheHeadOrOfAVersion() {
    LakeTable table = events();
    AppendResult s1 = appendEvents(table, 0, 10);
    appendEvents(table, 10, 5);
    List<DataFileInfo> headFiles = table.scan().plan().files();

    Answer head =
        query(
            "SELECT content, file_path, file_format, record_count, file_size_in_bytes FROM"
                + " \"default\".\"events$files\" ORDER BY record_count");
    assertThat(head.rows())
        .containsExactlyInAnyOrderElementsOf(
            headFiles.stream()
                .map(
                    f ->
                        List.<Object>of(
                            "DATA", f.location(), "PARQUET", f.recordCount(), f.sizeBytes()))
                .toList());

    Answer old =
        query(
            "SELECT sum(record_count)::BIGINT FROM \"events$files\" FOR VERSION AS OF "
                + s1.snapshotId());
    assertThat(old.value()).isEqualTo(10L);
    assertThat(old.references().get(0).version())
        .isEqualTo("$files at snapshot " + s1.snapshotId());
    assertThat(old.references().get(0).snapshotId()).hasValue(s1.snapshotId());
  }

  @Test
  void metadataOfATableNeverWrittenIsEmpty() {
    events();
    assertThat(query("SELECT * FROM \"events$snapshots\"").rows()).isEmpty();
    assertThat(query("SELECT * FROM \"events$files\"").columns())
        .containsExactly(
            "content", "file_path", "file_format", "record_count", "file_size_in_bytes");
    assertThat(query("SELECT count(*) FROM \"events$refs\"").value()).isEqualTo(0L);
  }

  @Test
  void unknownMetadataTablesAndVersionsFailClearly() {
    LakeTable table = events();
    appendEvents(table, 0, 1);
    assertThatThrownBy(() -> query("SELECT * FROM \"events$partitions\""))
        .isInstanceOf(QueryException.class)
        .hasMessage(
            "Unknown metadata table 'events$partitions': metadata tables are [events$snapshots,"
                + " events$history, events$refs, events$files]")
        .extracting(e -> ((QueryException) e).kind())
        .isEqualTo(QueryErrorKind.INVALID_ARGUMENT);
    assertThatThrownBy(() -> query("SELECT * FROM \"nosuch$snapshots\""))
        .isInstanceOf(QueryException.class)
        .hasMessage("Table 'nosuch' does not exist; tables: [default.events]")
        .extracting(e -> ((QueryException) e).kind())
        .isEqualTo(QueryErrorKind.NOT_FOUND);
    assertThatThrownBy(() -> query("SELECT * FROM \"events$snapshots\" FOR VERSION AS OF 'main'"))
        .isInstanceOf(QueryException.class)
        .hasMessage(
            "Metadata table 'events$snapshots' lists the whole table; only \"events$files\" takes"
                + " a version");
  }

  @Test
  void metadataJoinsWithData() {
    LakeTable table = events();
    appendEvents(table, 0, 3);
    appendEvents(table, 3, 2, OTHER);
    Map<String, Object> row =
        named(
            query(
                "SELECT s.model_version, count(*) AS n FROM events e JOIN \"events$snapshots\" s"
                    + " ON e._run_id = s.run_id GROUP BY ALL ORDER BY n DESC LIMIT 1"),
            0);
    assertThat(row).containsEntry("model_version", "v3").containsEntry("n", 3L);
  }
}
