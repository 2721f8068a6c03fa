"""The connection to Tracelake: tables, writers, SQL, explain and runs."""

import ipaddress
import os
import re
import socket
import uuid

import grpc

from . import arrow_ipc
from . import runs as _runs
from .errors import TracelakeError
from .table import Table
from .writer import Writer

_WRITER_ID = re.compile(r"[A-Za-z0-9._\-]{1,128}\Z")
_DEADLINE = 30.0


def connect(target="127.0.0.1:7420", *, options=None, token=None, tls=False,
            root_certificates=None, certificate_chain=None, private_key=None):
    """Connects to a Tracelake server, or to several replicas, over gRPC.

    ``target`` is ``host:port``, several of them (a list, or one string separated by commas), or
    a gRPC target such as ``dns:///tracelake.prod.svc:7420``. Calls and writers spread over every
    address (round robin), and a writer whose replica dies resends its unacknowledged appends to
    another one, exactly once.

    ``token`` is sent with every call (``authorization: Bearer <token>``), as a server under access
    control requires. The connection is plaintext unless ``tls`` is true or a certificate is given:
    ``root_certificates`` are the CAs to trust (PEM bytes, or a path to a PEM file; default: the
    system's), ``certificate_chain`` and ``private_key`` a client certificate to present (PEM bytes
    or paths), which a server with a client CA takes as the caller's identity when no token is
    sent.
    """
    credentials = None
    if tls or root_certificates is not None or certificate_chain is not None:
        if (certificate_chain is None) != (private_key is None):
            raise ValueError("A client certificate needs both certificate_chain and private_key")
        credentials = grpc.ssl_channel_credentials(
            root_certificates=_pem(root_certificates, "root_certificates"),
            private_key=_pem(private_key, "private_key"),
            certificate_chain=_pem(certificate_chain, "certificate_chain"))
    return Client(_channel_target(target), options or [], token=token, credentials=credentials)


def _pem(value, what):
    """PEM bytes from bytes, or from the file a path names (its name in the error)."""
    if value is None or isinstance(value, bytes):
        return value
    try:
        with open(os.fspath(value), "rb") as f:
            return f.read()
    except OSError as e:
        raise ValueError("Cannot read %s from %s: %s" % (what, value, e.strerror)) from None


class _BearerToken(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor,
                   grpc.StreamUnaryClientInterceptor, grpc.StreamStreamClientInterceptor):
    """Adds ``authorization: Bearer <token>`` to every call."""

    def __init__(self, token):
        token = str(token).strip()
        if not token or any(not 0x21 <= ord(c) <= 0x7e for c in token):
            raise ValueError("A bearer token is printable ASCII without spaces")
        self._header = ("authorization", "Bearer " + token)

    def _details(self, details):
        metadata = list(details.metadata or []) + [self._header]
        return _CallDetails(details.method, details.timeout, metadata, details.credentials,
                            getattr(details, "wait_for_ready", None),
                            getattr(details, "compression", None))

    def intercept_unary_unary(self, continuation, details, request):
        return continuation(self._details(details), request)

    def intercept_unary_stream(self, continuation, details, request):
        return continuation(self._details(details), request)

    def intercept_stream_unary(self, continuation, details, requests):
        return continuation(self._details(details), requests)

    def intercept_stream_stream(self, continuation, details, requests):
        return continuation(self._details(details), requests)


class _CallDetails(grpc.ClientCallDetails):
    def __init__(self, method, timeout, metadata, credentials, wait_for_ready, compression):
        self.method = method
        self.timeout = timeout
        self.metadata = metadata
        self.credentials = credentials
        self.wait_for_ready = wait_for_ready
        self.compression = compression


