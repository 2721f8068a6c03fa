package dev.tracelake.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.TableName;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Explain reads records through the page index from a warehouse in an S3 bucket. */
class PageIndexS3Test {
  @TempDir Path tmp;
  private S3ProxyServer s3;
  private RootAllocator allocator;

  @BeforeEach
  void start() throws Exception {
    s3 = S3ProxyServer.start("lake");
    allocator = new RootAllocator();
  }

  @AfterEach
  void stop() throws Exception {
    allocator.close();
    s3.close();
  }

  @Test
  void explainReadsRowsFromObjectsInTheBucket() {
    try (Lake lake =
            Lake.open(s3.lakeConfig("warehouse", "jdbc:sqlite:" + tmp.resolve("c.db")).build());
        Lineage lineage = Lineage.open(lake, LineageOptions.defaults().withManualRefresh())) {
      LakeTable features = lake.createTable(TableName.parse("features"), LineageTestBase.FEATURES);
      List<String> featureIds =
          append(
              features,
              List.of(
                  "{\"entity\": \"u1\", \"amount\": 1.5}",
                  "{\"entity\": \"u2\", \"amount\": 2.5}"));
      long featureSnapshot = features.snapshots().get(0).snapshotId();
      LakeTable predictions =
          lake.createTable(TableName.parse("predictions"), LineageTestBase.PREDICTIONS);
      String lineageJson =
          String.format(
              "[{\"table\": \"default.features\", \"record_id\": \"%s\", \"snapshot_id\": %d},"
                  + " {\"table\": \"default.features\", \"record_id\": \"%s\", \"snapshot_id\": %d}]",
              featureIds.get(0), featureSnapshot, featureIds.get(1), featureSnapshot);
      String prediction =
          append(predictions, List.of("{\"score\": 0.9, \"_lineage\": " + lineageJson + "}"))
              .get(0);
      assertThat(predictions.scan().plan().files().get(0).location()).startsWith("s3://lake/");
      lineage.catchUp();
      RecordKey key = RecordKey.of("default.predictions", prediction);
      Explanation byScan = lineage.explain(key);

      PageIndexRowSource.attachTo(lineage, lake);
      Explanation byPages = lineage.explain(key);

      assertThat(byPages.problems()).isEmpty();
      assertThat(byPages.root()).usingRecursiveComparison().isEqualTo(byScan.root());
      assertThat(byPages.root().values()).containsEntry("score", 0.9);
      assertThat(byPages.root().inputs())
          .extracting(n -> n.values().get("entity"))
          .containsExactly("u1", "u2");
    }
  }

  private List<String> append(LakeTable table, List<String> rows) {
    try (VectorSchemaRoot batch = table.batchChecker().fromJson(rows, allocator);
        PendingAppend append = table.newAppend(LineageTestBase.FEATURE_JOB)) {
      List<String> ids = append.write(batch);
      append.commit();
      return ids;
    }
  }
}
