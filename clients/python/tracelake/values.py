"""Values the client hands out and takes: plain, immutable named tuples."""

import collections

Provenance = collections.namedtuple(
    "Provenance", ["code_commit", "model_name", "model_version", "run_id", "producer"],
    defaults=(None, None, None, None, None))
Provenance.__doc__ = """Who produces a writer's records; stored with every snapshot and record.

    code_commit: commit of the producing code, e.g. a git SHA
    model_name, model_version: the producing model, e.g. "fraud", "v3"
    run_id: the run (one execution of a job or serving process)
    producer: the service or tool writing, e.g. "scoring-service"
"""

RecordRef = collections.namedtuple("RecordRef", ["table", "record_id", "snapshot_id"],
                                   defaults=(None,))
RecordRef.__doc__ = """One input record of a row's lineage, as it was read (a row's "_lineage")."""

Ack = collections.namedtuple(
    "Ack", ["offset", "snapshot_id", "record_ids", "row_count", "already_committed"])
Ack.__doc__ = """The acknowledgement of one append: sent once its rows are in a committed snapshot.

    offset: the append's offset for its writer
    snapshot_id: the snapshot holding the rows
    record_ids: the rows' record ids, in row order
    row_count: rows committed
    already_committed: the offset had been committed before (a resend): nothing was written again
"""

Ref = collections.namedtuple("Ref", ["name", "type", "snapshot_id"])
Ref.__doc__ = """A branch or tag: type is "branch" or "tag"."""

Snapshot = collections.namedtuple(
    "Snapshot", ["snapshot_id", "parent_id", "committed_at", "operation", "added_rows",
                 "total_rows", "provenance", "summary"])
Snapshot.__doc__ = """One snapshot of a table; committed_at is a UTC datetime, parent_id None for
the first snapshot, provenance a Provenance."""


def provenance_to_proto(p, pb):
    out = pb.Provenance()
    if p is None:
        return out
    for field in Provenance._fields:
        value = getattr(p, field)
        if value is not None:
            setattr(out, field, value)
    return out


def provenance_from_proto(p):
    return Provenance(*[getattr(p, f) or None for f in Provenance._fields])


def ref_from_proto(r, common_pb2):
    kind = "tag" if r.type == common_pb2.Ref.TYPE_TAG else "branch"
    return Ref(r.name, kind, r.snapshot_id)


def snapshot_from_proto(s):
    import datetime
    return Snapshot(
        s.snapshot_id,
        s.parent_id if s.HasField("parent_id") else None,
        datetime.datetime.fromtimestamp(s.committed_at_epoch_millis / 1000, datetime.timezone.utc),
        s.operation,
        s.added_rows,
        s.total_rows,
        provenance_from_proto(s.provenance),
        dict(s.summary),
    )