def _channel_target(target):
    addresses = target if isinstance(target, (list, tuple)) else str(target).split(",")
    addresses = [a.strip() for a in addresses if a.strip()]
    if not addresses:
        raise ValueError("Give at least one server address")
    if len(addresses) == 1:
        return addresses[0]
    # several replicas: gRPC's ipv4:/ipv6: targets list addresses, so names are looked up here
    v4, v6 = [], []
    for address in addresses:
        host, sep, port = address.rpartition(":")
        if not sep or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError("Invalid server address %r: use host:port" % address)
        host = host.strip("[]")
        try:
            ips = [str(ipaddress.ip_address(host))]
        except ValueError:
            try:
                ips = sorted({info[4][0] for info in socket.getaddrinfo(host, int(port),
                                                                      type=socket.SOCK_STREAM)})
            except socket.gaierror as e:
                raise ValueError("Server address %r does not resolve: %s" % (address, e)) from None
        for ip in ips:
            if ":" in ip:
                v6.append("[%s]:%s" % (ip, port))
            else:
                v4.append("%s:%s" % (ip, port))
    if v4 and v6:
        raise ValueError("Give replicas of one address family (IPv4 or IPv6), got %s" % addresses)
    return ("ipv4:" if v4 else "ipv6:") + ",".join(v4 or v6)


