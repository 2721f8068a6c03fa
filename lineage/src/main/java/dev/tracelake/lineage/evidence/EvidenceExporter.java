package dev.tracelake.lineage.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracelake.lake.DataFileInfo;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.PlannedColumn;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.ScanPlan;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.TableName;
import dev.tracelake.lineage.ExplainNode;
import dev.tracelake.lineage.ExplainOptions;
import dev.tracelake.lineage.Explanation;
import dev.tracelake.lineage.Lineage;
import dev.tracelake.lineage.LineageException;
import dev.tracelake.lineage.NodeState;
import dev.tracelake.lineage.PageIndexRowSource;
import dev.tracelake.lineage.Problem;
import dev.tracelake.lineage.RecordKey;
import dev.tracelake.lineage.RowSource;
import dev.tracelake.lineage.RunInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.arrow.memory.RootAllocator;

/**
 * Exports the evidence about one record: explains it (with the asker's {@link
 * dev.tracelake.lineage.ValueAccess}), reads every shown row again file by file so that each row is
 * tied to the data file holding it, hashes those files through the lake's FileIO, and records the
 * snapshots, schemas and runs involved. Thread-safe.
 *
 * <pre>{@code
 * EvidenceBundle bundle =
 *     EvidenceExporter.of(lake, lineage).export(RecordKey.of("fraud.predictions", id),
 *         ExplainOptions.defaults().catchUpFirst(), "local");
 * Files.write(path, bundle.toJsonBytes());
 * }</pre>
 */
public final class EvidenceExporter {
  /** The most bytes of row values one bundle holds by default: 256 MiB. */
  public static final long DEFAULT_MAX_VALUE_BYTES = 256L << 20;

  private final Lake lake;
  private final Lineage lineage;
  private final RowSource rows;
  private final Clock clock;
  private final long maxValueBytes;

  private EvidenceExporter(
      Lake lake, Lineage lineage, RowSource rows, Clock clock, long maxValueBytes) {
    this.lake = lake;
    this.lineage = lineage;
    this.rows = rows;
    this.clock = clock;
    this.maxValueBytes = maxValueBytes;
  }

  /** Returns an exporter over {@code lake} that explains with {@code lineage}. */
  public static EvidenceExporter of(Lake lake, Lineage lineage) {
    Objects.requireNonNull(lake, "lake");
    Objects.requireNonNull(lineage, "lineage");
    return new EvidenceExporter(
        lake, lineage, PageIndexRowSource.of(lake), Clock.systemUTC(), DEFAULT_MAX_VALUE_BYTES);
  }

