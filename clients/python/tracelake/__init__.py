"""Tracelake's Python client: write records exactly once, read any version with SQL, explain.

    import tracelake
    client = tracelake.connect("127.0.0.1:7420")
    with client.writer("events", tracelake.Provenance(code_commit="abc123"), writer_id="svc-1") as w:
        ack = w.append([{"event_id": 1, "user": "ann"}]).result()
    rows = client.sql("SELECT count(*) AS n FROM events")

The gRPC stubs (package ``tracelake.v1``) are generated from the protos at build time, into this
package or into another directory on ``sys.path`` (see README.md); they are never committed.
"""

import pkgutil

# The generated stubs live in tracelake/v1, which may sit in another directory on sys.path (a
# build's output directory): let this package span every "tracelake" directory on the path.
__path__ = pkgutil.extend_path(__path__, __name__)

from .errors import TracelakeError  # noqa: E402
from .values import Ack, Provenance, RecordRef, Ref, Snapshot  # noqa: E402
from .client import Client, connect  # noqa: E402
from .replay import Batch, Case, Replays, RunResult  # noqa: E402

__all__ = [
    "Ack",
    "Batch",
    "Case",
    "Client",
    "Provenance",
    "RecordRef",
    "Ref",
    "Replays",
    "RunResult",
    "Snapshot",
    "TracelakeError",
    "connect",
]
