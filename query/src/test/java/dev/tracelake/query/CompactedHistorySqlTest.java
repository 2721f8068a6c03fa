package dev.tracelake.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.lake.AppendResult;
import dev.tracelake.lake.CompactionOptions;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.TableName;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

/**
 * SQL over a table whose head was compacted and whose old snapshots were archived answers exactly
 * as before: time travel, {@code table_changes} (a compaction adds no rows) and {@code
 * lineage_edges} (each record keeps the snapshot that appended it).
 */
class CompactedHistorySqlTest extends QueryTestBase {
  private static final Schema WITH_LINEAGE =
      new Schema(
          List.of(
              new Field("id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
              new Field("_record_id", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
              new Field(
                  "_lineage",
                  FieldType.nullable(ArrowType.List.INSTANCE),
                  List.of(
                      new Field(
                          "element",
                          FieldType.notNullable(ArrowType.Struct.INSTANCE),
                          List.of(
                              new Field(
                                  "table", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
                              new Field(
                                  "record_id",
                                  FieldType.notNullable(ArrowType.Utf8.INSTANCE),
                                  null),
                              new Field(
                                  "snapshot_id",
                                  FieldType.nullable(new ArrowType.Int(64, true)),
                                  null)))))));

  /** Appends one row citing {@code input} of {@code features} at {@code inputSnapshot}. */
  private AppendResult appendDerived(LakeTable table, long id, String input, long inputSnapshot) {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(WITH_LINEAGE, allocator);
        PendingAppend append = table.newAppend(PROV)) {
      root.allocateNew();
      ((BigIntVector) root.getVector("id")).setSafe(0, id);
      ((VarCharVector) root.getVector("_record_id"))
          .setSafe(0, ("p-" + id).getBytes(StandardCharsets.UTF_8));
      ListVector lineage = (ListVector) root.getVector("_lineage");
      StructVector refs = (StructVector) lineage.getDataVector();
      int start = lineage.startNewValue(0);
      refs.setIndexDefined(start);
      ((VarCharVector) refs.getChild("table"))
          .setSafe(start, "default.features".getBytes(StandardCharsets.UTF_8));
      ((VarCharVector) refs.getChild("record_id"))
          .setSafe(start, input.getBytes(StandardCharsets.UTF_8));
      ((BigIntVector) refs.getChild("snapshot_id")).setSafe(start, inputSnapshot);
      lineage.endValue(0, 1);
      root.setRowCount(1);
      append.write(root);
      return append.commit();
    }
  }

  private List<List<Object>> sorted(String sql) {
    List<List<Object>> rows = new ArrayList<>(query(sql).rows());
    rows.sort((a, b) -> a.toString().compareTo(b.toString()));
    return rows;
  }

  @Test
  void compactionAndArchivingChangeNoAnswer() {
    LakeTable events = events();
    List<AppendResult> appends = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      appends.add(appendEvents(events, i * 10L, 2));
    }
    LakeTable derived =
        lake.createTable(
            TableName.parse("derived"),
            new Schema(
                List.of(
                    new Field("id", FieldType.notNullable(new ArrowType.Int(64, true)), null))));
    for (int i = 0; i < 10; i++) {
      appendDerived(derived, i, "f-" + i, appends.get(i).snapshotId());
    }
    long first = appends.get(0).snapshotId();
    long third = appends.get(2).snapshotId();
    List<String> questions =
        List.of(
            "SELECT event_id, _record_id, _change_snapshot_id FROM table_changes('events', "
                + third
                + ", 'main')",
            "SELECT event_id, _change_snapshot_id FROM table_changes('events', "
                + first
                + ", 'main')",
            "SELECT event_id, _record_id FROM events FOR VERSION AS OF " + first,
            "SELECT event_id, _record_id FROM events FOR VERSION AS OF " + third,
            "SELECT count(*), sum(event_id) FROM events",
            "SELECT output_record_id, output_snapshot_id, input_record_id, input_snapshot_id"
                + " FROM lineage_edges WHERE output_table = 'default.derived'");
    List<List<List<Object>>> before = questions.stream().map(this::sorted).toList();
    assertThat(before.get(5)).hasSize(10);

    CompactionOptions fanIn4 = CompactionOptions.defaults().withFanIn(4);
    assertThat(events.maintenance().compact(fanIn4).filesRewritten()).isEqualTo(12);
    assertThat(derived.maintenance().compact(fanIn4).filesRewritten()).isEqualTo(10);
    String snapshotsTable =
        "SELECT snapshot_id, parent_id, operation, added_rows, total_rows, code_commit,"
            + " model_name, model_version, run_id, producer, committed_at, summary"
            + " FROM \"events$snapshots\"";
    List<List<Object>> listedLive = sorted(snapshotsTable);
    events.maintenance().setHistoryWindow(2, 2);
    derived.maintenance().setHistoryWindow(2, 2);
    assertThat(events.maintenance().archiveHistory().expired()).isPositive();
    assertThat(derived.maintenance().archiveHistory().expired()).isPositive();

    for (int q = 0; q < questions.size(); q++) {
      assertThat(sorted(questions.get(q))).as(questions.get(q)).isEqualTo(before.get(q));
    }
    // "t$snapshots" reads the archive's files: every column as it was when all were live
    assertThat(sorted(snapshotsTable)).isEqualTo(listedLive).hasSize(13);
    assertThat(
            query("SELECT count(*) FROM \"events$snapshots\" WHERE code_commit = 'abc123'").value())
        .isEqualTo(12L);
    // every snapshot is listed, the archived ones and the compaction's too
    List<Long> listed =
        query("SELECT snapshot_id FROM \"events$snapshots\" ORDER BY committed_at").rows().stream()
            .map(r -> (Long) r.get(0))
            .toList();
    assertThat(listed)
        .containsExactlyElementsOf(
            events.snapshots().stream().map(SnapshotInfo::snapshotId).toList())
        .hasSize(13);
    // through the statement guard: a page (newest first) of live and archived snapshots, and a
    // CTE over them joined to an archived snapshot's rows
    String newestFirst =
        "SELECT snapshot_id FROM \"events$snapshots\" ORDER BY committed_at DESC, snapshot_id"
            + " DESC";
    List<Object> all = query(newestFirst).rows().stream().map(r -> r.get(0)).toList();
    assertThat(all).containsExactlyInAnyOrderElementsOf(listed);
    assertThat(query(newestFirst + " LIMIT 3 OFFSET 2").rows().stream().map(r -> r.get(0)))
        .containsExactlyElementsOf(all.subList(2, 5));
    assertThat(
            query(
                    "WITH s AS (SELECT snapshot_id FROM \"events$snapshots\" WHERE operation ="
                        + " 'append') SELECT count(DISTINCT e.event_id) FROM events FOR VERSION AS"
                        + " OF "
                        + first
                        + " e, s WHERE s.snapshot_id = "
                        + first)
                .value())
        .isEqualTo(2L);
  }
}
