package dev.tracelake.client;

import dev.tracelake.proto.v1.Column;
import dev.tracelake.wire.ArrowIpc;
import java.util.OptionalLong;

/** Turns the client's values into protos and back; nothing else. */
final class ProtoValues {
  private ProtoValues() {}

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

  static TableInfo fromProto(dev.tracelake.proto.v1.TableInfo t) {
    return new TableInfo(
        t.getTable(),
        t.getColumnsList().stream().map(ProtoValues::fromProto).toList(),
        t.hasCurrentSnapshotId() ? OptionalLong.of(t.getCurrentSnapshotId()) : OptionalLong.empty(),
        t.getSnapshotCount(),
        t.getLocation(),
        ArrowIpc.schema(t.getArrowSchema().toByteArray()));
  }

  private static TableInfo.Column fromProto(Column c) {
    return new TableInfo.Column(
        c.getFieldId(), c.getName(), c.getType(), c.getRequired(), c.getMetadata(), c.getDoc());
  }

  static Ref fromProto(dev.tracelake.proto.v1.Ref r) {
    return new Ref(
        r.getName(),
        r.getType() == dev.tracelake.proto.v1.Ref.Type.TYPE_TAG ? Ref.Type.TAG : Ref.Type.BRANCH,
        r.getSnapshotId());
  }

  static Snapshot fromProto(dev.tracelake.proto.v1.Snapshot s) {
    dev.tracelake.proto.v1.Provenance p = s.getProvenance();
    return new Snapshot(
        s.getSnapshotId(),
        s.hasParentId() ? OptionalLong.of(s.getParentId()) : OptionalLong.empty(),
        java.time.Instant.ofEpochMilli(s.getCommittedAtEpochMillis()),
        s.getOperation(),
        s.getAddedRows(),
        s.getTotalRows(),
        new Provenance(
            emptyToNull(p.getCodeCommit()),
            emptyToNull(p.getModelName()),
            emptyToNull(p.getModelVersion()),
            emptyToNull(p.getRunId()),
            emptyToNull(p.getProducer())),
        s.getSummaryMap());
  }

  private static String emptyToNull(String value) {
    return value.isEmpty() ? null : value;
  }
}