class Client:
    """A connection to Tracelake. Thread-safe; open one per process and share it. Close it (or use
    it as a context manager) to close its writers and channel."""

    def __init__(self, target, options, *, token=None, credentials=None):
        from ._stubs import (ingest_pb2_grpc, lineage_pb2_grpc, query_pb2_grpc,
                             tables_pb2_grpc)
        self.target = target
        all_options = [
            ("grpc.lb_policy_name", "round_robin"),
            ("grpc.max_receive_message_length", 256 << 20),
            # reconnect soon after a replica comes back or another one takes over
            ("grpc.initial_reconnect_backoff_ms", 200),
            ("grpc.max_reconnect_backoff_ms", 5000),
        ] + list(options)
        if credentials is None:
            channel = grpc.insecure_channel(target, options=all_options)
        else:
            channel = grpc.secure_channel(target, credentials, options=all_options)
        # the token rides as metadata on plaintext too (a server on loopback, a mesh doing TLS)
        self._channel = channel if token is None else grpc.intercept_channel(
            channel, _BearerToken(token))
        self._ingest = ingest_pb2_grpc.IngestServiceStub(self._channel)
        self._query = query_pb2_grpc.QueryServiceStub(self._channel)
        self._lineage = lineage_pb2_grpc.LineageServiceStub(self._channel)
        self._tables = tables_pb2_grpc.TableServiceStub(self._channel)
        self._writers = set()
        self._closed = False

    def _call(self, context, method, request, timeout=_DEADLINE):
        try:
            return method(request, timeout=timeout)
        except grpc.RpcError as e:
            raise TracelakeError.of(context, e) from None

    # -- tables -------------------------------------------------------------------------------

    def create_table(self, table, columns, *, if_not_exists=False):
        """Creates a table; Tracelake adds its metadata columns after the given ones.

        ``columns`` is a list of (name, type) or (name, type, required) tuples with Iceberg
        primitive type names ("long", "string", "double", "timestamptz", "decimal(12, 2)", ...),
        or a pyarrow Schema (nested types allowed). Returns the table's description (a dict).
        """
        from ._stubs import ingest_pb2
        request = ingest_pb2.CreateTableRequest(table=table, if_not_exists=if_not_exists)
        if type(columns).__module__.startswith("pyarrow"):
            request.arrow_schema = columns.serialize().to_pybytes()
        else:
            for column in columns:
                name, type_name = column[0], column[1]
                required = bool(column[2]) if len(column) > 2 else False
                request.columns.columns.add(name=name, type=type_name, required=required)
        response = self._call("Cannot create table %s" % table, self._ingest.CreateTable, request)
        return describe_table(response.table)

    def tables(self):
        """Returns the name of every table, "namespace.name", sorted."""
        from ._stubs import ingest_pb2
        return list(self._call("Cannot list tables", self._ingest.ListTables,
                               ingest_pb2.ListTablesRequest()).tables)

    def describe(self, table):
        """Describes a table: its columns, current snapshot and refs (a dict)."""
        from ._stubs import ingest_pb2
        response = self._call("Cannot describe table %s" % table, self._ingest.DescribeTable,
                              ingest_pb2.DescribeTableRequest(table=table))
        return describe_table(response.table)

    def table(self, table):
        """Returns a handle on a table: snapshots, refs, tags, branches, publish, schema changes."""
        return Table(self, table)

    # -- writing ------------------------------------------------------------------------------

    def writer_offset(self, table, writer_id, branch="main"):
        """Returns a writer's last committed offset on a table's branch, None if it has none."""
        from ._stubs import ingest_pb2
        _check_writer_id(writer_id)
        response = self._call(
            "Cannot read the offset of writer %s on table %s" % (writer_id, table),
            self._ingest.GetWriterOffset,
            ingest_pb2.GetWriterOffsetRequest(table=table, writer_id=writer_id, branch=branch))
        return response.last_committed_offset if response.HasField("last_committed_offset") else None

    def writer(self, table, provenance=None, *, writer_id=None, branch="main", max_inflight=64,
               initial_backoff=0.1, max_backoff=5.0, retry_timeout=300.0):
        """Opens a writer appending to a table's branch exactly once, continuing after the writer
        id's last committed offset.

        Give each producer instance its own stable ``writer_id`` (1 to 128 of letters, digits,
        '.', '_', '-') so that a restarted producer resumes where it stopped; without one, the
        writer gets a fresh id. ``provenance`` is a Provenance.
        """
        if self._closed:
            raise RuntimeError("The client is closed")
        if writer_id is None:
            writer_id = "py-" + uuid.uuid4().hex
        _check_writer_id(writer_id)
        last = self.writer_offset(table, writer_id, branch)
        w = Writer(self, table, writer_id, provenance, branch, 0 if last is None else last + 1,
                   max_inflight, initial_backoff, max_backoff, retry_timeout)
        self._writers.add(w)
        return w

    # -- reading ------------------------------------------------------------------------------

    def sql(self, query, *, timeout_ms=0):
        """Runs one read-only SQL statement (time travel, metadata tables, lineage relations) and
        returns its rows: a Rows list of dicts, with ``columns``, ``references`` (the snapshot
        each table reference read) and ``to_pandas()``."""
        from ._stubs import query_pb2
        request = query_pb2.ExecuteRequest(sql=query, timeout_ms=timeout_ms)
        columns = None
        rows = Rows()
        try:
            for response in self._query.Execute(request):
                part = response.WhichOneof("part")
                if part == "schema":
                    columns = arrow_ipc.read_schema(response.schema.arrow_schema)
                    rows.columns = [c.name for c in columns]
                    rows.references = [
                        (r.table, r.version, r.snapshot_id if r.HasField("snapshot_id") else None)
                        for r in response.schema.references]
                    rows._schema = response.schema.arrow_schema
                elif part == "arrow_batch":
                    rows.extend(arrow_ipc.read_batch(response.arrow_batch, columns))
                    rows._batches.append(response.arrow_batch)
        except grpc.RpcError as e:
            raise TracelakeError.of("Query failed", e) from None
        return rows

    def replays(self):
        """Returns the replay calls: re-run production's inputs through a candidate model on a
        branch, compare record by record, publish or drop (see tracelake.replay)."""
        from .replay import Replays
        return Replays(self)

    def explain(self, table, record_id, format="json", *, max_depth=0, as_of=None):
        """Explains one record: its row, its run, and every input as it was read. Returns
        (rendered text, problems). ``as_of`` is a datetime: ignore what was committed later."""
        from ._stubs import lineage_pb2
        request = lineage_pb2.ExplainRequest(table=table, record_id=record_id, format=format,
                                             max_depth=max_depth)
        if as_of is not None:
            request.as_of_epoch_millis = int(as_of.timestamp() * 1000)
        response = self._call("Explain %s %s" % (table, record_id), self._lineage.Explain,
                              request)
        return response.rendered, list(response.problems)

    # -- runs ---------------------------------------------------------------------------------

    def start_run(self, run_id, **fields):
        """Registers a run before its writers start: its job (``job_namespace``, ``job_name``),
        ``code_repository``, ``code_commit``, ``model_name``, ``model_version``, ``parameters``
        (str to str), ``parent_run_id`` (and its job), ``started_at`` (default now),
        ``nominal_start``/``nominal_end`` (timezone-aware datetimes). Returns the run as a dict.
        Starting it again with the same fields is harmless."""
        from ._stubs import lineage_pb2
        request = lineage_pb2.StartRunRequest(run=_runs.build_run(lineage_pb2, run_id, **fields))
        return _runs.run_to_dict(
            self._call("Start run %s" % run_id, self._lineage.StartRun, request).run)

    def finish_run(self, run_id, state="COMPLETED", *, message="", ended_at=None):
        """Ends a run COMPLETED, FAILED (with a message) or ABORTED; returns it as a dict. Ending
        it again the same way is harmless; another way is refused (FAILED_PRECONDITION)."""
        from ._stubs import lineage_pb2
        request = lineage_pb2.FinishRunRequest(run_id=run_id,
                                               state=_runs.state_value(lineage_pb2, state),
                                               message=message)
        if ended_at is not None:
            request.ended_at_epoch_millis = _runs._millis(ended_at)
        return _runs.run_to_dict(
            self._call("Finish run %s" % run_id, self._lineage.FinishRun, request).run)

    def get_run(self, run_id):
        """One run as a dict; TracelakeError with code NOT_FOUND when no run has the id."""
        from ._stubs import lineage_pb2
        response = self._call("Run %s" % run_id, self._lineage.GetRun,
                              lineage_pb2.GetRunRequest(run_id=run_id))
        return _runs.run_to_dict(response.run)

    def runs(self, limit=0):
        """The runs the server knows, newest first (at most ``limit`` when given)."""
        from ._stubs import lineage_pb2
        response = self._call("List runs", self._lineage.ListRuns,
                              lineage_pb2.ListRunsRequest(limit=limit))
        return [_runs.run_to_dict(r) for r in response.runs]

    def run(self, run_id, **fields):
        """A context manager: starts the run, yields it, and ends it COMPLETED, or FAILED with the
        exception when the block raises::

            with client.run("score-2026-12-07", job_name="fraud-scoring", code_commit=sha):
                with client.writer("predictions", Provenance(run_id="score-2026-12-07")) as w:
                    ...
        """
        return _runs.run_scope(self, run_id, **fields)

    def close(self):
        """Closes every writer (waiting for its acknowledgements), then the channel."""
        if self._closed:
            return
        self._closed = True
        try:
            for w in list(self._writers):
                w.close()
        finally:
            self._channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


