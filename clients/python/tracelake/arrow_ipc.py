"""A small reader of Arrow IPC messages in plain Python, for SQL results without pyarrow.

The server sends a result as one Arrow IPC schema message, then record batch messages (uncompressed,
without dictionaries). This module reads them into Python values: enough for rows and a pandas
DataFrame. With pyarrow installed, ``Rows.to_arrow()`` uses pyarrow instead.
"""

import datetime
import decimal
import struct

__all__ = ["Column", "read_schema", "read_batch"]

_EPOCH = datetime.datetime(1970, 1, 1)
_EPOCH_UTC = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
_EPOCH_DATE = datetime.date(1970, 1, 1)
_CONTINUATION = b"\xff\xff\xff\xff"

# MessageHeader union
_SCHEMA = 1
_DICTIONARY_BATCH = 2
_RECORD_BATCH = 3

# Type union
_TYPES = {
    1: "null", 2: "int", 3: "float", 4: "binary", 5: "utf8", 6: "bool", 7: "decimal",
    8: "date", 9: "time", 10: "timestamp", 11: "interval", 12: "list", 13: "struct",
    14: "union", 15: "fixed_size_binary", 16: "fixed_size_list", 17: "map", 18: "duration",
    19: "large_binary", 20: "large_utf8", 21: "large_list",
}
_UNIT_DIVISOR = {0: 1, 1: 1_000, 2: 1_000_000, 3: 1_000_000_000}


class ArrowFormatError(ValueError):
    """The bytes are not an Arrow IPC message this reader understands."""


class _Table:
    """One flatbuffer table: fields are read by their index in the schema."""

    __slots__ = ("buf", "pos", "vtable", "vsize")

    def __init__(self, buf, pos):
        self.buf = buf
        self.pos = pos
        self.vtable = pos - struct.unpack_from("<i", buf, pos)[0]
        self.vsize = struct.unpack_from("<H", buf, self.vtable)[0]

    def _offset(self, field):
        entry = 4 + 2 * field
        if entry >= self.vsize:
            return 0
        return struct.unpack_from("<H", self.buf, self.vtable + entry)[0]

    def scalar(self, field, fmt, default):
        o = self._offset(field)
        return default if o == 0 else struct.unpack_from(fmt, self.buf, self.pos + o)[0]

    def _target(self, field):
        o = self._offset(field)
        if o == 0:
            return None
        at = self.pos + o
        return at + struct.unpack_from("<I", self.buf, at)[0]

    def table(self, field):
        at = self._target(field)
        return None if at is None else _Table(self.buf, at)

    def string(self, field):
        at = self._target(field)
        if at is None:
            return None
        n = struct.unpack_from("<I", self.buf, at)[0]
        return bytes(self.buf[at + 4:at + 4 + n]).decode("utf-8")

    def tables(self, field):
        at = self._target(field)
        if at is None:
            return []
        n = struct.unpack_from("<I", self.buf, at)[0]
        out = []
        for i in range(n):
            elem = at + 4 + 4 * i
            out.append(_Table(self.buf, elem + struct.unpack_from("<I", self.buf, elem)[0]))
        return out

    def structs(self, field, fmt):
        at = self._target(field)
        if at is None:
            return []
        n = struct.unpack_from("<I", self.buf, at)[0]
        size = struct.calcsize(fmt)
        return [struct.unpack_from(fmt, self.buf, at + 4 + size * i) for i in range(n)]


class Column:
    """One field of a schema: its name, Arrow type, nullability and children."""

    __slots__ = ("name", "type", "nullable", "children", "params")

    def __init__(self, name, type_name, nullable, children, params):
        self.name = name
        self.type = type_name
        self.nullable = nullable
        self.children = children
        self.params = params

    def __repr__(self):
        return "Column(%r, %s%s)" % (self.name, self.type, self.params or "")


def _message(data):
    """Returns (header type, header table, body) of one message: either encapsulated (continuation
    marker, metadata length, metadata, body) or a bare flatbuffer Message (a serialized schema)."""
    buf = memoryview(data)
    if bytes(buf[0:4]) == _CONTINUATION:
        if len(buf) < 8:
            raise ArrowFormatError("an Arrow IPC message ends inside its length prefix")
        length = struct.unpack_from("<i", buf, 4)[0]
        if length < 0 or length > len(buf) - 8:
            raise ArrowFormatError("an Arrow IPC message declares %d bytes of metadata, but %d remain"
                                   % (length, len(buf) - 8))
        meta = buf[8:8 + length]
        body = buf[8 + length:]
    else:
        meta = buf
        body = buf[0:0]
    if len(meta) < 8:
        raise ArrowFormatError("an Arrow IPC message needs at least 8 bytes, got %d" % len(meta))
    try:
        root = _Table(meta, struct.unpack_from("<I", meta, 0)[0])
        header_type = root.scalar(1, "<B", 0)
        header = root.table(2)
    except struct.error as e:
        raise ArrowFormatError("malformed Arrow IPC message: %s" % e) from None
    return header_type, header, body