  /**
   * Returns an exporter that refuses bundles of more than {@code bytes} of row values.
   *
   * @throws IllegalArgumentException when {@code bytes} is not positive
   */
  public EvidenceExporter maxValueBytes(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("Value byte limit must be positive, got " + bytes);
    }
    return new EvidenceExporter(lake, lineage, rows, clock, bytes);
  }

  /** Returns an exporter that stamps bundles with the time of {@code clock} (tests). */
  EvidenceExporter clock(Clock clock) {
    return new EvidenceExporter(lake, lineage, rows, clock, maxValueBytes);
  }

  /**
   * Exports the evidence about {@code record}.
   *
   * @param record the record
   * @param options how to explain it (depth, rows, ref, point in time, value access)
   * @param principal who exports it, recorded in the bundle ("local" until access control lands)
   * @return the sealed bundle
   * @throws LineageException NOT_FOUND when the record is not in the lake (or not on the ref);
   *     FAILED_PRECONDITION when its rows add up to more than the value byte limit
   * @throws UncheckedIOException when a data file cannot be read
   */
  public EvidenceBundle export(RecordKey record, ExplainOptions options, String principal) {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(options, "options");
    if (principal == null || principal.isBlank()) {
      throw new IllegalArgumentException("An evidence bundle needs the principal who exports it");
    }
    Explanation explanation = lineage.explain(record, options);
    List<Problem> notFound = explanation.problems(Problem.Kind.RECORD_NOT_FOUND);
    if (!notFound.isEmpty() && record.equals(notFound.get(0).record())) {
      throw new LineageException(LineageException.Kind.NOT_FOUND, notFound.get(0).message());
    }
    return new Build(explanation, options, principal).run();
  }

  /** One export's state. */
  private final class Build {
    private final Explanation explanation;
    private final ExplainOptions options;
    private final String principal;
    private final List<ExplainNode> nodes = new ArrayList<>();
    private final Map<ExplainNode, String> nodeIds = new java.util.IdentityHashMap<>();
    // (table, snapshot) -> the record ids shown at it
    private final Map<TableSnapshot, Set<String>> wanted = new LinkedHashMap<>();
    private final Map<TableSnapshot, ScanPlan> plans = new LinkedHashMap<>();
    private final Map<RowKey, String> rowIds = new LinkedHashMap<>();
    private final Map<String, String> fileIds = new LinkedHashMap<>();
    private final ArrayNode rowsJson = EvidenceJson.nodes().arrayNode();
    private final ArrayNode filesJson = EvidenceJson.nodes().arrayNode();
    private final List<String> evidenceProblems = new ArrayList<>();
    private long valueBytes;

    Build(Explanation explanation, ExplainOptions options, String principal) {
      this.explanation = explanation;
      this.options = options;
      this.principal = principal.strip();
    }

    EvidenceBundle run() {
      flatten(explanation.root());
      for (ExplainNode n : nodes) {
        if (n.state() == NodeState.PRESENT && n.readAtSnapshotId() != null) {
          wanted
              .computeIfAbsent(
                  new TableSnapshot(n.key().table(), n.readAtSnapshotId()),
                  k -> new LinkedHashSet<>())
              .add(n.key().recordId());
        }
      }
      readRows();
      ObjectNode evidence = EvidenceJson.nodes().objectNode();
      evidence.put("exportedAt", clock.instant().toString());
      evidence.put("exportedBy", principal);
      EvidenceJson.putText(
          evidence,
          "tracelakeVersion",
          EvidenceExporter.class.getPackage().getImplementationVersion());
      evidence.put("warehouse", lake.config().warehouse());
      evidence.set("subject", subject());
      evidence.put("root", nodeIds.get(explanation.root()));
      evidence.set("records", records());
      evidence.set("rows", rowsJson);
      evidence.set("files", filesJson);
      evidence.set("schemas", schemas());
      evidence.set("snapshots", snapshots());
      evidence.set("runs", runs());
      ArrayNode problems = evidence.putArray("problems");
      for (Problem p : explanation.problems()) {
        ObjectNode o = problems.addObject();
        o.put("kind", p.kind().name());
        if (p.record() != null) {
          o.put("table", p.record().table());
          o.put("recordId", p.record().recordId());
        }
        o.put("message", p.message());
      }
      for (String message : evidenceProblems) {
        problems.addObject().put("kind", "EVIDENCE").put("message", message);
      }
      evidence.put("truncated", explanation.truncated());
      evidence.put("indexFreshness", explanation.freshness().toString());
      return EvidenceBundle.seal(evidence);
    }

    private ObjectNode subject() {
      ObjectNode s = EvidenceJson.nodes().objectNode();
      ExplainNode root = explanation.root();
      s.put("table", root.key().table());
      s.put("recordId", root.key().recordId());
      EvidenceJson.putText(s, "ref", options.ref().orElse(null));
      EvidenceJson.putText(s, "asOf", options.asOf().map(Object::toString).orElse(null));
      s.put("maxDepth", options.maxDepth());
      s.put("maxRows", options.maxRows());
      return s;
    }

    private void flatten(ExplainNode node) {
      nodeIds.put(node, "n" + nodes.size());
      nodes.add(node);
      node.inputs().forEach(this::flatten);
    }

    private void readRows() {
      FileRows reader;
      try (RootAllocator allocator = new RootAllocator()) {
        reader = new FileRows(rows, allocator);
        for (Map.Entry<TableSnapshot, Set<String>> e : wanted.entrySet()) {
          TableSnapshot at = e.getKey();
          LakeTable table = lake.table(TableName.parse(at.table()));
          ScanPlan plan = table.scan().atSnapshot(at.snapshotId()).plan();
          plans.put(at, plan);
          Map<String, FileRows.Found> found;
          try {
            found = reader.read(table, plan, e.getValue());
          } catch (IOException ex) {
            throw new UncheckedIOException(
                "Cannot read table " + at.table() + " at snapshot " + at.snapshotId(), ex);
          }
          for (String id : e.getValue()) {
            FileRows.Found row = found.get(id);
            if (row == null) {
              evidenceProblems.add(
                  String.format(
                      "Record %s/%s was shown at snapshot %d but no data file of the snapshot"
                          + " holds it now",
                      at.table(), id, at.snapshotId()));
              continue;
            }
            addRow(at, id, row);
          }
        }
      }
    }

    private void addRow(TableSnapshot at, String id, FileRows.Found row) {
      String fileId = fileIds.get(row.file().location());
      if (fileId == null) {
        fileId = "f" + fileIds.size();
        fileIds.put(row.file().location(), fileId);
        filesJson.add(file(fileId, at.table(), row.file()));
      }
      ObjectNode values = EvidenceJson.nodes().objectNode();
      row.values().forEach((k, v) -> values.set(k, EvidenceJson.value(v)));
      valueBytes += values.toString().length();
      if (valueBytes > maxValueBytes) {
        throw new LineageException(
            LineageException.Kind.FAILED_PRECONDITION,
            String.format(
                "The evidence about %s holds more than %d bytes of row values; export fewer"
                    + " levels (depth) or fewer rows",
                explanation.root().key(), maxValueBytes));
      }
      String rowId = "r" + rowIds.size();
      rowIds.put(new RowKey(at.table(), id, at.snapshotId()), rowId);
      ObjectNode o = rowsJson.addObject();
      o.put("id", rowId);
      o.put("table", at.table());
      o.put("recordId", id);
      o.set("snapshotId", EvidenceJson.id(at.snapshotId()));
      o.put("file", fileId);
      o.set("values", values);
    }

    private ObjectNode file(String id, String table, DataFileInfo file) {
      FileRows.Digest digest = FileRows.sha256(lake.fileIo(), file.location());
      ObjectNode o = EvidenceJson.nodes().objectNode();
      o.put("id", id);
      o.put("table", table);
      o.put("location", file.location());
      o.put("sizeBytes", digest.sizeBytes());
      o.put("recordCount", file.recordCount());
      o.put("sha256", digest.sha256());
      return o;
    }

    private ArrayNode records() {
      ArrayNode a = EvidenceJson.nodes().arrayNode();
      for (ExplainNode n : nodes) {
        ObjectNode o = a.addObject();
        o.put("id", nodeIds.get(n));
        o.put("table", n.key().table());
        o.put("recordId", n.key().recordId());
        o.put("state", n.state().name());
        o.set("citedSnapshotId", EvidenceJson.id(n.snapshotId()));
        o.set("readAtSnapshotId", EvidenceJson.id(n.readAtSnapshotId()));
        o.set("provenance", provenance(n.provenance()));
        String rowId =
            n.readAtSnapshotId() == null
                ? null
                : rowIds.get(new RowKey(n.key().table(), n.key().recordId(), n.readAtSnapshotId()));
        EvidenceJson.putText(o, "row", n.state() == NodeState.PRESENT ? rowId : null);
        ArrayNode inputs = o.putArray("inputs");
        n.inputs().forEach(in -> inputs.add(nodeIds.get(in)));
      }
      return a;
    }

    private ArrayNode schemas() {
      ArrayNode a = EvidenceJson.nodes().arrayNode();
      for (Map.Entry<TableSnapshot, ScanPlan> e : plans.entrySet()) {
        ObjectNode o = a.addObject();
        o.put("table", e.getKey().table());
        o.set("snapshotId", EvidenceJson.id(e.getKey().snapshotId()));
        o.set("columns", columns(e.getValue().columns()));
      }
      return a;
    }

    private ArrayNode snapshots() {
      Set<TableSnapshot> all = new LinkedHashSet<>();
      for (ExplainNode n : nodes) {
        // a withheld record's snapshots are still part of its lineage; a missing one's cited
        // snapshot may not exist, which the verification will report as it stands
        if (n.snapshotId() != null) {
          all.add(new TableSnapshot(n.key().table(), n.snapshotId()));
        }
        if (n.readAtSnapshotId() != null) {
          all.add(new TableSnapshot(n.key().table(), n.readAtSnapshotId()));
        }
      }
      ArrayNode a = EvidenceJson.nodes().arrayNode();
      for (TableSnapshot at : all) {
        SnapshotInfo info;
        try {
          info = lake.table(TableName.parse(at.table())).snapshot(at.snapshotId());
        } catch (LakeException e) {
          // cited but not there (explain reported it): recorded as absent
          ObjectNode o = a.addObject();
          o.put("table", at.table());
          o.set("snapshotId", EvidenceJson.id(at.snapshotId()));
          o.put("exists", false);
          continue;
        }
        a.add(snapshot(at.table(), info));
      }
      return a;
    }

    private ArrayNode runs() {
      ArrayNode a = EvidenceJson.nodes().arrayNode();
      for (RunInfo r : explanation.runs().values()) {
        a.add(EvidenceExporter.run(r));
      }
      return a;
    }
  }

  static ArrayNode columns(List<PlannedColumn> columns) {
    ArrayNode a = EvidenceJson.nodes().arrayNode();
    for (PlannedColumn c : columns) {
      ObjectNode o = a.addObject();
      o.put("fieldId", c.fieldId());
      o.put("name", c.name());
      o.put("type", c.icebergType());
      o.put("required", c.required());
    }
    return a;
  }

  static ObjectNode snapshot(String table, SnapshotInfo info) {
    ObjectNode o = EvidenceJson.nodes().objectNode();
    o.put("table", table);
    o.set("snapshotId", EvidenceJson.id(info.snapshotId()));
    o.put("exists", true);
    o.set("parentId", EvidenceJson.id(info.parentId()));
    o.put("committedAt", info.committedAt().toString());
    EvidenceJson.putText(o, "operation", info.operation());
    o.put("addedRows", info.addedRows());
    o.set("provenance", provenance(info.provenance()));
    EvidenceJson.putText(o, "producer", info.provenance().producer());
    return o;
  }

  static ObjectNode provenance(Provenance p) {
    ObjectNode o = EvidenceJson.nodes().objectNode();
    EvidenceJson.putText(o, "runId", p.runId());
    EvidenceJson.putText(o, "codeCommit", p.codeCommit());
    EvidenceJson.putText(o, "modelName", p.modelName());
    EvidenceJson.putText(o, "modelVersion", p.modelVersion());
    return o;
  }

  static ObjectNode run(RunInfo r) {
    ObjectNode o = EvidenceJson.nodes().objectNode();
    o.put("runId", r.runId());
    o.put("status", r.status().name());
    EvidenceJson.putText(o, "jobNamespace", r.jobNamespace());
    EvidenceJson.putText(o, "jobName", r.jobName());
    EvidenceJson.putText(o, "codeRepository", r.codeRepository());
    EvidenceJson.putText(o, "codeCommit", r.codeCommit());
    EvidenceJson.putText(o, "modelName", r.modelName());
    EvidenceJson.putText(o, "modelVersion", r.modelVersion());
    EvidenceJson.putText(o, "startedAt", r.startedAt() == null ? null : r.startedAt().toString());
    EvidenceJson.putText(o, "endedAt", r.endedAt() == null ? null : r.endedAt().toString());
    EvidenceJson.putText(o, "parentRunId", r.parent() == null ? null : r.parent().runId());
    EvidenceJson.putText(o, "failureMessage", r.failureMessage());
    return o;
  }

  /** Returns the value of a JSON field for comparisons, "null" when absent. */
  static String field(JsonNode node, String name) {
    JsonNode v = node.get(name);
    return v == null || v.isNull() ? "null" : EvidenceJson.canonical(v);
  }

  record TableSnapshot(String table, long snapshotId) {}

  record RowKey(String table, String recordId, long snapshotId) {}
}
