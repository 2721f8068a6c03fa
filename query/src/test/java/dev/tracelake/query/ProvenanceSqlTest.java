package dev.tracelake.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.lake.AppendResult;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.MetadataColumns;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.ScanPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.UpdatePartitionSpec;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.junit.jupiter.api.Test;

/**
 * The provenance columns are kept as identity-partition values, not in the data files; SQL sees
 * them as columns all the same, in tables that changed layout midway too.
 */
class ProvenanceSqlTest extends QueryTestBase {
  private static final Provenance FEATURES =
      Provenance.builder().codeCommit("feat0001").runId("features-run").build();
  private static final Provenance V4 =
      Provenance.builder().codeCommit("abc124").model("fraud", "v4").runId("run-2").build();

  @Test
  void sqlReadsAndFiltersProvenanceColumnsAcrossALayoutChange() {
    LakeTable table = events();
    appendEvents(table, 0, 10, PROV);
    AppendResult features = appendEvents(table, 10, 5, FEATURES);
    // a table of the earlier layout stores provenance in its files: turn this one into one
    unpartition(table);
    appendEvents(table, 100, 3, V4);
    appendEvents(table, 200, 2, PROV);

    List<List<Object>> rows =
        rows(
            "SELECT event_id, _run_id, _code_commit, _model_name, _model_version FROM events"
                + " ORDER BY event_id");
    assertThat(rows).hasSize(20);
    for (List<Object> row : rows) {
      long id = (Long) row.get(0);
      Provenance expected = id < 10 || id >= 200 ? PROV : id < 100 ? FEATURES : V4;
      List<Object> provenance = new ArrayList<>();
      provenance.add(expected.runId());
      provenance.add(expected.codeCommit());
      provenance.add(expected.modelName());
      provenance.add(expected.modelVersion());
      assertThat(row.subList(1, 5)).as("row %d", id).isEqualTo(provenance);
    }
    assertThat(
            rows(
                "SELECT _model_version, count(*) FROM events GROUP BY ALL"
                    + " ORDER BY _model_version NULLS FIRST"))
        .containsExactly(java.util.Arrays.asList(null, 5L), List.of("v3", 12L), List.of("v4", 3L));
    assertThat(query("SELECT count(*) FROM events WHERE _code_commit = 'abc123'").value())
        .isEqualTo(12L);
    // SELECT * keeps the table's column order
    Answer star = query("SELECT * FROM events WHERE event_id = 11");
    assertThat(star.columns()).containsSubsequence(MetadataColumns.NAMES);
    assertThat(named(star, 0))
        .containsEntry("_run_id", "features-run")
        .containsEntry("_model_name", null);
    // an older version, from before the layout change, reads the same way
    assertThat(
            rows(
                "SELECT DISTINCT _run_id FROM events FOR VERSION AS OF "
                    + features.snapshotId()
                    + " ORDER BY 1"))
        .containsExactly(List.of("features-run"), List.of("run-1"));
  }

  @Test
  void changesBetweenVersionsCarryEachAppendsProvenance() {
    LakeTable table = events();
    AppendResult first = appendEvents(table, 0, 3, PROV);
    appendEvents(table, 10, 2, FEATURES);
    unpartition(table);
    appendEvents(table, 20, 1, V4);

    ScanPlan plan = table.scan().plan();
    assertThat(plan.files()).hasSize(3);
    List<List<Object>> changes =
        rows(
            "SELECT event_id, _run_id FROM table_changes('events', "
                + first.snapshotId()
                + ", NULL) ORDER BY event_id");
    assertThat(changes)
        .containsExactly(
            List.of(10L, "features-run"), List.of(11L, "features-run"), List.of(20L, "run-2"));
  }

  @Test
  void manyProvenancesReadAsOneScanJoinedToTheirValues() {
    LakeTable table = events();
    int runs = ParquetSql.MAX_UNION_BRANCHES + 4;
    AppendResult first = null;
    for (int r = 0; r < runs; r++) {
      Provenance run =
          Provenance.builder()
              .codeCommit("c" + r)
              .model(r % 2 == 0 ? "fraud" : null, r % 2 == 0 ? "v" + r : null)
              .runId("run-" + r)
              .build();
      AppendResult appended = appendEvents(table, 10L * r, 2, run);
      first = first == null ? appended : first;
    }
    unpartition(table);
    appendEvents(table, 1000, 3, V4);

    List<List<Object>> rows =
        rows(
            "SELECT event_id, _run_id, _code_commit, _model_name, _model_version FROM events"
                + " ORDER BY event_id");
    assertThat(rows).hasSize(2 * runs + 3);
    for (List<Object> row : rows) {
      long id = (Long) row.get(0);
      List<Object> expected = new ArrayList<>();
      if (id >= 1000) {
        expected.addAll(List.of("run-2", "abc124", "fraud", "v4"));
      } else {
        int r = (int) (id / 10);
        expected.add("run-" + r);
        expected.add("c" + r);
        expected.add(r % 2 == 0 ? "fraud" : null);
        expected.add(r % 2 == 0 ? "v" + r : null);
      }
      assertThat(row.subList(1, 5)).as("row %d", id).isEqualTo(expected);
    }
    assertThat(query("SELECT count(*) FROM events WHERE _run_id = 'run-7'").value()).isEqualTo(2L);
    assertThat(query("SELECT count(*) FROM events WHERE _model_name IS NULL").value())
        .isEqualTo((long) runs);
    assertThat(
            query(
                    "SELECT count(DISTINCT _run_id) FROM table_changes('events', "
                        + first.snapshotId()
                        + ", NULL)")
                .value())
        // every append after the first: runs 1 to runs - 1, and V4's run-2 again
        .isEqualTo((long) runs - 1);
  }

  /** Sets the table's spec to unpartitioned through the Iceberg catalog, as an old table has. */
  private void unpartition(LakeTable table) {
    try (JdbcCatalog catalog = new JdbcCatalog()) {
      catalog.initialize(
          lake.config().catalogName(),
          Map.of(
              CatalogProperties.URI,
              lake.config().effectiveCatalogUri(),
              "jdbc.schema-version",
              "V1",
              CatalogProperties.WAREHOUSE_LOCATION,
              "file:" + lake.config().warehousePath(),
              CatalogProperties.FILE_IO_IMPL,
              "dev.tracelake.lake.LocalFileIO"));
      UpdatePartitionSpec update =
          catalog
              .loadTable(TableIdentifier.of(table.name().namespace(), table.name().name()))
              .updateSpec();
      MetadataColumns.PARTITION_COLUMNS.forEach(update::removeField);
      update.commit();
    }
  }
}