def _field(t):
    name = t.string(0) or ""
    nullable = bool(t.scalar(1, "<B", 0))
    type_id = t.scalar(2, "<B", 0)
    type_table = t.table(3)
    if t.table(4) is not None:
        raise ArrowFormatError("column %r is dictionary-encoded, which this reader does not read"
                               " (install pyarrow)" % name)
    kind = _TYPES.get(type_id)
    if kind is None or kind == "union":
        raise ArrowFormatError("column %r has an Arrow type (%d) this reader does not read"
                               % (name, type_id))
    params = {}
    if kind == "int":
        params = {"bits": type_table.scalar(0, "<i", 0), "signed": bool(type_table.scalar(1, "<B", 0))}
    elif kind == "float":
        params = {"precision": type_table.scalar(0, "<h", 0)}
    elif kind == "decimal":
        params = {"precision": type_table.scalar(0, "<i", 0), "scale": type_table.scalar(1, "<i", 0),
                  "bits": type_table.scalar(2, "<i", 128)}
    elif kind == "date":
        params = {"unit": type_table.scalar(0, "<h", 1)}
    elif kind == "time":
        params = {"unit": type_table.scalar(0, "<h", 1), "bits": type_table.scalar(1, "<i", 32)}
    elif kind == "timestamp":
        params = {"unit": type_table.scalar(0, "<h", 0), "tz": type_table.string(1)}
    elif kind == "duration":
        params = {"unit": type_table.scalar(0, "<h", 1)}
    elif kind == "interval":
        params = {"unit": type_table.scalar(0, "<h", 0)}
    elif kind == "fixed_size_binary":
        params = {"width": type_table.scalar(0, "<i", 0)}
    elif kind == "fixed_size_list":
        params = {"size": type_table.scalar(0, "<i", 0)}
    children = [_field(c) for c in t.tables(5)]
    return Column(name, kind, nullable, children, params)


def read_schema(data):
    """Reads a serialized Arrow schema message into a list of Columns."""
    header_type, header, _ = _message(data)
    if header_type != _SCHEMA or header is None:
        raise ArrowFormatError("expected an Arrow schema message, got message type %d" % header_type)
    return [_field(f) for f in header.tables(1)]


class _Body:
    __slots__ = ("body", "nodes", "buffers", "node", "buffer")

    def __init__(self, body, nodes, buffers):
        self.body = body
        self.nodes = nodes
        self.buffers = buffers
        self.node = 0
        self.buffer = 0

    def next_node(self):
        n = self.nodes[self.node]
        self.node += 1
        return n

    def next_buffer(self):
        offset, length = self.buffers[self.buffer]
        self.buffer += 1
        if offset < 0 or length < 0 or offset + length > len(self.body):
            raise ArrowFormatError("a buffer (%d bytes at %d) lies outside the batch body of %d bytes"
                                   % (length, offset, len(self.body)))
        return self.body[offset:offset + length]


def read_batch(data, columns):
    """Reads a record batch message into a list of rows (dicts), with the schema's Columns."""
    header_type, header, body = _message(data)
    if header_type == _DICTIONARY_BATCH:
        raise ArrowFormatError("dictionary batches are not read here (install pyarrow)")
    if header_type != _RECORD_BATCH or header is None:
        raise ArrowFormatError("expected an Arrow record batch message, got message type %d"
                               % header_type)
    if header.table(3) is not None:
        raise ArrowFormatError("compressed record batches are not read here (install pyarrow)")
    length = header.scalar(0, "<q", 0)
    reader = _Body(body, header.structs(1, "<qq"), header.structs(2, "<qq"))
    values = [_column(reader, c) for c in columns]
    names = [c.name for c in columns]
    return [dict(zip(names, row)) for row in zip(*values)] if columns else [{}] * length


def _validity(buf, count, null_count):
    if null_count == 0 or len(buf) == 0:
        return None
    return [bool(buf[i >> 3] >> (i & 7) & 1) for i in range(count)]


