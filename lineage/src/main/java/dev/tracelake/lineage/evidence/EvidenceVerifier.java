package dev.tracelake.lineage.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracelake.lake.DataFileInfo;
import dev.tracelake.lake.ErrorKind;
import dev.tracelake.lake.Lake;
import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.LakeTable;
import dev.tracelake.lake.MetadataColumns;
import dev.tracelake.lake.ScanPlan;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.TableName;
import dev.tracelake.lineage.Lineage;
import dev.tracelake.lineage.PageIndexRowSource;
import dev.tracelake.lineage.RecordKey;
import dev.tracelake.lineage.RowSource;
import dev.tracelake.lineage.RunInfo;
import dev.tracelake.lineage.RunStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.memory.RootAllocator;

/**
 * Recomputes an evidence bundle from the lake and reports every difference: the bundle's own
 * digest, each snapshot (still there, same commit time, parent, operation and provenance), each
 * schema, each data file (still part of its snapshot, same SHA-256 and size), each row (re-read
 * from its file at its snapshot, value by value), each record's inputs against its {@code
 * _lineage}, each record said to be missing, and each run. Reads only; the bundle is untrusted
 * input: only files the catalog lists for a snapshot are ever opened, whatever locations the bundle
 * names.
 */
public final class EvidenceVerifier {
  private final Lake lake;
  private final Lineage lineage;
  private final RowSource rows;

  private EvidenceVerifier(Lake lake, Lineage lineage, RowSource rows) {
    this.lake = lake;
    this.lineage = lineage;
    this.rows = rows;
  }

  /** Returns a verifier over {@code lake}; runs are looked up in {@code lineage}. */
  public static EvidenceVerifier of(Lake lake, Lineage lineage) {
    Objects.requireNonNull(lake, "lake");
    Objects.requireNonNull(lineage, "lineage");
    return new EvidenceVerifier(lake, lineage, PageIndexRowSource.of(lake));
  }

  /**
   * Verifies {@code bundle} against the lake.
   *
   * @return the report; {@link VerificationReport#matches()} says whether the evidence still holds
   * @throws IllegalArgumentException when the bundle is malformed (a part lacks a field)
   */
  public VerificationReport verify(EvidenceBundle bundle) {
    Objects.requireNonNull(bundle, "bundle");
    return new Check(bundle).run();
  }

  private final class Check {
    private final EvidenceBundle bundle;
    private final JsonNode evidence;
    private final List<Difference> differences = new ArrayList<>();
    private final Map<String, LakeTable> tables = new HashMap<>();
    private final Set<String> missingTables = new HashSet<>();
    private final Map<String, Optional<ScanPlan>> plans = new HashMap<>();
    private final Map<String, JsonNode> filesById = new HashMap<>();
    // row id -> the row's values as read now (absent: not read)
    private final Map<String, Map<String, Object>> readNow = new HashMap<>();
    private int snapshotsChecked;
    private int filesChecked;
    private int rowsChecked;

    Check(EvidenceBundle bundle) {
      this.bundle = bundle;
      this.evidence = bundle.evidence();
    }

    VerificationReport run() {
      String stated = bundle.contentSha256();
      String computed = bundle.computedSha256();
      if (!computed.equals(stated)) {
        differences.add(
            new Difference(
                Difference.Kind.BUNDLE_EDITED,
                "bundle",
                String.format(
                    "The bundle's content has SHA-256 %s but the bundle states %s: it was edited"
                        + " after export",
                    computed, EvidenceJson.cap(stated))));
      }
      try (RootAllocator allocator = new RootAllocator()) {
        FileRows reader = new FileRows(rows, allocator);
        checkSnapshots();
        checkSchemas();
        checkFilesAndRows(reader);
        checkRecords(reader);
      }
      checkRuns();
      return new VerificationReport(
          bundle.subject(), stated, snapshotsChecked, filesChecked, rowsChecked, differences);
    }