class Rows(list):
    """A query's rows as dicts, in order, with the result's column names and pinned snapshots."""

    def __init__(self):
        super().__init__()
        self.columns = []
        self.references = []
        self._schema = None
        self._batches = []

    def to_pandas(self):
        """Returns the rows as a pandas DataFrame (pandas must be installed)."""
        import pandas
        return pandas.DataFrame.from_records(list(self), columns=self.columns)

    def to_arrow(self):
        """Returns the rows as a pyarrow Table, read by pyarrow itself (pyarrow must be installed)."""
        import pyarrow as pa
        schema = pa.ipc.read_schema(pa.py_buffer(self._schema))
        batches = [pa.ipc.read_record_batch(pa.py_buffer(b), schema) for b in self._batches]
        return pa.Table.from_batches(batches, schema=schema)


def describe_table(t):
    """A TableInfo proto as a dict."""
    return {
        "table": t.table,
        "columns": [{"field_id": c.field_id, "name": c.name, "type": c.type,
                     "required": c.required, "metadata": c.metadata, "doc": c.doc}
                    for c in t.columns],
        "current_snapshot_id": t.current_snapshot_id if t.HasField("current_snapshot_id") else None,
        "snapshot_count": t.snapshot_count,
        "location": t.location,
        "refs": [{"name": r.name, "type": "tag" if r.type == 2 else "branch",
                  "snapshot_id": r.snapshot_id} for r in t.refs],
    }


def _check_writer_id(writer_id):
    if not isinstance(writer_id, str) or not _WRITER_ID.match(writer_id):
        raise ValueError("Invalid writer id %r: use 1 to 128 of letters, digits, '.', '_', '-'"
                         % (writer_id,))
