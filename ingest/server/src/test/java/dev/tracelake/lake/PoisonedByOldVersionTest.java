package dev.tracelake.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.lineage.Explanation;
import dev.tracelake.lineage.Lineage;
import dev.tracelake.lineage.RecordKey;
import dev.tracelake.query.QueryResult;
import dev.tracelake.query.SqlEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table that an older version let a NUL (and an escape character) into: in a provenance partition
 * value and in the snapshot summary. Nothing committed can be rewritten, so every reader must still
 * read it: lake-core's scan and snapshot list, Tracelake SQL and explain. The table is written
 * directly through Iceberg, bypassing today's validation, as the old version did.
 */
class PoisonedByOldVersionTest {
  private static final String RUN = "run\u00007\u001b[31m";

  @TempDir Path warehouse;
  private RootAllocator allocator;
  private Lake lake;
  private String recordId;

  @BeforeEach
  void poison() {
    allocator = new RootAllocator();
    lake = Lake.open(LakeConfig.embedded(warehouse));
    Schema schema =
        new Schema(
            List.of(
                new Field("event_id", FieldType.notNullable(new ArrowType.Int(64, true)), null),
                new Field("user", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));
    LakeTable table = lake.createTable(TableName.parse("events"), schema);
    try (VectorSchemaRoot batch = VectorSchemaRoot.create(schema, allocator)) {
      batch.allocateNew();
      for (int i = 0; i < 3; i++) {
        ((BigIntVector) batch.getVector(0)).setSafe(i, i);
        ((VarCharVector) batch.getVector(1)).setSafe(i, ("u" + i).getBytes(StandardCharsets.UTF_8));
      }
      batch.setRowCount(3);
      table.append(Provenance.builder().runId("clean").build(), batch);
    }
    // what an old version committed: the same rows under a partition and summary holding a NUL
    Table iceberg = lake.load(TableName.parse("events"));
    DataFile clean = iceberg.currentSnapshot().addedDataFiles(iceberg.io()).iterator().next();
    GenericRecord partition = GenericRecord.create(iceberg.spec().partitionType());
    for (int i = 0; i < iceberg.spec().fields().size(); i++) {
      String source = iceberg.schema().findColumnName(iceberg.spec().fields().get(i).sourceId());
      partition.set(i, source.equals(MetadataColumns.RUN_ID) ? RUN : null);
    }
    DataFile poisoned =
        DataFiles.builder(iceberg.spec()).copy(clean).withPartition(partition).build();
    iceberg
        .newAppend()
        .appendFile(poisoned)
        .set(Provenance.SUMMARY_RUN_ID, RUN)
        .set(Provenance.SUMMARY_PRODUCER, "old\u0000version")
        .commit();
    recordId = firstRecordId();
  }

  @AfterEach
  void close() {
    lake.close();
    allocator.close();
  }

  @Test
  void todaysValidationRefusesWhatTheOldVersionLetThrough() {
    assertThatThrownBy(() -> Provenance.builder().runId(RUN).build())
        .isInstanceOf(LakeException.class)
        .hasMessageContaining("control character U+0000");
  }

  @Test
  void lakeCoreReadsTheRowsAndTheSnapshots() {
    LakeTable table = lake.table(TableName.parse("events"));
    List<String> runs = new ArrayList<>();
    try (ScanBatches batches = table.scan().select("event_id", "_run_id").open(allocator)) {
      while (batches.loadNextBatch()) {
        VarCharVector run = (VarCharVector) batches.root().getVector("_run_id");
        for (int i = 0; i < run.getValueCount(); i++) {
          runs.add(new String(run.get(i), StandardCharsets.UTF_8));
        }
      }
    }
    assertThat(runs).hasSize(6).contains("clean", RUN);
    List<SnapshotInfo> snapshots = table.snapshots();
    assertThat(snapshots).hasSize(2);
    // the summary's control characters are read in a printable form
    assertThat(snapshots.get(1).provenance().runId()).isEqualTo("run\\u00007\\u001b[31m");
    assertThat(snapshots.get(1).provenance().producer()).isEqualTo("old\\u0000version");
    assertThat(table.describe().snapshotCount()).isEqualTo(2);
  }

  @Test
  void sqlReadsTheTable() throws Exception {
    try (SqlEngine sql = SqlEngine.create(lake);
        QueryResult result =
            sql.execute("SELECT count(*) AS n, count(DISTINCT _run_id) AS runs FROM events")) {
      ArrowReader reader = result.reader();
      assertThat(reader.loadNextBatch()).isTrue();
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      assertThat(((Number) root.getVector("n").getObject(0)).longValue()).isEqualTo(6);
      assertThat(((Number) root.getVector("runs").getObject(0)).longValue()).isEqualTo(2);
    }
    try (SqlEngine sql = SqlEngine.create(lake);
        QueryResult result = sql.execute("SELECT * FROM \"events$snapshots\"")) {
      assertThat(result.reader().loadNextBatch()).isTrue();
      assertThat(result.reader().getVectorSchemaRoot().getRowCount()).isEqualTo(2);
    }
  }

  @Test
  void explainReadsARecordOfTheTable() {
    try (Lineage lineage = Lineage.open(lake)) {
      Explanation explanation = lineage.explain(RecordKey.of("events", recordId));
      assertThat(explanation.toString()).contains(recordId);
    }
  }

  private String firstRecordId() {
    LakeTable table = lake.table(TableName.parse("events"));
    try (ScanBatches batches = table.scan().select("_record_id").open(allocator)) {
      batches.loadNextBatch();
      return new String(
          ((VarCharVector) batches.root().getVector(0)).get(0), StandardCharsets.UTF_8);
    }
  }
}
