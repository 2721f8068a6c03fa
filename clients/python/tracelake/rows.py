"""Turns rows into AppendRows payloads: dicts as JSON rows, pyarrow tables as Arrow IPC."""

import base64
import datetime
import decimal
import json

from .record_ids import next_ids
from .values import RecordRef


def _json_value(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            return value.isoformat()
        return value.astimezone(datetime.timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, RecordRef):
        ref = {"table": value.table, "record_id": value.record_id}
        if value.snapshot_id is not None:
            ref["snapshot_id"] = value.snapshot_id
        return ref
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return value.item()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError("cannot write a %s as a column value: %r" % (type(value).__name__, value))


def _plain(value):
    """RecordRef (a tuple, which JSON would write as an array) as an object, at any depth."""
    if isinstance(value, RecordRef):
        return _json_value(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def json_rows(rows):
    """Returns (JSON texts, record ids) for a list of dicts; rows without a "_record_id" get one."""
    if isinstance(rows, dict):
        raise TypeError("append takes a list of rows (dicts), got one dict")
    texts = []
    ids = []
    missing = [i for i, r in enumerate(rows) if r.get("_record_id") is None]
    fresh = iter(next_ids(len(missing)))
    missing = set(missing)
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise TypeError("row %d is a %s, not a dict" % (i, type(row).__name__))
        if i in missing:
            row = dict(row)
            row["_record_id"] = next(fresh)
        if "_lineage" in row:
            row = dict(row)
            row["_lineage"] = _plain(row["_lineage"])
        elif not isinstance(row["_record_id"], str):
            raise TypeError("row %d: _record_id must be a string, got %r" % (i, row["_record_id"]))
        ids.append(row["_record_id"])
        try:
            texts.append(json.dumps(row, default=_json_value, allow_nan=False, ensure_ascii=False))
        except ValueError as e:  # NaN or infinity: JSON has no such number
            raise ValueError("row %d cannot be written as JSON: %s" % (i, e)) from None
    return texts, ids


def arrow_rows(data):
    """Returns (Arrow IPC stream bytes, record ids) for a pyarrow Table or RecordBatch.

    Dictionary-encoded columns (pandas categoricals, pyarrow's dictionary arrays) are decoded to
    their value type first, and a "_record_id" column is added (or its nulls filled) so resends
    keep the same ids.
    """
    import pyarrow as pa  # only on this path: pyarrow is optional

    table = pa.Table.from_batches([data]) if isinstance(data, pa.RecordBatch) else data
    columns = []
    for field, column in zip(table.schema, table.columns):
        if pa.types.is_dictionary(field.type):
            column = column.cast(field.type.value_type)
            field = pa.field(field.name, field.type.value_type, field.nullable)
        columns.append((field, column))
    names = [f.name for f, _ in columns]
    given = None
    if "_record_id" in names:
        given = columns[names.index("_record_id")][1].to_pylist()
    n = table.num_rows
    fresh = iter(next_ids(sum(1 for v in (given or [None] * n) if v is None)))
    ids = [v if v is not None else next(fresh) for v in (given or [None] * n)]
    id_column = pa.chunked_array([pa.array(ids, type=pa.string())])
    if given is None:
        columns.append((pa.field("_record_id", pa.string()), id_column))
    else:
        columns[names.index("_record_id")] = (pa.field("_record_id", pa.string()), id_column)
    out = pa.Table.from_arrays([c for _, c in columns], schema=pa.schema([f for f, _ in columns]))
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, out.schema) as writer:
        writer.write_table(out)
    return sink.getvalue().to_pybytes(), ids


def is_arrow(data):
    """Returns whether ``data`` is a pyarrow Table or RecordBatch (without importing pyarrow)."""
    module = type(data).__module__ or ""
    return module.startswith("pyarrow") and type(data).__name__ in ("Table", "RecordBatch")