def _offsets(buf, count, fmt):
    return struct.unpack_from("<%d%s" % (count + 1, fmt), buf, 0) if count else (0,)


def _column(reader, col):
    count, null_count = reader.next_node()
    kind = col.type
    if kind == "null":
        return [None] * count
    valid = _validity(reader.next_buffer(), count, null_count)
    if kind in ("list", "large_list", "map"):
        offsets = _offsets(reader.next_buffer(), count, "q" if kind == "large_list" else "i")
        child = _column(reader, col.children[0])
        values = []
        for i in range(count):
            items = child[offsets[i]:offsets[i + 1]]
            if kind == "map":
                entries = [(e[col.children[0].children[0].name], e[col.children[0].children[1].name])
                           for e in items]
                try:
                    items = dict(entries)
                except TypeError:  # keys that cannot be dict keys stay pairs
                    items = entries
            values.append(items)
    elif kind == "fixed_size_list":
        size = col.params["size"]
        child = _column(reader, col.children[0])
        values = [child[i * size:(i + 1) * size] for i in range(count)]
    elif kind == "struct":
        children = [_column(reader, c) for c in col.children]
        names = [c.name for c in col.children]
        values = [dict(zip(names, row)) for row in zip(*children)] if children else [{}] * count
    elif kind in ("utf8", "binary", "large_utf8", "large_binary"):
        offsets = _offsets(reader.next_buffer(), count, "q" if kind.startswith("large") else "i")
        data = reader.next_buffer()
        text = kind.endswith("utf8")
        values = []
        for i in range(count):
            raw = bytes(data[offsets[i]:offsets[i + 1]])
            values.append(raw.decode("utf-8") if text else raw)
    else:
        values = _fixed(col, reader.next_buffer(), count)
    if valid is not None:
        values = [v if ok else None for v, ok in zip(values, valid)]
    return values


def _fixed(col, data, count):
    kind, p = col.type, col.params
    if kind == "bool":
        return [bool(data[i >> 3] >> (i & 7) & 1) for i in range(count)]
    if kind == "int":
        fmt = {8: "b", 16: "h", 32: "i", 64: "q"}[p["bits"]]
        return list(struct.unpack_from("<%d%s" % (count, fmt if p["signed"] else fmt.upper()), data, 0))
    if kind == "float":
        fmt = {0: "e", 1: "f", 2: "d"}[p["precision"]]
        return list(struct.unpack_from("<%d%s" % (count, fmt), data, 0))
    if kind == "decimal":
        width = p["bits"] // 8
        scale = p["scale"]
        out = []
        for i in range(count):
            unscaled = int.from_bytes(data[i * width:(i + 1) * width], "little", signed=True)
            out.append(decimal.Decimal(unscaled).scaleb(-scale))
        return out
    if kind == "date":
        if p["unit"] == 0:
            days = struct.unpack_from("<%di" % count, data, 0)
            return [_EPOCH_DATE + datetime.timedelta(days=d) for d in days]
        millis = struct.unpack_from("<%dq" % count, data, 0)
        return [_EPOCH_DATE + datetime.timedelta(milliseconds=m) for m in millis]
    if kind == "time":
        raw = struct.unpack_from("<%d%s" % (count, "i" if p["bits"] == 32 else "q"), data, 0)
        per_second = _UNIT_DIVISOR[p["unit"]]
        return [(datetime.datetime.min + datetime.timedelta(
            microseconds=v * 1_000_000 // per_second)).time() for v in raw]
    if kind == "timestamp":
        raw = struct.unpack_from("<%dq" % count, data, 0)
        per_second = _UNIT_DIVISOR[p["unit"]]
        epoch = _EPOCH_UTC if p["tz"] else _EPOCH
        return [epoch + datetime.timedelta(microseconds=v * 1_000_000 // per_second) for v in raw]
    if kind == "duration":
        raw = struct.unpack_from("<%dq" % count, data, 0)
        per_second = _UNIT_DIVISOR[p["unit"]]
        return [datetime.timedelta(microseconds=v * 1_000_000 // per_second) for v in raw]
    if kind == "fixed_size_binary":
        width = p["width"]
        return [bytes(data[i * width:(i + 1) * width]) for i in range(count)]
    if kind == "interval":
        width = len(data) // count if count else 0
        return [bytes(data[i * width:(i + 1) * width]) for i in range(count)]
    raise ArrowFormatError("column %r: type %s is not read here" % (col.name, kind))
