package dev.tracelake.ingest;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.tracelake.lake.ColumnInfo;
import dev.tracelake.lake.Provenance;
import dev.tracelake.lake.RecordIdList;
import dev.tracelake.lake.RefInfo;
import dev.tracelake.lake.TableDescription;
import dev.tracelake.proto.v1.AppendRowsResponse;
import dev.tracelake.proto.v1.Column;
import dev.tracelake.proto.v1.Ref;
import dev.tracelake.proto.v1.TableInfo;
import dev.tracelake.wire.ArrowIpc;

/** Turns domain values into protos and back; nothing else. */
final class ProtoMapping {
  private ProtoMapping() {}

  static TableInfo toProto(TableDescription d) {
    TableInfo.Builder b =
        TableInfo.newBuilder()
            .setTable(d.name().toString())
            .setSnapshotCount(d.snapshotCount())
            .setLocation(d.location())
            .setArrowSchema(ByteString.copyFrom(ArrowIpc.schemaBytes(d.arrowSchema())));
    d.currentSnapshot().ifPresent(s -> b.setCurrentSnapshotId(s.snapshotId()));
    for (ColumnInfo c : d.columns()) {
      Column.Builder col =
          Column.newBuilder()
              .setFieldId(c.fieldId())
              .setName(c.name())
              .setType(c.type())
              .setRequired(c.required())
              .setMetadata(c.metadata());
      if (c.doc() != null) {
        col.setDoc(c.doc());
      }
      b.addColumns(col);
    }
    for (RefInfo r : d.refs()) {
      b.addRefs(
          Ref.newBuilder()
              .setName(r.name())
              .setType(r.type() == RefInfo.Type.BRANCH ? Ref.Type.TYPE_BRANCH : Ref.Type.TYPE_TAG)
              .setSnapshotId(r.snapshotId()));
    }
    return b.build();
  }

  static Provenance fromProto(dev.tracelake.proto.v1.Provenance p) {
    return new Provenance(
        p.getCodeCommit(), p.getModelName(), p.getModelVersion(), p.getRunId(), p.getProducer());
  }

  static AppendRowsResponse toProto(Ack ack) {
    AppendRowsResponse.Builder b = AppendRowsResponse.newBuilder();
    if (ack.recordIds() instanceof RecordIdList ids) {
      // the ids' bytes as written to the data file, wrapped, not copied: no String per id, and
      // nothing to encode when the response is written (the bytes never change)
      ids.forEachUtf8(
          (bytes, offset, length) ->
              b.addRecordIdsBytes(UnsafeByteOperations.unsafeWrap(bytes, offset, length)));
    } else {
      b.addAllRecordIds(ack.recordIds());
    }
    return b.setOffset(ack.offset())
        .setSnapshotId(ack.snapshotId())
        .setRowCount(ack.rows())
        .setAlreadyCommitted(ack.alreadyCommitted())
        .setRecordIdsOmitted(ack.recordIdsOmitted())
        .setTable(ack.table().toString())
        .setBranch(ack.branch())
        .build();
  }
}
