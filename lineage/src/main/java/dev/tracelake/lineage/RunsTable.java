package dev.tracelake.lineage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracelake.lake.ErrorKind;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.ScanBatches;
import dev.tracelake.lake.TableName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The runs table ({@code tracelake.runs} by default): an ordinary, versioned lake table holding one
 * row per registration or update of a run. Created on first write.
 */
final class RunsTable {
  static final Provenance PROVENANCE = Provenance.builder().producer("tracelake-lineage").build();

  static final Schema SCHEMA =
      new Schema(
          List.of(
              string("run_id", false),
              string("status", true),
              string("source", true),
              string("job_namespace", true),
              string("job_name", true),
              string("code_repository", true),
              string("code_commit", true),
              string("model_name", true),
              string("model_version", true),
              new Field(
                  "parameters",
                  FieldType.nullable(new ArrowType.Map(false)),
                  List.of(
                      new Field(
                          "entries",
                          FieldType.notNullable(ArrowType.Struct.INSTANCE),
                          List.of(string("key", false), string("value", true))))),
              timestamp("started_at"),
              timestamp("ended_at"),
              datasets("inputs"),
              datasets("outputs"),
              string("parent_run_id", true),
              string("parent_job_namespace", true),
              string("parent_job_name", true),
              timestamp("nominal_start_time"),
              timestamp("nominal_end_time"),
              string("failure_message", true)));

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Lake lake;
  private final TableName name;
  private final BufferAllocator allocator;

  RunsTable(Lake lake, TableName name, BufferAllocator allocator) {
    this.lake = lake;
    this.name = name;
    this.allocator = allocator;
  }

  /** Appends one row in its own snapshot, creating the table on first use. */
  void append(RunRow row) {
    LakeTable table = table();
    try (VectorSchemaRoot batch = table.batchChecker().fromJson(List.of(toJson(row)), allocator)) {
      table.append(PROVENANCE, batch);
    }
  }

  private LakeTable table() {
    if (lake.exists(name)) {
      return evolved(lake.table(name));
    }
    try {
      return lake.createTable(name, SCHEMA);
    } catch (LakeException e) {
      if (e.kind() == ErrorKind.ALREADY_EXISTS) {
        // another process or thread created it first
        return lake.table(name);
      }
      throw e;
    }
  }

  /**
   * Adds the columns a runs table written by an older version lacks (parent, nominal time, failure
   * message): rows written before read them as null.
   */
  private LakeTable evolved(LakeTable table) {
    Schema current = table.arrowSchema();
    List<Field> lacking = new ArrayList<>();
    for (Field f : SCHEMA.getFields()) {
      if (current.getFields().stream().noneMatch(c -> c.getName().equals(f.getName()))) {
        lacking.add(f);
      }
    }
    if (lacking.isEmpty()) {
      return table;
    }
    var change = table.updateSchema();
    lacking.forEach(change::addColumn);
    try {
      change.commit();
    } catch (LakeException e) {
      if (e.kind() != ErrorKind.ALREADY_EXISTS && e.kind() != ErrorKind.CONFLICT) {
        throw e;
      }
      // another process added them first
    }
    return lake.table(name);
  }

  static String toJson(RunRow row) {
    ObjectNode o = JSON.createObjectNode();
    o.put("run_id", row.runId());
    putText(o, "status", row.status() == null ? null : row.status().name());
    putText(o, "source", row.source() == null ? null : row.source().name());
    putText(o, "job_namespace", row.jobNamespace());
    putText(o, "job_name", row.jobName());
    putText(o, "code_repository", row.codeRepository());
    putText(o, "code_commit", row.codeCommit());
    putText(o, "model_name", row.modelName());
    putText(o, "model_version", row.modelVersion());
    if (!row.parameters().isEmpty()) {
      ObjectNode params = o.putObject("parameters");
      row.parameters().forEach(params::put);
    }
    putText(o, "started_at", row.startedAt() == null ? null : row.startedAt().toString());
    putText(o, "ended_at", row.endedAt() == null ? null : row.endedAt().toString());
    putDatasets(o, "inputs", row.inputs());
    putDatasets(o, "outputs", row.outputs());
    if (row.parent() != null) {
      o.put("parent_run_id", row.parent().runId());
      putText(o, "parent_job_namespace", row.parent().jobNamespace());
      putText(o, "parent_job_name", row.parent().jobName());
    }
    putText(
        o,
        "nominal_start_time",
        row.nominalStartTime() == null ? null : row.nominalStartTime().toString());
    putText(
        o,
        "nominal_end_time",
        row.nominalEndTime() == null ? null : row.nominalEndTime().toString());
    putText(o, "failure_message", row.failureMessage());
    return o.toString();
  }

