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
}
