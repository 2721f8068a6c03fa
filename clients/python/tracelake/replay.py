"""Replays: re-run the inputs production outputs cited, at the snapshots they cited them, through a
candidate model on a branch, exactly once; compare record by record; publish or drop.

    replays = client.replays()
    replays.create("v4-trial", "fraud.predictions", tracelake.Provenance(model_name="fraud",
                   model_version="v4", code_commit="9c3b7e2"), model=("fraud", "v3"))
    replays.run("v4-trial", score)          # score(batch) -> list of output dicts
    print(replays.compare("v4-trial", group_by="day")["counts"])
    replays.publish("v4-trial")             # or replays.drop("v4-trial")
"""

import collections
import datetime
import logging
import time

import grpc

from . import arrow_ipc
from .errors import TracelakeError

_LOG = logging.getLogger(__name__)
_DEADLINE = 30.0
_MAX_MESSAGE = 256 << 20

Case = collections.namedtuple("Case", ["number", "lineage", "inputs"])
Case.__doc__ = """One case of a batch: the inputs one candidate output answers for.

    number: the case's number in the replay
    lineage: what the output must cite as its "_lineage" (dicts of table, record_id, snapshot_id)
    inputs: {table: [row dicts]}: each input row as read at the snapshot it was cited at, with its
        _record_id and _snapshot_id
"""

RunResult = collections.namedtuple(
    "RunResult", ["replay", "first_batch", "batches_written", "outputs", "skipped_cases",
                  "reconnects"])
RunResult.__doc__ = """What a candidate's run did: the replay afterwards (a dict), the first batch
it streamed (the writer's last committed offset + 1), batches and outputs it wrote, cases the
server could not stream, and how often it streamed again after the server went away."""


class Batch:
    """One batch of a replay: the candidate writes its outputs for it as writer offset ``batch``.

    ``cases`` lists the batch's cases (skipped ones left out); ``tables`` maps each input table to
    its rows in this batch (each with ``_case``); ``skipped`` lists (case number, reason)."""

    def __init__(self, batch, first_case, case_count, cases, tables, skipped):
        self.batch = batch
        self.first_case = first_case
        self.case_count = case_count
        self.tables = tables
        self.skipped = skipped
        by_case = collections.defaultdict(lambda: collections.defaultdict(list))
        for table, rows in tables.items():
            for row in rows:
                by_case[row["_case"]][table].append(row)
        self.cases = [Case(c["_case"], c["_lineage"], dict(by_case.get(c["_case"], {})))
                      for c in cases]