    private void checkSnapshots() {
      for (JsonNode s : array("snapshots")) {
        String table = required(s, "table", "snapshots");
        long id = snapshotId(s, "snapshotId", "snapshots");
        if (!s.path("exists").asBoolean(true)) {
          continue; // cited but absent at export: the records that cite it say so
        }
        LakeTable t = table(table);
        if (t == null) {
          continue;
        }
        snapshotsChecked++;
        SnapshotInfo info;
        try {
          info = t.snapshot(id);
        } catch (LakeException e) {
          differences.add(
              new Difference(
                  Difference.Kind.SNAPSHOT_MISSING,
                  table + "@" + id,
                  String.format(
                      "Snapshot %d of table %s is not in the lake any more: %s",
                      id, table, e.getMessage())));
          continue;
        }
        ObjectNode now = EvidenceExporter.snapshot(table, info);
        List<String> changed = new ArrayList<>();
        for (String field :
            List.of(
                "parentId", "committedAt", "operation", "addedRows", "provenance", "producer")) {
          if (!EvidenceExporter.field(s, field).equals(EvidenceExporter.field(now, field))) {
            changed.add(
                field
                    + " "
                    + EvidenceJson.cap(EvidenceExporter.field(s, field))
                    + " -> "
                    + EvidenceJson.cap(EvidenceExporter.field(now, field)));
          }
        }
        if (!changed.isEmpty()) {
          differences.add(
              new Difference(
                  Difference.Kind.SNAPSHOT_DIFFERS,
                  table + "@" + id,
                  String.format(
                      "Snapshot %d of table %s differs: %s",
                      id, table, String.join("; ", changed))));
        }
      }
    }

    private void checkSchemas() {
      for (JsonNode s : array("schemas")) {
        String table = required(s, "table", "schemas");
        long id = snapshotId(s, "snapshotId", "schemas");
        Optional<ScanPlan> plan = plan(table, id);
        if (plan.isEmpty()) {
          continue;
        }
        String stated = EvidenceExporter.field(s, "columns");
        String now = EvidenceJson.canonical(EvidenceExporter.columns(plan.get().columns()));
        if (!stated.equals(now)) {
          differences.add(
              new Difference(
                  Difference.Kind.SCHEMA_DIFFERS,
                  table + "@" + id,
                  String.format(
                      "The columns of table %s at snapshot %d differ: the bundle has %s, the lake"
                          + " %s",
                      table, id, EvidenceJson.cap(stated), EvidenceJson.cap(now))));
        }
      }
    }

    private record FileAt(String table, long snapshotId, String fileId) {}

    private void checkFilesAndRows(FileRows reader) {
      for (JsonNode f : array("files")) {
        filesById.put(required(f, "id", "files"), f);
      }
      Map<FileAt, List<JsonNode>> byFile = new LinkedHashMap<>();
      for (JsonNode r : array("rows")) {
        String table = required(r, "table", "rows");
        long id = snapshotId(r, "snapshotId", "rows");
        required(r, "recordId", "rows");
        required(r, "id", "rows");
        byFile
            .computeIfAbsent(
                new FileAt(table, id, required(r, "file", "rows")), k -> new ArrayList<>())
            .add(r);
      }
      // location -> its length now; null when it cannot be read
      Map<String, Long> sizes = new HashMap<>();
      for (Map.Entry<FileAt, List<JsonNode>> e : byFile.entrySet()) {
        FileAt at = e.getKey();
        JsonNode file = filesById.get(at.fileId());
        if (file == null) {
          throw new IllegalArgumentException(
              "Evidence bundle row names file '" + EvidenceJson.cap(at.fileId()) + "', not listed");
        }
        String location = required(file, "location", "files");
        Optional<ScanPlan> plan = plan(at.table(), at.snapshotId());
        if (plan.isEmpty()) {
          continue;
        }
        // only a file the catalog lists for the snapshot is ever opened
        Optional<DataFileInfo> planned = FileRows.fileOf(plan.get(), location);
        if (planned.isEmpty()) {
          differences.add(
              new Difference(
                  Difference.Kind.FILE_NOT_IN_SNAPSHOT,
                  location,
                  String.format(
                      "Data file %s is not part of snapshot %d of table %s",
                      EvidenceJson.cap(location), at.snapshotId(), at.table())));
          continue;
        }
        DataFileInfo asPlanned = planned.get();
        if (!sizes.containsKey(location)) {
          sizes.put(location, checkFile(file, asPlanned));
        }
        Long size = sizes.get(location);
        if (size == null) {
          // an unreadable file: its rows cannot be read either; the file's difference says why
          continue;
        }
        // read the file as it is now, even if its length changed since the catalog recorded it
        DataFileInfo asFound =
            new DataFileInfo(
                asPlanned.location(),
                asPlanned.localPath(),
                asPlanned.recordCount(),
                size,
                asPlanned.constants());
        checkRows(reader, at, plan.get(), asFound, e.getValue());
      }
    }

