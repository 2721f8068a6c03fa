"""Exactly-once appends over AppendRows streams: the same protocol as the Java client.

A writer numbers its appends (offsets) and keeps each until the server acknowledges it, which the
server does only once the rows are in a committed snapshot. When a stream breaks (the server
restarts, a replica dies, the network drops) the writer opens a new stream after a backoff, on any
replica the channel reaches, and resends every unacknowledged append with its offset; the server
answers the offsets it had already committed with their original snapshot, so nothing is written
twice. A writer opened later with the same writer id continues after the last committed offset.
"""

import collections
import concurrent.futures
import logging
import queue
import random
import threading
import time

import grpc

from . import rows as row_payloads
from .errors import TracelakeError
from .values import Ack, provenance_to_proto

_LOG = logging.getLogger(__name__)

RETRYABLE = frozenset(
    [grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.ABORTED, grpc.StatusCode.UNKNOWN])


class _Pending:
    __slots__ = ("request", "future", "record_ids", "rows", "sends")

    def __init__(self, request, record_ids):
        self.request = request
        self.future = concurrent.futures.Future()
        self.record_ids = record_ids
        self.rows = len(record_ids)
        self.sends = 0


class _Stream:
    """One AppendRows call: requests go through a queue, responses are read on a thread."""

    def __init__(self, writer, generation):
        self.generation = generation
        self.requests = queue.Queue()
        self.call = writer._stub.AppendRows(self._iterate())
        self.reader = threading.Thread(
            target=writer._read, args=(self,), name="tracelake-writer-%s" % writer.writer_id,
            daemon=True)

    def _iterate(self):
        while True:
            request = self.requests.get()
            if request is None:
                return
            yield request

    def send(self, request):
        self.requests.put(request)

    def finish(self):
        self.requests.put(None)

    def cancel(self):
        self.requests.put(None)
        self.call.cancel()


