package dev.tracelake.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expressions;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.Test;

/**
 * The provenance columns hold one value per append, so they are kept as identity-partition values
 * in the manifests rather than in every row of the data files; every reader still sees them.
 */
class ProvenancePartitionTest extends LakeTestBase {
  private static final Provenance FEATURES =
      Provenance.builder().codeCommit("feat0001").runId("features-run").build();

  @Test
  void dataFilesDoNotStoreTheProvenanceColumnsButScansReturnThem() throws IOException {
    LakeTable table = events();
    appendEvents(table, 0, 10);
    try (VectorSchemaRoot batch = TestBatches.events(allocator, 10, 5)) {
      table.append(FEATURES, batch);
    }

    for (Path file : dataFiles()) {
      assertThat(columnsOf(file))
          .contains("event_id", "_record_id", "_ingested_at", "_lineage")
          .doesNotContainAnyElementsOf(MetadataColumns.PARTITION_COLUMNS);
    }
    List<Map<String, Object>> rows = rows(table.scan());
    assertThat(rows).hasSize(15);
    for (Map<String, Object> row : rows) {
      long id = (Long) row.get("event_id");
      Provenance expected = id < 10 ? PROV : FEATURES;
      assertThat(row)
          .containsEntry("_run_id", expected.runId())
          .containsEntry("_code_commit", expected.codeCommit())
          .containsEntry("_model_name", expected.modelName())
          .containsEntry("_model_version", expected.modelVersion());
    }
  }

  @Test
  void aFilterOnProvenancePrunesWholeFilesAndPlansCarryTheValues() {
    LakeTable table = events();
    appendEvents(table, 0, 10);
    try (VectorSchemaRoot batch = TestBatches.events(allocator, 10, 5)) {
      table.append(FEATURES, batch);
    }

    ScanPlan v3 = table.scan().filter(Filter.eq("_model_version", "v3")).plan();
    assertThat(v3.files()).extracting(DataFileInfo::recordCount).containsExactly(10L);
    assertThat(eventIds(table.scan().filter(Filter.isNull("_model_name"))))
        .containsExactly(10L, 11L, 12L, 13L, 14L);

    ScanPlan all = table.scan().plan();
    int runId = fieldId(all, "_run_id");
    int modelName = fieldId(all, "_model_name");
    Set<Object> runs = new HashSet<>();
    for (DataFileInfo file : all.files()) {
      runs.add(file.constants().get(runId));
      assertThat(file.constants()).containsKey(modelName);
      assertThat(file.constants().get(modelName))
          .isEqualTo(file.recordCount() == 10 ? "fraud" : null);
    }
    assertThat(runs).containsExactlyInAnyOrder("run-1", "features-run");
  }

  @Test
  void aTableWrittenBeforeProvenanceWasPartitionedKeepsWorkingAcrossTheChange() throws IOException {
    LakeTable table = events();
    appendEvents(table, 0, 10);
    // the layout of tables created before: unpartitioned, provenance stored in every row
    Table iceberg = lake.load(table.name());
    var update = iceberg.updateSpec();
    MetadataColumns.PARTITION_COLUMNS.forEach(update::removeField);
    update.commit();
    try (VectorSchemaRoot batch = TestBatches.events(allocator, 10, 5)) {
      table.append(FEATURES, batch);
    }

    List<Path> files = dataFiles();
    assertThat(files).hasSize(2);
    long storing =
        files.stream()
            .filter(f -> columnsOf(f).containsAll(MetadataColumns.PARTITION_COLUMNS))
            .count();
    assertThat(storing).isEqualTo(1);
    for (Map<String, Object> row : rows(table.scan())) {
      long id = (Long) row.get("event_id");
      assertThat(row.get("_run_id")).isEqualTo(id < 10 ? "run-1" : "features-run");
      assertThat(row.get("_code_commit")).isEqualTo(id < 10 ? "abc123" : "feat0001");
    }
    assertThat(eventIds(table.scan().filter(Filter.eq("_code_commit", "feat0001"))))
        .containsExactly(10L, 11L, 12L, 13L, 14L);
  }

  @Test
  void aTablePartitionedOtherwiseRefusesAppendsAndKeepsItsData() {
    LakeTable table = events();
    appendEvents(table, 0, 10);
    lake.load(table.name()).updateSpec().addField(Expressions.bucket("event_id", 4)).commit();

    assertThatThrownBy(() -> table.newAppend(PROV))
        .isInstanceOfSatisfying(
            LakeException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION))
        .hasMessageContaining("Table default.events is partitioned by")
        .hasMessageContaining("event_id_bucket");
    assertThat(eventIds(table.scan())).hasSize(10);
  }

  private static int fieldId(ScanPlan plan, String column) {
    return plan.columns().stream()
        .filter(c -> c.name().equals(column))
        .findFirst()
        .orElseThrow()
        .fieldId();
  }

  private static List<String> columnsOf(Path file) {
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      return reader.getFooter().getFileMetaData().getSchema().getFields().stream()
          .map(Type::getName)
          .toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