    /** Re-hashes a file; returns its length now, or null when it cannot be read. */
    private Long checkFile(JsonNode file, DataFileInfo planned) {
      filesChecked++;
      FileRows.Digest now;
      try {
        now = FileRows.sha256(lake.fileIo(), planned.location());
      } catch (UncheckedIOException e) {
        differences.add(
            new Difference(
                Difference.Kind.FILE_MISSING,
                planned.location(),
                String.format(
                    "Data file %s cannot be read: %s",
                    planned.location(),
                    e.getCause() == null ? e.getMessage() : e.getCause().getMessage())));
        return null;
      }
      String stated = EvidenceJson.text(file, "sha256");
      long statedSize = file.path("sizeBytes").asLong(-1);
      if (!now.sha256().equals(stated) || now.sizeBytes() != statedSize) {
        differences.add(
            new Difference(
                Difference.Kind.FILE_CHANGED,
                planned.location(),
                String.format(
                    "Data file %s changed: SHA-256 %s (%d bytes) at export, %s (%d bytes) now",
                    planned.location(),
                    EvidenceJson.cap(stated),
                    statedSize,
                    now.sha256(),
                    now.sizeBytes())));
      }
      return now.sizeBytes();
    }

    private void checkRows(
        FileRows reader, FileAt at, ScanPlan plan, DataFileInfo file, List<JsonNode> stated) {
      List<String> ids = new ArrayList<>();
      stated.forEach(r -> ids.add(r.get("recordId").asText()));
      Map<String, FileRows.Found> found;
      try {
        found = reader.readFile(plan, file, ids);
      } catch (IOException | RuntimeException e) {
        differences.add(
            new Difference(
                Difference.Kind.ROWS_UNREADABLE,
                file.location(),
                String.format(
                    "The rows of data file %s cannot be read at snapshot %d of table %s: %s",
                    file.location(), at.snapshotId(), at.table(), e.getMessage())));
        return;
      }
      for (JsonNode r : stated) {
        rowsChecked++;
        String recordId = r.get("recordId").asText();
        String subject = at.table() + "/" + recordId + "@" + at.snapshotId();
        FileRows.Found row = found.get(recordId);
        if (row == null) {
          differences.add(
              new Difference(
                  Difference.Kind.ROW_MISSING,
                  subject,
                  String.format(
                      "Record %s of table %s is not in data file %s at snapshot %d",
                      EvidenceJson.cap(recordId), at.table(), file.location(), at.snapshotId())));
          continue;
        }
        readNow.put(r.get("id").asText(), row.values());
        JsonNode values = r.path("values");
        Set<String> columns = new LinkedHashSet<>(row.values().keySet());
        values.fieldNames().forEachRemaining(columns::add);
        List<String> changed = new ArrayList<>();
        for (String column : columns) {
          JsonNode was = values.get(column);
          String before = was == null ? "(absent)" : EvidenceJson.canonical(was);
          String after =
              row.values().containsKey(column)
                  ? EvidenceJson.canonical(EvidenceJson.value(row.values().get(column)))
                  : "(absent)";
          if (!before.equals(after)) {
            changed.add(
                column + ": " + EvidenceJson.cap(before) + " -> " + EvidenceJson.cap(after));
          }
        }
        if (!changed.isEmpty()) {
          differences.add(
              new Difference(
                  Difference.Kind.ROW_DIFFERS,
                  subject,
                  String.format(
                      "Record %s of table %s at snapshot %d reads differently now: %s",
                      EvidenceJson.cap(recordId),
                      at.table(),
                      at.snapshotId(),
                      String.join("; ", changed))));
        }
      }
    }

