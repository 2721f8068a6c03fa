"""Access control seen from Python's gRPC stack (Debian's python3-grpcio), not Tracelake's client.

Usage: auth_client.py <stubs dir> <host:port> <tokens.json>

tokens.json maps principal names to bearer tokens. Each case prints one JSON line with the status
code and message (or the answer); the JUnit test asserts on them.
"""

import json
import sys

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
from tracelake.v1 import auth_pb2, auth_pb2_grpc  # noqa: E402
from tracelake.v1 import ingest_pb2, ingest_pb2_grpc, query_pb2, query_pb2_grpc  # noqa: E402

TARGET = sys.argv[2]
with open(sys.argv[3], encoding="utf-8") as f:
    TOKENS = json.load(f)
channel = grpc.insecure_channel(TARGET)
ingest = ingest_pb2_grpc.IngestServiceStub(channel)
query = query_pb2_grpc.QueryServiceStub(channel)
auth = auth_pb2_grpc.AuthServiceStub(channel)


def bearer(token):
    return [("authorization", "Bearer " + token)] if token is not None else []


def report(name, call):
    line = {"case": name}
    try:
        line["answer"] = call()
        line["code"] = "OK"
    except grpc.RpcError as e:
        line["code"] = e.code().name
        line["message"] = e.details() or ""
    print(json.dumps(line), flush=True)


def tables(token):
    return list(ingest.ListTables(ingest_pb2.ListTablesRequest(), metadata=bearer(token), timeout=60).tables)


def sql(token, text):
    rows = 0
    for r in query.Execute(query_pb2.ExecuteRequest(sql=text), metadata=bearer(token), timeout=120):
        if r.HasField("summary"):
            rows = r.summary.row_count
    return rows


report("no token", lambda: tables(None))
report("made-up token", lambda: tables("tlk_" + "A" * 43))
report("lowercase scheme", lambda: ingest.ListTables(
    ingest_pb2.ListTablesRequest(),
    metadata=[("authorization", "bearer " + TOKENS["reader"])], timeout=60).tables[:] and "ok")
report("reader lists", lambda: sorted(tables(TOKENS["reader"])))
report("reader counts features", lambda: sql(TOKENS["reader"], "SELECT * FROM fraud.features"))
report("reader joins salaries", lambda: sql(
    TOKENS["reader"], "SELECT * FROM fraud.features JOIN secret.salaries ON true"))
report("mixed joins salaries", lambda: sql(
    TOKENS["mixed"], "SELECT * FROM fraud.features JOIN secret.salaries ON true"))
report("writer creates in secret", lambda: ingest.CreateTable(
    ingest_pb2.CreateTableRequest(
        table="secret.planted",
        columns=ingest_pb2.ColumnList(columns=[ingest_pb2.ColumnSpec(name="x", type="long")])),
    metadata=bearer(TOKENS["writer"]), timeout=60).table.name)
issued = {}


def create_token():
    r = auth.CreateToken(auth_pb2.CreateTokenRequest(principal="py-service", kind="service"),
                         metadata=bearer(TOKENS["admin"]), timeout=60)
    issued["token"] = r.token
    issued["id"] = r.info.id
    return r.info.principal


report("admin issues a token", create_token)
report("the new token works", lambda: auth.WhoAmI(
    auth_pb2.WhoAmIRequest(), metadata=bearer(issued["token"]), timeout=60).principal)
report("the new token may not issue", lambda: auth.CreateToken(
    auth_pb2.CreateTokenRequest(principal="escalate"),
    metadata=bearer(issued["token"]), timeout=60).info.id)
report("admin revokes it", lambda: auth.RevokeToken(
    auth_pb2.RevokeTokenRequest(id=issued["id"]), metadata=bearer(TOKENS["admin"]),
    timeout=60).info.revoked_epoch_millis > 0)
report("the revoked token fails", lambda: auth.WhoAmI(
    auth_pb2.WhoAmIRequest(), metadata=bearer(issued["token"]), timeout=60).principal)
