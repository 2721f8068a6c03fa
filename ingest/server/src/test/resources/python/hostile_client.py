"""Hostile requests to a Tracelake server from Python's gRPC stack (Debian's python3-grpcio).

Usage: hostile_client.py <stubs dir> <host:port>

The stubs dir holds the Python modules protoc generated at test time from tracelake/v1/*.proto
and google/rpc/{status,error_details}.proto. Each case prints one JSON line: the case name, the
status code, the message length, the ErrorInfo reason and field, and whether a BadRequest came
along; the JUnit test asserts on them. Every request loop here is bounded.
"""

import json
import struct
import sys

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
from google.rpc import error_details_pb2, status_pb2  # noqa: E402
from tracelake.v1 import common_pb2, ingest_pb2, ingest_pb2_grpc  # noqa: E402

TARGET = sys.argv[2]
channel = grpc.insecure_channel(TARGET)
stub = ingest_pb2_grpc.IngestServiceStub(channel)
PROV = common_pb2.Provenance(code_commit="abc", run_id="py-run", producer="python")


def details(error):
    """The google.rpc.Status of a failed call, from its grpc-status-details-bin trailer."""
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status = status_pb2.Status()
            status.ParseFromString(value)
            return status
    return None


def report(name, error):
    line = {"case": name}
    if error is None:
        line["code"] = "OK"
        print(json.dumps(line), flush=True)
        return
    line["code"] = error.code().name
    message = error.details() or ""
    line["message_length"] = len(message)
    line["message"] = message[:300]
    status = details(error)
    if status is not None:
        for any_detail in status.details:
            if any_detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                info = error_details_pb2.ErrorInfo()
                any_detail.Unpack(info)
                line["reason"] = info.reason
                line["domain"] = info.domain
                line["field"] = info.metadata.get("field", "")
            if any_detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                line["bad_request"] = True
    print(json.dumps(line), flush=True)


def unary(name, call):
    try:
        call()
        report(name, None)
    except grpc.RpcError as e:
        report(name, e)


def append(name, requests):
    try:
        for _ in stub.AppendRows(iter(requests), timeout=60):
            pass
        report(name, None)
    except grpc.RpcError as e:
        report(name, e)


def rows(writer, offset, json_rows, **fields):
    request = ingest_pb2.AppendRowsRequest(
        table="events", writer_id=writer, offset=offset, provenance=PROV,
        json_rows=ingest_pb2.JsonRows(rows=json_rows))
    for key, value in fields.items():
        setattr(request, key, value)
    return request


def columns(*specs):
    return ingest_pb2.ColumnList(columns=[ingest_pb2.ColumnSpec(name=n, type=t) for n, t in specs])


BOMB = struct.pack("<iiqq", -1, 0x7FFFFFF0, 0x1122334455667788, 0x1122334455667788)
GOOD = ['{"event_id": 1}']

unary("huge table name", lambda: stub.CreateTable(
    ingest_pb2.CreateTableRequest(table="t" * 40000, columns=columns(("a", "long")))))
unary("NUL in a column name", lambda: stub.CreateTable(
    ingest_pb2.CreateTableRequest(table="py_bad", columns=columns(("a\x00", "long")))))
unary("decimal(10,20)", lambda: stub.CreateTable(
    ingest_pb2.CreateTableRequest(table="py_bad", columns=columns(("d", "decimal(10,20)")))))
unary("duplicate columns", lambda: stub.CreateTable(
    ingest_pb2.CreateTableRequest(table="py_bad", columns=columns(("a", "long"), ("A", "long")))))
unary("24-byte schema bomb", lambda: stub.CreateTable(
    ingest_pb2.CreateTableRequest(table="py_bad", arrow_schema=BOMB)))
unary("missing branch offset", lambda: stub.GetWriterOffset(
    ingest_pb2.GetWriterOffsetRequest(table="events", writer_id="w", branch="nope")))
unary("case variant table", lambda: stub.CreateTable(
    ingest_pb2.CreateTableRequest(table="Events", columns=columns(("a", "long")))))

prov_nul = common_pb2.Provenance(run_id="run\x007")
append("NUL in run_id", [ingest_pb2.AppendRowsRequest(
    table="events", writer_id="py-1", offset=0, provenance=prov_nul,
    json_rows=ingest_pb2.JsonRows(rows=GOOD))])
append("huge writer id", [rows("w" * 40000, 0, GOOD)])
append("offset gap", [rows("py-2", 7, GOOD)])
append("rows bomb", [ingest_pb2.AppendRowsRequest(
    table="events", writer_id="py-3", offset=0, provenance=PROV,
    arrow_rows=ingest_pb2.ArrowRows(ipc_stream=BOMB))])
append("decimal bomb", [ingest_pb2.AppendRowsRequest(
    table="typed", writer_id="py-4", offset=0, provenance=PROV,
    json_rows=ingest_pb2.JsonRows(rows=['{"amount": "1e10000000"}']))])
append("JSON nested 10000 deep", [rows("py-5", 0, ['{"event_id": ' + "[" * 10000 + "]" * 10000 + "}"])])
append("float overflow", [ingest_pb2.AppendRowsRequest(
    table="typed", writer_id="py-6", offset=0, provenance=PROV,
    json_rows=ingest_pb2.JsonRows(rows=['{"ratio": 1e300}']))])
append("date out of range", [ingest_pb2.AppendRowsRequest(
    table="typed", writer_id="py-7", offset=0, provenance=PROV,
    json_rows=ingest_pb2.JsonRows(rows=['{"day": "+466210-01-01"}']))])
append("lineage blank table", [rows("py-8", 0, ['{"event_id": 1, "_lineage": [{"table": " ", "record_id": "r"}]}'])])
append("lineage unknown table", [rows("py-9", 0, ['{"event_id": 1, "_lineage": [{"table": "nope", "record_id": "r"}]}'])])
append("zero rows", [rows("py-10", 0, [])])
append("no rows at all", [ingest_pb2.AppendRowsRequest(table="events", writer_id="py-11", offset=0)])
append("int64 as string", [rows("py-12", 0, ['{"event_id": "9007199254740993"}'])])
