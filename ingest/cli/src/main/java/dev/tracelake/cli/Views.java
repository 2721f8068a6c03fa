package dev.tracelake.cli;

import dev.tracelake.lake.ColumnInfo;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.RefInfo;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.lake.TableDescription;
import java.util.List;
import java.util.Locale;

/**
 * What the commands print, as records: the JSON form is their fields, and the text form is built
 * from the same values. Times are ISO-8601 strings so scripts need no date parsing rules.
 */
final class Views {
  private Views() {}

  /** One table in the {@code tables} listing. */
  record TableSummary(String table, int snapshots, Long currentSnapshotId, Long rows) {
    static TableSummary of(TableDescription d) {
      return new TableSummary(
          d.name().toString(),
          d.snapshotCount(),
          d.currentSnapshot().map(SnapshotInfo::snapshotId).orElse(null),
          d.currentSnapshot().map(SnapshotInfo::totalRows).orElse(null));
    }
  }

  /** One column of a table. */
  record Column(
      int fieldId, String name, String type, boolean required, boolean metadata, String doc) {
    static Column of(ColumnInfo c) {
      return new Column(c.fieldId(), c.name(), c.type(), c.required(), c.metadata(), c.doc());
    }
  }

  /** One snapshot with its provenance. */
  record Snapshot(
      long snapshotId,
      Long parentId,
      String committedAt,
      String operation,
      long addedRows,
      long totalRows,
      String codeCommit,
      String modelName,
      String modelVersion,
      String runId,
      String producer) {
    static Snapshot of(SnapshotInfo s) {
      Provenance p = s.provenance();
      return new Snapshot(
          s.snapshotId(),
          s.parentId(),
          s.committedAt().toString(),
          s.operation(),
          s.addedRows(),
          s.totalRows(),
          p.codeCommit(),
          p.modelName(),
          p.modelVersion(),
          p.runId(),
          p.producer());
    }

    /** Returns {@code name:version}, the name alone, or null. */
    String model() {
      if (modelName == null) {
        return modelVersion;
      }
      return modelVersion == null ? modelName : modelName + ":" + modelVersion;
    }
  }

  /** A branch or a tag. */
  record Ref(String name, String type, long snapshotId) {
    static Ref of(RefInfo r) {
      return new Ref(r.name(), r.type().name().toLowerCase(Locale.ROOT), r.snapshotId());
    }
  }

  /** Everything {@code describe} shows. */
  record Table(
      String table,
      String uuid,
      String location,
      int formatVersion,
      int snapshotCount,
      Snapshot currentSnapshot,
      List<Column> columns,
      List<Ref> refs) {
    static Table of(TableDescription d) {
      return new Table(
          d.name().toString(),
          d.uuid(),
          d.location(),
          d.formatVersion(),
          d.snapshotCount(),
          d.currentSnapshot().map(Snapshot::of).orElse(null),
          d.columns().stream().map(Column::of).toList(),
          d.refs().stream().map(Ref::of).toList());
    }
  }
}