class Replays:
    """The replay calls of a client (``client.replays()``)."""

    def __init__(self, client):
        from ._stubs import replay_pb2, replay_pb2_grpc
        self._client = client
        self._pb = replay_pb2
        self._stub = replay_pb2_grpc.ReplayServiceStub(client._channel)

    def create(self, replay_id, table, candidate, *, ref=None, after_snapshot_id=None,
               to_snapshot_id=None, start=None, end=None, model=None, run_id=None, branch=None,
               batch_cases=0):
        """Defines a replay over the production outputs of ``table`` that the filters select (all
        ANDed): at ``ref`` (a branch or tag) or ``to_snapshot_id``, appended after
        ``after_snapshot_id``, written in [``start``, ``end``) (datetimes), of ``model`` (a name,
        or a (name, version) pair) or ``run_id``. ``candidate`` is the Provenance the candidate's
        outputs are stamped with. Pins the slice to the snapshot read now and creates the branch
        (``replay/<id>`` unless given). Creating the same replay again returns it unchanged.

        Returns (replay dict, created): created is False when it existed already."""
        pb = self._pb
        s = pb.ReplaySlice(table=table, ref=ref or "", run_id=run_id or "")
        if after_snapshot_id is not None:
            s.after_snapshot_id = after_snapshot_id
        if to_snapshot_id is not None:
            s.to_snapshot_id = to_snapshot_id
        if start is not None:
            s.from_epoch_millis = _millis(start)
        if end is not None:
            s.to_epoch_millis = _millis(end)
        if model is not None:
            name, version = (model, None) if isinstance(model, str) else model
            s.model_name = name or ""
            s.model_version = version or ""
        c = pb.ReplayCandidate(model_name=candidate.model_name or "",
                               model_version=candidate.model_version or "",
                               code_commit=candidate.code_commit or "",
                               run_id=candidate.run_id or "", producer=candidate.producer or "")
        request = pb.CreateReplayRequest(replay_id=replay_id, slice=s, candidate=c,
                                         branch=branch or "", batch_cases=batch_cases)
        response = self._client._call("Cannot create replay %s" % replay_id,
                                      self._stub.CreateReplay, request)
        return replay_dict(response.replay), response.created

    def get(self, replay_id):
        """Returns one replay and how far its candidate got (a dict)."""
        response = self._client._call("Cannot get replay %s" % replay_id, self._stub.GetReplay,
                                      self._pb.GetReplayRequest(replay_id=replay_id))
        return replay_dict(response.replay)

    def list(self, table=None):
        """Returns the replays (of ``table``, or all), newest first."""
        response = self._client._call("Cannot list replays", self._stub.ListReplays,
                                      self._pb.ListReplaysRequest(table=table or ""))
        return [replay_dict(r) for r in response.replays]

    def stream(self, replay_id, from_batch=0, max_batches=0):
        """Yields the replay's batches (Batch) from ``from_batch`` on, at most ``max_batches``
        (0: all), each input as read at the snapshot it was cited at. Closing the generator early
        cancels the stream."""
        request = self._pb.StreamReplayRequest(replay_id=replay_id, from_batch=from_batch,
                                               max_batches=max_batches)
        responses = self._stub.StreamReplay(request)
        try:
            cases_schema = None
            schemas = {}
            for response in responses:
                part = response.WhichOneof("part")
                if part == "header":
                    cases_schema = arrow_ipc.read_schema(response.header.cases_arrow_schema)
                    schemas = {t.table: arrow_ipc.read_schema(t.arrow_schema)
                               for t in response.header.input_tables}
                elif part == "batch":
                    b = response.batch
                    tables = {}
                    for t in b.tables:
                        if t.table not in schemas:
                            raise TracelakeError(
                                "Replay %s: batch %d has rows of %s, which the header did not"
                                " announce" % (replay_id, b.batch, t.table),
                                grpc.StatusCode.INTERNAL, "")
                        tables[t.table] = arrow_ipc.read_batch(t.arrow_batch, schemas[t.table])
                    cases = (arrow_ipc.read_batch(b.cases_arrow_batch, cases_schema)
                             if b.cases_arrow_batch else [])
                    yield Batch(b.batch, b.first_case, b.case_count, cases, tables,
                                [(s.case_number, s.reason) for s in b.skipped])
        except grpc.RpcError as e:
            raise TracelakeError.of("Cannot stream replay %s" % replay_id, e) from None
        finally:
            responses.cancel()

    def run(self, replay_id, model, *, retry_timeout=300.0):
        """Runs a candidate over a replay, exactly once: ``model(batch)`` returns the outputs
        (dicts; each cites its case's ``lineage`` as ``_lineage``) and the outputs of batch N are
        appended as the replay writer's offset N on the replay's branch. The stream starts after
        the writer's last committed batch and, when the server goes away, starts again from the
        next batch (for up to ``retry_timeout`` seconds): a batch is committed once however often
        the run reconnects, and a run started again after a crash continues where the last one
        stopped. Registers the candidate's run and ends it COMPLETED, or FAILED when the model or
        the server fails. Returns a RunResult."""
        replay = self.get(replay_id)
        candidate = replay["candidate"]
        if replay["state"] in ("DROPPED", "PUBLISHED"):
            # its branch may be gone: let the server say why nothing can be streamed
            list(self.stream(replay_id, 0, 1))
            raise TracelakeError("Cannot run replay %s" % replay_id,
                                 grpc.StatusCode.FAILED_PRECONDITION, "it is " + replay["state"])
        run_started = self._start_run(replay)
        last = self._client.writer_offset(replay["table"], replay["writer_id"], replay["branch"])
        first = 0 if last is None else last + 1
        next_batch, written, outputs, skipped, reconnects = first, 0, 0, 0, 0
        acks = []

        def open_writer():
            return self._client.writer(replay["table"], candidate, writer_id=replay["writer_id"],
                                       branch=replay["branch"], retry_timeout=retry_timeout)
        writer = open_writer()
        try:
            try:
                retrying_since, backoff = None, 0.1
                while next_batch < replay["batches"]:
                    try:
                        for batch in self.stream(replay_id, next_batch):
                            rows = model(batch) or []
                            if rows:
                                acks.append((batch.batch, writer.append(rows)))
                            else:
                                # an append needs rows: the server commits the batch's offset on
                                # its own, after every earlier one; a new writer continues after it
                                writer.flush()
                                self._check_offsets(replay_id, acks, retry_timeout)
                                acks = []
                                self.commit_empty_batch(replay_id, batch.batch)
                                writer.close()
                                writer = open_writer()
                            written += 1
                            outputs += len(rows)
                            skipped += len(batch.skipped)
                            next_batch = batch.batch + 1
                            retrying_since, backoff = None, 0.1
                        next_batch = max(next_batch, replay["batches"])
                    except TracelakeError as e:
                        if e.code not in (grpc.StatusCode.UNAVAILABLE,
                                          grpc.StatusCode.DEADLINE_EXCEEDED):
                            raise
                        now = time.monotonic()
                        retrying_since = retrying_since or now
                        if now - retrying_since > retry_timeout:
                            raise
                        reconnects += 1
                        _LOG.info("Replay %s: input stream broke at batch %d (%s); streaming"
                                  " again", replay_id, next_batch, e)
                        time.sleep(backoff)
                        backoff = min(backoff * 2, 5.0)
                writer.flush()
            finally:
                writer.close()
            self._check_offsets(replay_id, acks, retry_timeout)
        except BaseException as e:
            if run_started:
                self._finish_run(candidate.run_id, "RUN_STATE_FAILED", str(e)[:1000])
            raise
        if run_started:
            self._finish_run(candidate.run_id, "RUN_STATE_COMPLETED", "")
        return RunResult(self.get(replay_id), first, written, outputs, skipped, reconnects)

    @staticmethod
    def _check_offsets(replay_id, acks, timeout):
        """Checks that batch N was committed as offset N: the writer's offsets are the batches."""
        for batch, ack in acks:
            offset = ack.result(timeout).offset
            if offset != batch:
                raise TracelakeError(
                    "Replay %s: batch %d was committed as offset %d; another writer with the"
                    " replay's writer id is running" % (replay_id, batch, offset),
                    grpc.StatusCode.ABORTED, "")

    def commit_empty_batch(self, replay_id, batch):
        """Commits a batch without outputs: the replay writer's offset for it, in an empty snapshot
        on the branch (an append without rows is refused); ``run`` does this for a batch its model
        answers with no rows. Reopen a writer afterwards. Returns the replay."""
        response = self._client._call(
            "Cannot commit batch %d of replay %s" % (batch, replay_id),
            self._stub.CommitEmptyReplayBatch,
            self._pb.CommitEmptyReplayBatchRequest(replay_id=replay_id, batch=batch))
        return replay_dict(response.replay)

    def _start_run(self, replay):
        """Registers the candidate's run; False when it has ended already (a replay run again)."""
        from ._stubs import lineage_pb2
        c = replay["candidate"]
        run = lineage_pb2.Run(run_id=c.run_id, job_namespace="tracelake-replay",
                              job_name=replay["replay_id"], code_commit=c.code_commit or "",
                              model_name=c.model_name or "", model_version=c.model_version or "")
        run.parameters.update({"replay": replay["replay_id"], "table": replay["table"],
                               "branch": replay["branch"],
                               "source_snapshot_id": str(replay["source_snapshot_id"])})
        try:
            self._client._call("Cannot start run %s" % c.run_id, self._client._lineage.StartRun,
                               lineage_pb2.StartRunRequest(run=run))
            return True
        except TracelakeError as e:
            if e.code == grpc.StatusCode.FAILED_PRECONDITION:
                _LOG.info("Replay %s: run %s has ended already; writing under it anyway",
                          replay["replay_id"], c.run_id)
                return False
            raise

    def _finish_run(self, run_id, state, message):
        from ._stubs import lineage_pb2
        self._client._call("Cannot finish run %s" % run_id, self._client._lineage.FinishRun,
                           lineage_pb2.FinishRunRequest(
                               run_id=run_id, state=lineage_pb2.RunState.Value(state),
                               message=message))

    def compare(self, replay_id, group_by=None, columns=(), *, max_pairs=0, max_examples=0):
        """Pairs each production output with the candidate output citing the same inputs at the
        same snapshots; returns counts (matched, only_production, only_candidate, ...), per column
        the differences (numeric deltas, pairs of categorical values) overall and per group
        (``group_by``: "model_version", "run", "day" or a column), as a dict."""
        request = self._pb.CompareReplayRequest(replay_id=replay_id, group_by=group_by or "",
                                                columns=list(columns), max_pairs=max_pairs,
                                                max_examples=max_examples)
        r = self._client._call("Cannot compare replay %s" % replay_id, self._stub.CompareReplay,
                               request, timeout=600.0)
        return {
            "replay": replay_dict(r.replay),
            "candidate_snapshot_id": (r.candidate_snapshot_id
                                      if r.HasField("candidate_snapshot_id") else None),
            "counts": _counts(r.counts),
            "columns": [_column(c) for c in r.columns],
            "group_by": r.group_by or None,
            "groups": [{"group": g.group if g.HasField("group") else None,
                        "counts": _counts(g.counts), "columns": [_column(c) for c in g.columns]}
                       for g in r.groups],
            "duplicates": [{"inputs": list(d.inputs),
                            "production_record_ids": list(d.production_record_ids),
                            "candidate_record_ids": list(d.candidate_record_ids)}
                           for d in r.duplicates],
            "only_production_examples": list(r.only_production_examples),
            "only_candidate_examples": list(r.only_candidate_examples),
        }

    def publish(self, replay_id):
        """Publishes a complete replay: main of its table moves to the branch head."""
        response = self._client._call("Cannot publish replay %s" % replay_id,
                                      self._stub.PublishReplay,
                                      self._pb.PublishReplayRequest(replay_id=replay_id))
        return replay_dict(response.replay)

    def drop(self, replay_id):
        """Drops a replay's branch (admin); its snapshots stay readable and comparable."""
        response = self._client._call("Cannot drop replay %s" % replay_id, self._stub.DropReplay,
                                      self._pb.DropReplayRequest(replay_id=replay_id))
        return replay_dict(response.replay)


