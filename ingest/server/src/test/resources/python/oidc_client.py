"""OIDC tokens minted by a JOSE library we did not write (Debian's python3-jwt with
python3-cryptography), sent with Python's gRPC stack (python3-grpcio).

Usage: oidc_client.py <stubs dir> <host:port> <issuer.json>

issuer.json holds the issuer, the audience and the issuer's keys as PEM (the test made them). Each
case prints one JSON line with the status code and message (or the answer); the JUnit test asserts
on them.
"""

import base64
import hashlib
import hmac
import json
import sys
import time

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
import jwt  # noqa: E402
from tracelake.v1 import auth_pb2, auth_pb2_grpc  # noqa: E402
from tracelake.v1 import ingest_pb2, ingest_pb2_grpc  # noqa: E402

TARGET = sys.argv[2]
with open(sys.argv[3], encoding="utf-8") as f:
    ISSUER = json.load(f)
channel = grpc.insecure_channel(TARGET)
ingest = ingest_pb2_grpc.IngestServiceStub(channel)
auth = auth_pb2_grpc.AuthServiceStub(channel)


def claims(sub, **extra):
    now = int(time.time())
    c = {"iss": ISSUER["issuer"], "aud": ISSUER["audience"], "sub": sub, "iat": now, "exp": now + 600}
    c.update(extra)
    return c


def rs256(payload):
    return jwt.encode(payload, ISSUER["rsa_private_pem"], algorithm="RS256", headers={"kid": "rsa-1"})


def es256(payload):
    return jwt.encode(payload, ISSUER["ec_private_pem"], algorithm="ES256", headers={"kid": "ec-1"})


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def forged_hs256(payload):
    # algorithm confusion: HMAC keyed with the issuer's PUBLIC key, which anyone can fetch
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}).encode())
    body = b64(json.dumps(payload).encode())
    mac = hmac.new(ISSUER["rsa_public_pem"].encode(), (head + "." + body).encode(), hashlib.sha256)
    return head + "." + body + "." + b64(mac.digest())


def unsigned(payload):
    head = b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return head + "." + b64(json.dumps(payload).encode()) + "."


def bearer(token):
    return [("authorization", "Bearer " + token)]


def report(name, call):
    line = {"case": name}
    try:
        line["answer"] = call()
        line["code"] = "OK"
    except grpc.RpcError as e:
        line["code"] = e.code().name
        line["message"] = e.details() or ""
    print(json.dumps(line), flush=True)


def whoami(token):
    r = auth.WhoAmI(auth_pb2.WhoAmIRequest(), metadata=bearer(token), timeout=60)
    return {"principal": r.principal, "roles": sorted(r.roles), "superuser": r.superuser}


def tables(token):
    return sorted(ingest.ListTables(ingest_pb2.ListTablesRequest(), metadata=bearer(token), timeout=60).tables)


reader = rs256(claims("py-alice", groups=["fraud-reader", "no-such-role"]))
report("rs256 whoami", lambda: whoami(reader))
report("rs256 lists", lambda: tables(reader))
report("es256 whoami", lambda: whoami(es256(claims("py-bob"))))
report("expired", lambda: whoami(rs256(claims("py-alice", exp=int(time.time()) - 600))))
report("not yet valid", lambda: whoami(rs256(claims("py-alice", nbf=int(time.time()) + 600))))
report("wrong audience", lambda: whoami(rs256(claims("py-alice", aud="another-service"))))
report("wrong issuer", lambda: whoami(rs256(claims("py-alice", iss="https://evil.example"))))
report("hs256 with the public key", lambda: whoami(forged_hs256(claims("py-alice", groups=["lake-admin"]))))
report("alg none", lambda: whoami(unsigned(claims("py-alice", groups=["lake-admin"]))))
report("sub local", lambda: whoami(rs256(claims("local"))))
report("non-ascii sub", lambda: whoami(rs256(claims("jos\u00e9"))))
report("control character sub", lambda: whoami(rs256(claims("alice\u0007"))))
report("reader creates a table", lambda: ingest.CreateTable(
    ingest_pb2.CreateTableRequest(table="fraud.planted"), metadata=bearer(reader), timeout=60) and "ok")
