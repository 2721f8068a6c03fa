"""Runs: one execution of a job, registered before its writers start and ended when it is done.

Records written with a run's id (``Provenance(run_id=...)``) belong to it; ``explain`` and
``lineage impact --run`` then show its job, code, model and parameters. A run none of whose
writers is connected and that commits nothing for the server's run timeout is aborted.
"""

import contextlib
import datetime

STATES = ("RUNNING", "COMPLETED", "FAILED", "ABORTED", "UNKNOWN")


def run_to_dict(run):
    """A Run message as a dict: field names as in the proto, state as "COMPLETED" etc., times
    (``*_epoch_millis``) as timezone-aware datetimes under names without the suffix (None when
    not set)."""
    d = {}
    for field in run.DESCRIPTOR.fields:
        name, value = field.name, getattr(run, field.name)
        if name.endswith("_epoch_millis"):
            key = name[: -len("_epoch_millis")]
            d[key] = (datetime.datetime.fromtimestamp(value / 1000, tz=datetime.timezone.utc)
                      if run.HasField(name) else None)
        elif name == "state":
            d[name] = field.enum_type.values_by_number[value].name.replace("RUN_STATE_", "")
        elif name == "parameters":
            d[name] = dict(value)
        elif field.label == field.LABEL_REPEATED:
            d[name] = list(value)
        else:
            d[name] = value
    return d


def _millis(when):
    if not isinstance(when, datetime.datetime) or when.tzinfo is None:
        raise TypeError("a run's times are timezone-aware datetimes, got %r" % (when,))
    return int(when.timestamp() * 1000)


def build_run(lineage_pb2, run_id, *, job_namespace="", job_name="", code_repository="",
              code_commit="", model_name="", model_version="", parameters=None,
              parent_run_id="", parent_job_namespace="", parent_job_name="", started_at=None,
              nominal_start=None, nominal_end=None):
    if not isinstance(run_id, str) or not run_id:
        raise ValueError("a run needs a run_id (the value its records carry in _run_id)")
    run = lineage_pb2.Run(run_id=run_id, job_namespace=job_namespace, job_name=job_name,
                          code_repository=code_repository, code_commit=code_commit,
                          model_name=model_name, model_version=model_version,
                          parent_run_id=parent_run_id,
                          parent_job_namespace=parent_job_namespace,
                          parent_job_name=parent_job_name)
    for key, value in (parameters or {}).items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError("run parameters map strings to strings, got %r: %r" % (key, value))
        run.parameters[key] = value
    if started_at is not None:
        run.started_at_epoch_millis = _millis(started_at)
    if nominal_start is not None:
        run.nominal_start_epoch_millis = _millis(nominal_start)
    if nominal_end is not None:
        run.nominal_end_epoch_millis = _millis(nominal_end)
    return run


def state_value(lineage_pb2, state):
    name = str(state).upper()
    if name not in ("COMPLETED", "FAILED", "ABORTED"):
        raise ValueError("a run ends COMPLETED, FAILED or ABORTED, not %r" % (state,))
    return lineage_pb2.RunState.Value("RUN_STATE_" + name)


@contextlib.contextmanager
def run_scope(client, run_id, **fields):
    """Starts the run, yields it (a dict), and ends it COMPLETED, or FAILED with the exception's
    message when the block raises (the exception still propagates)."""
    started = client.start_run(run_id, **fields)
    try:
        yield started
    except BaseException as e:
        client.finish_run(run_id, "FAILED", message="%s: %s" % (type(e).__name__, e))
        raise
    client.finish_run(run_id, "COMPLETED")