def replay_dict(r):
    """A Replay proto as a dict; the candidate is a Provenance, times are UTC datetimes."""
    from ._stubs import replay_pb2
    from .values import Provenance
    s = r.slice
    return {
        "replay_id": r.replay_id,
        "table": r.table,
        "slice": {
            "ref": s.ref or None,
            "after_snapshot_id": s.after_snapshot_id if s.HasField("after_snapshot_id") else None,
            "to_snapshot_id": s.to_snapshot_id if s.HasField("to_snapshot_id") else None,
            "start": _time(s.from_epoch_millis) if s.HasField("from_epoch_millis") else None,
            "end": _time(s.to_epoch_millis) if s.HasField("to_epoch_millis") else None,
            "model_name": s.model_name or None,
            "model_version": s.model_version or None,
            "run_id": s.run_id or None,
        },
        "candidate": Provenance(r.candidate.code_commit or None, r.candidate.model_name or None,
                                r.candidate.model_version or None, r.candidate.run_id or None,
                                r.candidate.producer or None),
        "branch": r.branch,
        "writer_id": r.writer_id,
        "batch_cases": r.batch_cases,
        "source_snapshot_id": r.source_snapshot_id,
        "base_snapshot_id": r.base_snapshot_id if r.HasField("base_snapshot_id") else None,
        "created_at": _time(r.created_at_epoch_millis),
        "production_outputs": r.production_outputs,
        "outputs_without_inputs": r.outputs_without_inputs,
        "cases": r.cases,
        "batches": r.batches,
        "input_refs": r.input_refs,
        "input_tables": list(r.input_tables),
        "state": replay_pb2.ReplayState.Name(r.state).replace("REPLAY_STATE_", ""),
        "committed_batches": r.committed_batches,
        "branch_snapshot_id": r.branch_snapshot_id if r.HasField("branch_snapshot_id") else None,
    }


def _counts(k):
    return {f: getattr(k, f) for f in (
        "production_outputs", "candidate_outputs", "matched", "only_production", "only_candidate",
        "duplicate_production", "duplicate_candidate", "production_without_inputs",
        "candidate_without_inputs")}


def _column(c):
    def opt(field):
        return getattr(c, field) if c.HasField(field) else None
    return {
        "column": c.column, "kind": c.kind, "compared": c.compared, "differing": c.differing,
        "mean_abs_delta": opt("mean_abs_delta"), "max_abs_delta": opt("max_abs_delta"),
        "mean_delta": opt("mean_delta"),
        "confusion": [(p.production if p.HasField("production") else None,
                       p.candidate if p.HasField("candidate") else None, p.count)
                      for p in c.confusion],
        "distinct_pairs": c.distinct_pairs,
    }


def _millis(t):
    if t.tzinfo is None:
        raise ValueError("Give an aware datetime (with a time zone), got %r" % (t,))
    return int(t.timestamp() * 1000)


def _time(millis):
    return datetime.datetime.fromtimestamp(millis / 1000, tz=datetime.timezone.utc)