class Writer:
    """Appends rows to one table (and branch) as one writer, exactly once. Thread-safe.

    Obtain one from ``Client.writer``; use it as a context manager, or call ``close()``, which waits
    for every acknowledgement.
    """

    def __init__(self, client, table, writer_id, provenance, branch, first_offset,
                 max_inflight, initial_backoff, max_backoff, retry_timeout):
        from ._stubs import common_pb2, ingest_pb2, ingest_pb2_grpc
        self._pb = ingest_pb2
        self._stub = ingest_pb2_grpc.IngestServiceStub(client._channel)
        self._channel = client._channel
        self.table = table
        self.writer_id = writer_id
        self.branch = branch
        self._provenance = provenance_to_proto(provenance, common_pb2)
        self._max_inflight = max_inflight
        self._initial_backoff = initial_backoff
        self._max_backoff = max_backoff
        self._retry_timeout = retry_timeout
        self._changed = threading.Condition()
        # guarded by _changed
        self._unacked = collections.deque()
        self._next_offset = first_offset
        self._stream = None
        self._generation = 0
        self._reconnect_scheduled = False
        self._backoff = initial_backoff
        self._retrying_since = None
        self._failure = None
        self._failed_offset = None
        self._closed = False

    # -- appending --------------------------------------------------------------------------

    def append(self, rows):
        """Appends rows: a list of dicts (sent as JSON), or a pyarrow Table or RecordBatch (sent
        as Arrow; dictionary-encoded columns included). Rows without a ``_record_id`` get one;
        a row's ``_lineage`` is a list of RecordRef or of dicts with table, record_id, snapshot_id.

        Returns a concurrent.futures.Future of the Ack, completed once the rows are committed (or
        failed with a TracelakeError). Blocks while ``max_inflight`` appends are unacknowledged.
        """
        if row_payloads.is_arrow(rows):
            ipc, ids = row_payloads.arrow_rows(rows)
            request = self._pb.AppendRowsRequest(arrow_rows=self._pb.ArrowRows(ipc_stream=ipc))
        else:
            texts, ids = row_payloads.json_rows(rows)
            request = self._pb.AppendRowsRequest(json_rows=self._pb.JsonRows(rows=texts))
        request.table = self.table
        request.writer_id = self.writer_id
        request.provenance.CopyFrom(self._provenance)
        if self.branch != "main":
            request.branch = self.branch
        with self._changed:
            self._check_open()
            while len(self._unacked) >= self._max_inflight:
                self._changed.wait()
                self._check_open()
            request.offset = self._next_offset
            self._next_offset += 1
            pending = _Pending(request, ids)
            self._unacked.append(pending)
            if self._stream is not None:
                pending.sends += 1
                self._stream.send(request)
            elif not self._reconnect_scheduled:
                self._open_stream()
            return pending.future

    def _check_open(self):
        if self._failure is not None:
            raise TracelakeError(
                "Writer %s on table %s failed at offset %s and takes no more appends (open a new"
                " writer with the same id to continue after its last committed offset)"
                % (self.writer_id, self.table, self._failed_offset),
                self._failure.code, self._failure.description)
        if self._closed:
            raise RuntimeError("Writer %s on table %s is closed" % (self.writer_id, self.table))

    def _open_stream(self):
        """Opens a stream and sends every unacknowledged append on it; holds the lock."""
        self._generation += 1
        stream = _Stream(self, self._generation)
        self._stream = stream
        for pending in self._unacked:
            pending.sends += 1
            stream.send(pending.request)
        stream.reader.start()

    # -- acknowledgements -------------------------------------------------------------------

    def _read(self, stream):
        try:
            for response in stream.call:
                done = []
                with self._changed:
                    if stream.generation != self._generation:
                        return
                    self._acknowledge(response, done)
                _complete(done)
            status, details = grpc.StatusCode.OK, None
        except grpc.RpcError as e:
            status, details = e.code(), e.details()
        except Exception as e:  # a bug here must fail the appends, not hang them
            status, details = grpc.StatusCode.INTERNAL, "writer error: %r" % (e,)
        self._ended(stream, status, details)

    def _acknowledge(self, response, done):
        head = self._unacked[0] if self._unacked else None
        if head is None or response.offset < head.request.offset:
            return  # a repeated acknowledgement of an offset already completed
        if response.offset > head.request.offset:
            self._fail(grpc.StatusCode.INTERNAL, "the server acknowledged offset %d before offset %d"
                       % (response.offset, head.request.offset), done)
            return
        if response.already_committed and head.sends <= 1:
            # committed before this writer ever resent it: another live producer uses this writer
            # id, and its rows, not ours, are at this offset
            self._fail(grpc.StatusCode.ALREADY_EXISTS,
                       "offset %d was already committed by another producer using writer id %s;"
                       " this append's rows were not written. Give each live producer its own"
                       " writer id" % (head.request.offset, self.writer_id), done)
            return
        self._unacked.popleft()
        self._backoff = self._initial_backoff
        self._retrying_since = None
        if response.already_committed:
            ack = Ack(head.request.offset, response.snapshot_id, list(head.record_ids), head.rows,
                      True)
        else:
            ack = Ack(head.request.offset, response.snapshot_id, list(response.record_ids),
                      response.row_count, False)
        done.append((head.future, ack, None))
        self._changed.notify_all()

    def _ended(self, stream, status, details):
        done = []
        with self._changed:
            if stream.generation != self._generation:
                return
            self._stream = None
            if not self._unacked and (status == grpc.StatusCode.OK or status in RETRYABLE):
                return  # nothing to resend; the next append opens a stream
            if status == grpc.StatusCode.OK:
                status = grpc.StatusCode.UNAVAILABLE
                details = "the server ended the stream with offsets %d..%d unacknowledged" % (
                    self._unacked[0].request.offset, self._unacked[-1].request.offset)
            if status in RETRYABLE:
                self._schedule_reconnect(status, details, done)
            else:
                self._fail(status, details, done)
        _complete(done)

    def _schedule_reconnect(self, status, details, done):
        now = time.monotonic()
        if self._retrying_since is None:
            self._retrying_since = now
        elif now - self._retrying_since > self._retry_timeout:
            self._fail(status, "gave up reconnecting after %ss without an acknowledgement; last"
                       " status: %s" % (self._retry_timeout, details), done)
            return
        delay = self._backoff * (0.5 + random.random() / 2)
        self._backoff = min(self._backoff * 2, self._max_backoff)
        self._reconnect_scheduled = True
        _LOG.info("Writer %s on table %s: stream ended with %s %s; resending offsets %d..%d in"
                  " %.2fs", self.writer_id, self.table, status.name, details,
                  self._unacked[0].request.offset, self._unacked[-1].request.offset, delay)
        timer = threading.Timer(delay, self._reconnect)
        timer.daemon = True
        timer.start()

    def _reconnect(self):
        with self._changed:
            self._reconnect_scheduled = False
            if self._failure is not None or self._stream is not None or not self._unacked:
                return
            self._open_stream()

    def _fail(self, status, details, done):
        """Ends the writer: the head append fails with the status, later ones because of it."""
        head = self._unacked[0] if self._unacked else None
        context = "Writer %s on table %s" % (self.writer_id, self.table)
        self._failure = TracelakeError(
            context + (", offset %d" % head.request.offset if head else ""), status, details)
        self._failed_offset = head.request.offset if head else self._next_offset
        for pending in self._unacked:
            error = self._failure if pending is head else TracelakeError(
                "%s, offset %d" % (context, pending.request.offset), status,
                "not written because offset %d failed: %s" % (head.request.offset, details))
            done.append((pending.future, None, error))
        self._unacked.clear()
        if self._stream is not None:
            broken = self._stream
            self._stream = None
            self._generation += 1
            broken.cancel()
        self._changed.notify_all()

    # -- flushing and closing ---------------------------------------------------------------

    def flush(self, timeout=None):
        """Waits until every append made before this call is acknowledged.

        Raises the writer's TracelakeError when it failed, TimeoutError after ``timeout`` seconds.
        """
        with self._changed:
            last = self._next_offset - 1
            deadline = None if timeout is None else time.monotonic() + timeout
            while (self._unacked and self._unacked[0].request.offset <= last
                   and self._failure is None):
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise TimeoutError("Writer %s on table %s: offsets %d..%d unacknowledged after"
                                       " %ss" % (self.writer_id, self.table,
                                                 self._unacked[0].request.offset, last, timeout))
                self._changed.wait(remaining)
            if self._failure is not None and self._failed_offset <= last:
                raise self._failure

    def close(self):
        """Waits for every acknowledgement, then ends the stream. Idempotent. A failure already
        reported through the appends' futures is not raised again."""
        with self._changed:
            if self._closed:
                return
            self._closed = True
            self._changed.notify_all()
            while self._unacked and self._failure is None:
                self._changed.wait()
            if self._stream is not None:
                done = self._stream
                self._stream = None
                self._generation += 1
                done.finish()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def _complete(done):
    for future, result, error in done:
        if error is None:
            future.set_result(result)
        else:
            future.set_exception(error)