    private void checkRecords(FileRows reader) {
      Map<String, JsonNode> records = new HashMap<>();
      for (JsonNode n : array("records")) {
        records.put(required(n, "id", "records"), n);
      }
      boolean truncated = evidence.path("truncated").asBoolean(false);
      for (JsonNode n : array("records")) {
        String table = required(n, "table", "records");
        String recordId = required(n, "recordId", "records");
        String state = required(n, "state", "records");
        String subject = table + "/" + recordId;
        String rowId = EvidenceJson.text(n, "row");
        if ("WITHHELD".equals(state)) {
          differences.add(
              new Difference(
                  Difference.Kind.NOT_CHECKED,
                  subject,
                  "The values of record "
                      + EvidenceJson.cap(subject)
                      + " were withheld from the exporter; its row was not checked"));
        }
        if ("MISSING".equals(state)) {
          checkStillMissing(reader, n, table, recordId);
        }
        Map<String, Object> row = rowId == null ? null : readNow.get(rowId);
        if (row != null) {
          checkLineage(n, records, row, truncated, subject);
        }
      }
    }

    private void checkStillMissing(FileRows reader, JsonNode n, String table, String recordId) {
      Long cited = EvidenceJson.id(n.get("citedSnapshotId"));
      if (cited == null) {
        return;
      }
      Optional<ScanPlan> plan = planQuietly(table, cited);
      if (plan.isEmpty()) {
        return;
      }
      try {
        if (reader.read(tables.get(table), plan.get(), List.of(recordId)).containsKey(recordId)) {
          differences.add(
              new Difference(
                  Difference.Kind.RECORD_PRESENT,
                  table + "/" + recordId,
                  String.format(
                      "The bundle says record %s of table %s was missing, but snapshot %d holds"
                          + " it",
                      EvidenceJson.cap(recordId), table, cited)));
        }
      } catch (IOException | RuntimeException e) {
        differences.add(
            new Difference(
                Difference.Kind.NOT_CHECKED,
                table + "/" + recordId,
                String.format(
                    "Cannot check that record %s of table %s is missing at snapshot %d: %s",
                    EvidenceJson.cap(recordId), table, cited, e.getMessage())));
      }
    }

    /** The inputs listed for a record must be entries of its {@code _lineage}, all when whole. */
    private void checkLineage(
        JsonNode n,
        Map<String, JsonNode> records,
        Map<String, Object> row,
        boolean truncated,
        String subject) {
      Set<String> cited = new LinkedHashSet<>();
      if (row.get(MetadataColumns.LINEAGE) instanceof List<?> entries) {
        for (Object e : entries) {
          if (e instanceof Map<?, ?> ref) {
            Object t = ref.get(MetadataColumns.LINEAGE_TABLE);
            Object id = ref.get("record_id");
            Object snap = ref.get("snapshot_id");
            if (t != null && id != null) {
              cited.add(entry(t.toString(), id.toString(), snap == null ? null : snap.toString()));
            }
          }
        }
      }
      Set<String> listed = new LinkedHashSet<>();
      for (JsonNode input : n.path("inputs")) {
        JsonNode in = records.get(input.asText());
        if (in == null) {
          throw new IllegalArgumentException(
              "Evidence bundle record names input '" + EvidenceJson.cap(input.asText()) + "'");
        }
        Long snap = EvidenceJson.id(in.get("citedSnapshotId"));
        listed.add(
            entry(
                required(in, "table", "records"),
                required(in, "recordId", "records"),
                snap == null ? null : snap.toString()));
      }
      boolean whole = !truncated || !listed.isEmpty();
      if (!cited.containsAll(listed) || (whole && !truncated && !listed.containsAll(cited))) {
        Set<String> extra = new LinkedHashSet<>(listed);
        extra.removeAll(cited);
        Set<String> absent = new LinkedHashSet<>(cited);
        absent.removeAll(listed);
        differences.add(
            new Difference(
                Difference.Kind.LINEAGE_DIFFERS,
                subject,
                String.format(
                    "The inputs the bundle lists for record %s are not those its _lineage names:"
                        + " not in _lineage %s; in _lineage but not listed %s",
                    EvidenceJson.cap(subject),
                    EvidenceJson.cap(extra.toString()),
                    EvidenceJson.cap(absent.toString()))));
      }
    }

    private String entry(String table, String recordId, String snapshotId) {
      String normalized;
      try {
        normalized = RecordKey.of(table, recordId).table();
      } catch (IllegalArgumentException e) {
        normalized = table;
      }
      return normalized + "/" + recordId + "@" + snapshotId;
    }