  /**
   * Reads every row of the batches, in the order they were written when the batches carry {@code
   * _ingested_at} (a whole-table scan returns files in no particular order, and later rows refine
   * earlier ones).
   */
  static List<RunRow> read(ScanBatches batches) {
    List<RunRow> rows = new ArrayList<>();
    List<Long> written = new ArrayList<>();
    while (batches.loadNextBatch()) {
      VectorSchemaRoot root = batches.root();
      FieldVector ingested = root.getVector(dev.tracelake.lake.MetadataColumns.INGESTED_AT);
      for (int r = 0; r < root.getRowCount(); r++) {
        String runId = text(root, "run_id", r);
        if (runId == null || runId.isBlank()) {
          continue;
        }
        written.add(
            ingested instanceof TimeStampVector ts && !ts.isNull(r) ? ts.get(r) : Long.MIN_VALUE);
        rows.add(
            new RunRow(
                runId,
                text(root, "job_namespace", r),
                text(root, "job_name", r),
                text(root, "code_repository", r),
                text(root, "code_commit", r),
                text(root, "model_name", r),
                text(root, "model_version", r),
                parameters(root, r),
                instant(root, "started_at", r),
                instant(root, "ended_at", r),
                enumValue(RunStatus.class, text(root, "status", r)),
                enumValue(RunSource.class, text(root, "source", r)),
                datasets(root, "inputs", r),
                datasets(root, "outputs", r),
                parent(root, r),
                instant(root, "nominal_start_time", r),
                instant(root, "nominal_end_time", r),
                text(root, "failure_message", r)));
      }
    }
    Integer[] order = new Integer[rows.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, java.util.Comparator.comparing(written::get)); // stable
    List<RunRow> sorted = new ArrayList<>(rows.size());
    for (int i : order) {
      sorted.add(rows.get(i));
    }
    return sorted;
  }

  private static RunParent parent(VectorSchemaRoot root, int row) {
    String id = text(root, "parent_run_id", row);
    if (id == null || id.isBlank()) {
      return null;
    }
    try {
      return new RunParent(
          id, text(root, "parent_job_namespace", row), text(root, "parent_job_name", row));
    } catch (IllegalArgumentException e) {
      return null; // written by another tool: read as "not said"
    }
  }

  private static String text(VectorSchemaRoot root, String column, int row) {
    FieldVector v = root.getVector(column);
    if (!(v instanceof VarCharVector vc) || vc.isNull(row)) {
      return null;
    }
    return vc.getObject(row).toString();
  }

  private static Instant instant(VectorSchemaRoot root, String column, int row) {
    FieldVector v = root.getVector(column);
    if (!(v instanceof TimeStampVector ts) || ts.isNull(row)) {
      return null;
    }
    long micros = ts.get(row);
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  private static Map<String, String> parameters(VectorSchemaRoot root, int row) {
    FieldVector v = root.getVector("parameters");
    Map<String, String> out = new LinkedHashMap<>();
    if (!(v instanceof MapVector map) || map.isNull(row)) {
      return out;
    }
    StructVector entries = (StructVector) map.getDataVector();
    VarCharVector keys = (VarCharVector) entries.getChild("key");
    VarCharVector values = (VarCharVector) entries.getChild("value");
    for (int i = map.getElementStartIndex(row); i < map.getElementEndIndex(row); i++) {
      if (!keys.isNull(i) && !values.isNull(i)) {
        out.put(keys.getObject(i).toString(), values.getObject(i).toString());
      }
    }
    return out;
  }

  private static List<DatasetVersion> datasets(VectorSchemaRoot root, String column, int row) {
    FieldVector v = root.getVector(column);
    List<DatasetVersion> out = new ArrayList<>();
    if (!(v instanceof ListVector list) || list.isNull(row)) {
      return out;
    }
    StructVector items = (StructVector) list.getDataVector();
    VarCharVector ns = (VarCharVector) items.getChild("namespace");
    VarCharVector names = (VarCharVector) items.getChild("name");
    VarCharVector versions = (VarCharVector) items.getChild("version");
    for (int i = list.getElementStartIndex(row); i < list.getElementEndIndex(row); i++) {
      if (items.isNull(i) || ns.isNull(i) || names.isNull(i)) {
        continue;
      }
      out.add(
          new DatasetVersion(
              ns.getObject(i).toString(),
              names.getObject(i).toString(),
              versions.isNull(i) ? null : versions.getObject(i).toString()));
    }
    return out;
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String value) {
    if (value == null) {
      return null;
    }
    try {
      return Enum.valueOf(type, value);
    } catch (IllegalArgumentException e) {
      // written by a newer version: read as "not said"
      return null;
    }
  }

  static void putText(ObjectNode o, String field, String value) {
    if (value != null) {
      o.put(field, value);
    }
  }

  static void putDatasets(ObjectNode o, String field, List<DatasetVersion> datasets) {
    if (datasets.isEmpty()) {
      return;
    }
    ArrayNode array = o.putArray(field);
    for (DatasetVersion d : datasets) {
      ObjectNode item = array.addObject();
      item.put("namespace", d.namespace());
      item.put("name", d.name());
      if (d.version() != null) {
        item.put("version", d.version());
      }
    }
  }

  static Field string(String name, boolean nullable) {
    return new Field(
        name,
        nullable
            ? FieldType.nullable(ArrowType.Utf8.INSTANCE)
            : FieldType.notNullable(ArrowType.Utf8.INSTANCE),
        null);
  }

  static Field timestamp(String name) {
    return new Field(
        name, FieldType.nullable(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")), null);
  }

  static Field datasets(String name) {
    return new Field(
        name,
        FieldType.nullable(ArrowType.List.INSTANCE),
        List.of(
            new Field(
                "element",
                FieldType.notNullable(ArrowType.Struct.INSTANCE),
                List.of(
                    string("namespace", false), string("name", false), string("version", true)))));
  }
}
