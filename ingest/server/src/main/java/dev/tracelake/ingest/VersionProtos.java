package dev.tracelake.ingest;

import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.RefInfo;
import dev.tracelake.lake.SnapshotInfo;
import dev.tracelake.proto.v1.Ref;
import dev.tracelake.proto.v1.Snapshot;

/** Turns snapshots and refs into the protos of TableService; nothing else. */
final class VersionProtos {
  private VersionProtos() {}

  static Snapshot toProto(SnapshotInfo s) {
    Snapshot.Builder b =
        Snapshot.newBuilder()
            .setSnapshotId(s.snapshotId())
            .setCommittedAtEpochMillis(s.committedAt().toEpochMilli())
            .setOperation(s.operation() == null ? "" : s.operation())
            .setAddedRows(s.addedRows())
            .setTotalRows(s.totalRows())
            .setProvenance(toProto(s.provenance()))
            .putAllSummary(s.summary());
    if (s.parentId() != null) {
      b.setParentId(s.parentId());
    }
    return b.build();
  }

  static dev.tracelake.proto.v1.Provenance toProto(Provenance p) {
    dev.tracelake.proto.v1.Provenance.Builder b = dev.tracelake.proto.v1.Provenance.newBuilder();
    if (p.codeCommit() != null) {
      b.setCodeCommit(p.codeCommit());
    }
    if (p.modelName() != null) {
      b.setModelName(p.modelName());
    }
    if (p.modelVersion() != null) {
      b.setModelVersion(p.modelVersion());
    }
    if (p.runId() != null) {
      b.setRunId(p.runId());
    }
    if (p.producer() != null) {
      b.setProducer(p.producer());
    }
    return b.build();
  }

  static Ref toProto(RefInfo r) {
    return Ref.newBuilder()
        .setName(r.name())
        .setType(r.type() == RefInfo.Type.BRANCH ? Ref.Type.TYPE_BRANCH : Ref.Type.TYPE_TAG)
        .setSnapshotId(r.snapshotId())
        .build();
  }
}
