package dev.tracelake.lineage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracelake.lake.ErrorKind;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.TableName;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * OpenLineage job and dataset events ({@code tracelake.openlineage_events}, beside the runs table):
 * what a job reads and writes without a run, and datasets declared on their own. An ordinary lake
 * table, so SQL reads it like any other; one row per event, created on first use.
 */
final class OpenLineageLog {
  static final Schema SCHEMA =
      new Schema(
          List.of(
              RunsTable.string("kind", false),
              RunsTable.timestamp("event_time"),
              RunsTable.string("job_namespace", true),
              RunsTable.string("job_name", true),
              RunsTable.string("dataset_namespace", true),
              RunsTable.string("dataset_name", true),
              RunsTable.string("dataset_version", true),
              RunsTable.datasets("inputs"),
              RunsTable.datasets("outputs"),
              RunsTable.string("producer", true)));

  private final Lake lake;
  private final TableName name;
  private final BufferAllocator allocator;

  OpenLineageLog(Lake lake, TableName runsTable, BufferAllocator allocator) {
    this.lake = lake;
    this.name = new TableName(runsTable.namespace(), "openlineage_events");
    this.allocator = allocator;
  }

  TableName name() {
    return name;
  }

  /** Appends a job or dataset event in its own snapshot. */
  void append(OpenLineageEvents.Received event) {
    ObjectNode o = JsonValues.MAPPER.createObjectNode();
    o.put("kind", event.kind().name());
    RunsTable.putText(
        o, "event_time", event.eventTime() == null ? null : event.eventTime().toString());
    if (event.job() != null) {
      o.put("job_namespace", event.job().namespace());
      o.put("job_name", event.job().name());
    }
    if (event.dataset() != null) {
      o.put("dataset_namespace", event.dataset().namespace());
      o.put("dataset_name", event.dataset().name());
      RunsTable.putText(o, "dataset_version", event.dataset().version());
    }
    RunsTable.putDatasets(o, "inputs", event.inputs());
    RunsTable.putDatasets(o, "outputs", event.outputs());
    RunsTable.putText(o, "producer", event.producer());
    LakeTable table = table();
    try (VectorSchemaRoot batch = table.batchChecker().fromJson(List.of(o.toString()), allocator)) {
      table.append(RunsTable.PROVENANCE, batch);
    }
  }

  private LakeTable table() {
    if (lake.exists(name)) {
      return lake.table(name);
    }
    try {
      return lake.createTable(name, SCHEMA);
    } catch (LakeException e) {
      if (e.kind() == ErrorKind.ALREADY_EXISTS) {
        return lake.table(name);
      }
      throw e;
    }
  }
}
