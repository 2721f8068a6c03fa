package dev.tracelake.lake;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotParser;

/**
 * One snapshot as the archive keeps it: every field Iceberg's own snapshot has, so the snapshot can
 * be rebuilt exactly and read through its manifest list, plus two of Tracelake's.
 *
 * @param mainAncestor whether the snapshot was an ancestor of {@code main}'s head when archived
 * @param carried for each carried summary key ({@link BranchHead#CARRIED_SUMMARY_PREFIX}), its
 *     newest value in this snapshot and its ancestors; null when not recorded for this snapshot
 */
record ArchivedSnapshot(
    long snapshotId,
    Long parentId,
    long sequenceNumber,
    long timestampMillis,
    String operation,
    Map<String, String> summary,
    String manifestList,
    Integer schemaId,
    Long firstRowId,
    Long addedRows,
    String keyId,
    boolean mainAncestor,
    Map<String, SummaryValue> carried) {

  ArchivedSnapshot {
    summary = summary == null ? Map.of() : Map.copyOf(summary);
    carried = carried == null ? null : Map.copyOf(carried);
  }

  static ArchivedSnapshot of(
      Snapshot snapshot, boolean mainAncestor, Map<String, SummaryValue> carried) {
    return new ArchivedSnapshot(
        snapshot.snapshotId(),
        snapshot.parentId(),
        snapshot.sequenceNumber(),
        snapshot.timestampMillis(),
        snapshot.operation(),
        snapshot.summary(),
        snapshot.manifestListLocation(),
        snapshot.schemaId(),
        snapshot.firstRowId(),
        snapshot.addedRows(),
        snapshot.keyId(),
        mainAncestor,
        carried);
  }

  /** Returns this row with a checkpoint of carried summary values. */
  ArchivedSnapshot withCarried(Map<String, SummaryValue> values) {
    return new ArchivedSnapshot(
        snapshotId,
        parentId,
        sequenceNumber,
        timestampMillis,
        operation,
        summary,
        manifestList,
        schemaId,
        firstRowId,
        addedRows,
        keyId,
        mainAncestor,
        values);
  }

  /**
   * Rebuilds Iceberg's snapshot through its own JSON form, the one every metadata file holds, so
   * the rebuilt snapshot reads exactly as the original did.
   */
  Snapshot toIceberg() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode node = f.objectNode();
    node.put("sequence-number", sequenceNumber);
    node.put("snapshot-id", snapshotId);
    if (parentId != null) {
      node.put("parent-snapshot-id", parentId);
    }
    node.put("timestamp-ms", timestampMillis);
    if (operation != null) {
      ObjectNode s = node.putObject("summary");
      s.put("operation", operation);
      summary.forEach(
          (k, v) -> {
            if (!"operation".equals(k)) {
              s.put(k, v);
            }
          });
    }
    node.put("manifest-list", manifestList);
    if (schemaId != null) {
      node.put("schema-id", schemaId);
    }
    if (firstRowId != null) {
      node.put("first-row-id", firstRowId);
    }
    if (addedRows != null) {
      node.put("added-rows", addedRows);
    }
    if (keyId != null) {
      node.put("key-id", keyId);
    }
    return SnapshotParser.fromJson(node.toString());
  }

  SnapshotInfo info() {
    return SnapshotInfo.of(snapshotId, parentId, timestampMillis, operation, summary);
  }
}
