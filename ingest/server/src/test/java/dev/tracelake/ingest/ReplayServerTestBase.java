package dev.tracelake.ingest;

import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.TableName;
import dev.tracelake.proto.v1.CreateReplayRequest;
import dev.tracelake.proto.v1.ReplayCandidate;
import dev.tracelake.proto.v1.ReplayServiceGrpc;
import dev.tracelake.proto.v1.ReplaySlice;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.BeforeEach;

/**
 * A server over a lake holding a small production history: features f0-f11 in three snapshots and
 * v3 predictions, one per feature, each citing its feature where it was committed.
 */
abstract class ReplayServerTestBase extends IngestServerTestBase {
  static final TableName FEATURES = TableName.parse("fraud.features");
  static final TableName PREDICTIONS = TableName.parse("fraud.predictions");
  static final int COUNT = 12;

  final List<String> featureIds = new ArrayList<>();
  final List<Long> featureSnapshots = new ArrayList<>();
  final List<String> predictionIds = new ArrayList<>();

  @BeforeEach
  void writeProduction() {
    LakeTable features =
        lake.createTable(
            FEATURES,
            new Schema(
                List.of(
                    new Field("user_id", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                    new Field(
                        "amount",
                        FieldType.nullable(
                            new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                        null))));
    LakeTable predictions =
        lake.createTable(
            PREDICTIONS,
            new Schema(
                List.of(
                    new Field("user_id", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                    new Field(
                        "score",
                        FieldType.nullable(
                            new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                        null),
                    new Field("decision", FieldType.nullable(ArrowType.Utf8.INSTANCE), null))));
    for (int chunk = 0; chunk < 3; chunk++) {
      List<String> rows = new ArrayList<>();
      for (int i = chunk * 4; i < chunk * 4 + 4; i++) {
        rows.add("{\"user_id\": \"u" + i + "\", \"amount\": " + (10.0 * i) + "}");
      }
      Appended a = append(features, Provenance.builder().runId("features-1").build(), rows);
      featureIds.addAll(a.ids());
      for (int i = 0; i < rows.size(); i++) {
        featureSnapshots.add(a.snapshot());
      }
    }
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < COUNT; i++) {
      double score = i / 12.0;
      rows.add(
          "{\"user_id\": \"u"
              + i
              + "\", \"score\": "
              + score
              + ", \"decision\": \""
              + (score >= 0.5 ? "review" : "approve")
              + "\", \"_lineage\": [{\"table\": \"fraud.features\", \"record_id\": \""
              + featureIds.get(i)
              + "\", \"snapshot_id\": "
              + featureSnapshots.get(i)
              + "}]}");
    }
    predictionIds.addAll(
        append(
                predictions,
                Provenance.builder().model("fraud", "v3").runId("scoring-1").build(),
                rows)
            .ids());
  }

  record Appended(long snapshot, List<String> ids) {}

  Appended append(LakeTable table, Provenance provenance, List<String> rows) {
    try (VectorSchemaRoot batch = table.batchChecker().fromJson(rows, allocator);
        PendingAppend append = table.newAppend(provenance)) {
      List<String> ids = new ArrayList<>(append.write(batch));
      return new Appended(append.commit().snapshotId(), ids);
    }
  }

  ReplayServiceGrpc.ReplayServiceBlockingStub replays() {
    return ReplayServiceGrpc.newBlockingStub(channel);
  }

  static CreateReplayRequest.Builder createRequest(String id) {
    return CreateReplayRequest.newBuilder()
        .setReplayId(id)
        .setSlice(
            ReplaySlice.newBuilder()
                .setTable(PREDICTIONS.toString())
                .setModelName("fraud")
                .setModelVersion("v3"))
        .setCandidate(
            ReplayCandidate.newBuilder()
                .setModelName("fraud")
                .setModelVersion("v4")
                .setCodeCommit("c0ffee4"))
        .setBatchCases(5);
  }
}
