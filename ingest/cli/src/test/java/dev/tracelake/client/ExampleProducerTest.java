package dev.tracelake.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.example.ExampleProducer;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.ScanBatches;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.TableName;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.junit.jupiter.api.Test;

/** The example producer against a real server; its output is checked with lake-core scans. */
class ExampleProducerTest extends ClientTestBase {
  private static final String COMMIT =
      System.getenv().getOrDefault("GIT_COMMIT", ExampleProducer.SAMPLE_COMMIT);

  /** One entry of a prediction's {@code _lineage}. */
  private record Input(String table, String recordId, Long snapshotId) {}

  @Test
  void everyPredictionCitesAnExistingFeatureRecordAtItsAcknowledgedSnapshot() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    ExampleProducer.Result result =
        ExampleProducer.run(client, 1200, new PrintStream(printed, true, StandardCharsets.UTF_8));

    assertThat(result.featureRecordIds()).hasSize(1200).doesNotHaveDuplicates();
    assertThat(result.predictionRecordIds()).hasSize(1200).doesNotHaveDuplicates();
    Map<String, List<Input>> lineage = lineage(ExampleProducer.PREDICTIONS);
    assertThat(lineage.keySet()).containsExactlyInAnyOrderElementsOf(result.predictionRecordIds());
    Map<Long, Set<String>> featuresAt = new HashMap<>();
    for (int i = 0; i < 1200; i++) {
      List<Input> inputs = lineage.get(result.predictionRecordIds().get(i));
      long snapshot = result.featureSnapshotIds().get(i);
      assertThat(inputs)
          .containsExactly(
              new Input(ExampleProducer.FEATURES, result.featureRecordIds().get(i), snapshot));
      Set<String> features =
          featuresAt.computeIfAbsent(snapshot, s -> recordIdsAt(ExampleProducer.FEATURES, s));
      assertThat(features).contains(inputs.get(0).recordId());
    }

    SnapshotInfo features = snapshot(ExampleProducer.FEATURES, result.featureSnapshotIds().get(0));
    assertThat(features.provenance().producer()).isEqualTo("feature-service");
    assertThat(features.provenance().codeCommit()).isEqualTo(COMMIT);
    assertThat(features.provenance().modelName()).isNull();
    assertThat(features.provenance().runId()).startsWith("run-");
    SnapshotInfo predictions =
        snapshot(ExampleProducer.PREDICTIONS, result.predictionSnapshotIds().get(0));
    assertThat(predictions.provenance().producer()).isEqualTo("scoring-service");
    assertThat(predictions.provenance().modelName()).isEqualTo("fraud");
    assertThat(predictions.provenance().modelVersion()).isEqualTo("v3");
    assertThat(predictions.provenance().codeCommit()).isEqualTo(COMMIT);

    String summary = printed.toString(StandardCharsets.UTF_8);
    assertThat(summary)
        .contains("fraud.features: 1200 feature records in snapshot(s) ")
        .contains("fraud.predictions: 1200 predictions in snapshot(s) ")
        .contains("prediction " + result.predictionRecordIds().get(0) + " for user-")
        .contains(
            "lineage: fraud.features record "
                + result.featureRecordIds().get(0)
                + " at snapshot "
                + result.featureSnapshotIds().get(0));
  }

  @Test
  void aSecondRunAddsRecordsWithoutRecreatingTablesOrRewritingOffsets() {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    ExampleProducer.run(client, 10, quiet);
    ExampleProducer.run(client, 10, quiet);

    assertThat(lineage(ExampleProducer.PREDICTIONS)).hasSize(20);
    assertThat(client.writerOffset(ExampleProducer.FEATURES, "example-feature-service"))
        .hasValue(1);
    assertThat(client.writerOffset(ExampleProducer.PREDICTIONS, "example-scoring-service"))
        .hasValue(1);
  }

  @Test
  void aCountThatIsNotPositiveIsRefused() {
    assertThatThrownBy(() -> ExampleProducer.run(client, 0, System.out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Count must be positive, got 0");
  }

  private SnapshotInfo snapshot(String table, long snapshotId) {
    return lake.table(TableName.parse(table)).snapshot(snapshotId);
  }

  private Set<String> recordIdsAt(String table, long snapshotId) {
    Set<String> ids = new HashSet<>();
    for (List<Object> row : read(table, snapshotId, "_record_id", "_ingested_at")) {
      ids.add((String) row.get(0));
    }
    return ids;
  }

  /** Reads each record's {@code _lineage} by record id. */
  private Map<String, List<Input>> lineage(String table) {
    LakeTable t = lake.table(TableName.parse(table));
    Map<String, List<Input>> out = new HashMap<>();
    try (ScanBatches batches = t.scan().select("_record_id", "_lineage").open(allocator)) {
      while (batches.loadNextBatch()) {
        VectorSchemaRoot root = batches.root();
        VarCharVector ids = (VarCharVector) root.getVector("_record_id");
        ListVector refs = (ListVector) root.getVector("_lineage");
        for (int i = 0; i < root.getRowCount(); i++) {
          List<Input> inputs = new ArrayList<>();
          for (Object element : refs.getObject(i)) {
            Map<?, ?> ref = (Map<?, ?>) element;
            inputs.add(
                new Input(
                    ref.get("table").toString(),
                    ref.get("record_id").toString(),
                    (Long) ref.get("snapshot_id")));
          }
          out.put(ids.getObject(i).toString(), inputs);
        }
      }
    }
    return out;
  }
}