    private void checkRuns() {
      for (JsonNode r : array("runs")) {
        String runId = required(r, "runId", "runs");
        Optional<RunInfo> known = lineage.run(runId);
        if (known.isEmpty()) {
          differences.add(
              new Difference(
                  Difference.Kind.RUN_MISSING,
                  runId,
                  "Run " + EvidenceJson.cap(runId) + " is not known to the lake any more"));
          continue;
        }
        ObjectNode now = EvidenceExporter.run(known.get());
        List<String> changed = new ArrayList<>();
        for (String field :
            List.of(
                "jobNamespace",
                "jobName",
                "codeRepository",
                "codeCommit",
                "modelName",
                "modelVersion",
                "parentRunId",
                "startedAt")) {
          if (!EvidenceExporter.field(r, field).equals(EvidenceExporter.field(now, field))) {
            changed.add(
                field
                    + " "
                    + EvidenceJson.cap(EvidenceExporter.field(r, field))
                    + " -> "
                    + EvidenceJson.cap(EvidenceExporter.field(now, field)));
          }
        }
        String was = EvidenceJson.text(r, "status");
        String is = now.get("status").asText();
        boolean wasFinal = was != null && isFinal(was);
        if (!is.equals(was) && wasFinal) {
          changed.add("status " + EvidenceJson.cap(was) + " -> " + is);
        }
        if (!changed.isEmpty()) {
          differences.add(
              new Difference(
                  Difference.Kind.RUN_DIFFERS,
                  runId,
                  String.format(
                      "Run %s differs: %s", EvidenceJson.cap(runId), String.join("; ", changed))));
        } else if (!is.equals(was)) {
          differences.add(
              new Difference(
                  Difference.Kind.RUN_PROGRESSED,
                  runId,
                  String.format(
                      "Run %s was %s at export and is %s now",
                      EvidenceJson.cap(runId), EvidenceJson.cap(was), is)));
        }
      }
    }

    private boolean isFinal(String status) {
      try {
        return RunStatus.valueOf(status).isFinal();
      } catch (IllegalArgumentException e) {
        return false;
      }
    }

    private LakeTable table(String name) {
      if (missingTables.contains(name)) {
        return null;
      }
      LakeTable t = tables.get(name);
      if (t != null) {
        return t;
      }
      try {
        t = lake.table(TableName.parse(name));
      } catch (LakeException e) {
        missingTables.add(name);
        differences.add(
            new Difference(
                Difference.Kind.TABLE_MISSING,
                EvidenceJson.cap(name),
                "Table " + EvidenceJson.cap(name) + " cannot be read: " + e.getMessage()));
        return null;
      }
      tables.put(name, t);
      return t;
    }

    /** The plan of a table at a snapshot; empty (with a difference reported) when it has none. */
    private Optional<ScanPlan> plan(String table, long snapshotId) {
      String key = table + "@" + snapshotId;
      Optional<ScanPlan> known = plans.get(key);
      if (known != null) {
        return known;
      }
      Optional<ScanPlan> plan = planQuietly(table, snapshotId);
      plans.put(key, plan);
      return plan;
    }

    private Optional<ScanPlan> planQuietly(String table, long snapshotId) {
      LakeTable t = table(table);
      if (t == null) {
        return Optional.empty();
      }
      try {
        return Optional.of(t.scan().atSnapshot(snapshotId).plan());
      } catch (LakeException e) {
        if (e.kind() != ErrorKind.NOT_FOUND) {
          throw e;
        }
        // reported once by the snapshot check
        return Optional.empty();
      }
    }

    private Iterable<JsonNode> array(String part) {
      JsonNode a = evidence.get(part);
      if (a == null || !a.isArray()) {
        throw new IllegalArgumentException("Evidence bundle part \"" + part + "\" is not a list");
      }
      return a;
    }

    private String required(JsonNode node, String field, String part) {
      JsonNode v = node.get(field);
      if (v == null || v.isNull() || !v.isValueNode()) {
        throw new IllegalArgumentException(
            "Evidence bundle part \"" + part + "\" has an entry without \"" + field + "\"");
      }
      return v.asText();
    }

    private long snapshotId(JsonNode node, String field, String part) {
      Long id = EvidenceJson.id(node.get(field));
      if (id == null) {
        throw new IllegalArgumentException(
            "Evidence bundle part \"" + part + "\" has an entry without \"" + field + "\"");
      }
      return id;
    }
  }
}
