package dev.tracelake.lineage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PendingAppend;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.RecordRef;
import dev.tracelake.lake.TableName;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real embedded lake in a temp dir and a {@link Lineage} over it without background refresh; the
 * allocators are closed after each test so a leak fails it.
 */
abstract class LineageTestBase {
  static final ObjectMapper JSON = new ObjectMapper();

  static final Schema FEATURES =
      new Schema(
          List.of(
              new Field("entity", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
              new Field(
                  "amount",
                  FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                  null)));

  static final Schema PREDICTIONS =
      new Schema(
          List.of(
              new Field(
                  "score",
                  FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                  null)));

  static final Provenance FEATURE_JOB =
      Provenance.builder()
          .codeCommit("f00d123")
          .runId("feature-run-1")
          .producer("feature-job")
          .build();

  static final Provenance FRAUD_V3 =
      Provenance.builder()
          .codeCommit("abc123")
          .model("fraud", "v3")
          .runId("scoring-run-3")
          .producer("scoring-service")
          .build();

  @TempDir Path warehouse;
  RootAllocator allocator;
  Lake lake;
  Lineage lineage;

  /** A record to append: an optional writer-given id, column values and inputs. */
  record NewRecord(String recordId, Map<String, Object> values, List<RecordRef> inputs) {}

  /** What an append committed. */
  record Committed(long snapshotId, List<String> recordIds) {
    RecordKey key(String table, int i) {
      return RecordKey.of(table, recordIds.get(i));
    }
  }

  @BeforeEach
  void openLake() {
    allocator = new RootAllocator();
    lake = Lake.open(LakeConfig.embedded(warehouse));
    lineage = Lineage.open(lake, LineageOptions.defaults().withManualRefresh());
  }

  @AfterEach
  void closeLake() {
    lineage.close();
    lake.close();
    allocator.close();
  }

  LakeTable features() {
    return lake.createTable(TableName.parse("features"), FEATURES);
  }

  LakeTable predictions() {
    return lake.createTable(TableName.parse("predictions"), PREDICTIONS);
  }

  static NewRecord feature(String entity, double amount) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("entity", entity);
    values.put("amount", amount);
    return new NewRecord(null, values, List.of());
  }

  static NewRecord prediction(double score, RecordRef... inputs) {
    return new NewRecord(null, Map.of("score", score), Arrays.asList(inputs));
  }

  static NewRecord withId(String recordId, NewRecord record) {
    return new NewRecord(recordId, record.values(), record.inputs());
  }

  static RecordRef ref(RecordKey key, Long snapshotId) {
    return new RecordRef(key.table(), key.recordId(), snapshotId);
  }

  /** Appends records in one snapshot; returns the snapshot and the record ids in order. */
  Committed append(LakeTable table, Provenance provenance, List<NewRecord> records) {
    List<String> rows = new ArrayList<>();
    for (NewRecord r : records) {
      ObjectNode row = JSON.createObjectNode();
      if (r.recordId() != null) {
        row.put("_record_id", r.recordId());
      }
      r.values().forEach((k, v) -> row.set(k, JSON.valueToTree(v)));
      if (!r.inputs().isEmpty()) {
        ArrayNode lineage = row.putArray("_lineage");
        for (RecordRef in : r.inputs()) {
          ObjectNode ref = lineage.addObject();
          ref.put("table", in.table());
          ref.put("record_id", in.recordId());
          if (in.snapshotId() != null) {
            ref.put("snapshot_id", in.snapshotId());
          }
        }
      }
      rows.add(row.toString());
    }
    try (VectorSchemaRoot batch = table.batchChecker().fromJson(rows, allocator);
        PendingAppend append = table.newAppend(provenance)) {
      List<String> ids = append.write(batch);
      long snapshot = append.commit().snapshotId();
      return new Committed(snapshot, ids);
    }
  }

  Committed append(LakeTable table, Provenance provenance, NewRecord... records) {
    return append(table, provenance, List.of(records));
  }
}
