"""What every stage shares: retry policy, permanent failures, scratch space and results."""

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg

from dubbing_assets.partitions import split_job_lang
from dubbing_core import keys
from dubbing_core.logs import get_logger
from resources.jobstore import JobStore
from resources.storage import MediaStore

# Storage hiccups and engine crashes are worth retrying; bad input is not (see `rejected`).
TRANSIENT_RETRY = dg.RetryPolicy(
    max_retries=3, delay=2.0, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)


# Errors of configuration rather than of the moment: a model or voice that is missing or corrupt,
# a preset or language nobody supports. The same attempt would fail again, however long later.
_PERMANENT_PREFIXES = ("model.",)
_PERMANENT_CODES = frozenset(
    {"voice.unknown", "preset.unknown", "language.unsupported", "translation.unsupported_pair"}
)


def rejected(code: str, message: str, **metadata: Any) -> dg.Failure:
    """A permanent failure with a stable error code: retrying cannot help."""
    return dg.Failure(
        description=f"[{code}] {message}",
        metadata={"error_code": code, **metadata},
        allow_retries=False,
    )


def _is_permanent(code: str) -> bool:
    return code in _PERMANENT_CODES or code.startswith(_PERMANENT_PREFIXES)


@contextmanager
def scratch() -> Iterator[Path]:
    """A private working directory, removed when the stage ends, however it ends."""
    with tempfile.TemporaryDirectory(prefix="dubflow-stage-") as path:
        yield Path(path)


def materialized(store: MediaStore, key: str, **metadata: Any) -> dg.MaterializeResult:
    """The result of a stage whose main artifact is `key`: its size, its content hash as the
    data version, and the stage's own metadata."""
    digest = store.sha256(key)
    return dg.MaterializeResult(
        metadata={"key": key, "bytes": store.size(key), "sha256": digest, **metadata},
        data_version=dg.DataVersion(digest),
    )


Progress = Callable[[float], None]


def _partition(context: dg.AssetExecutionContext) -> tuple[str, str]:
    key = context.partition_key
    if "|" in key:
        return split_job_lang(key)
    return key, ""


# Runs whose worker was interrupted in this process (a terminate from the UI or the API, Ctrl-C,
# SIGTERM): no further stage of theirs may start.
_interrupted_runs: set[str] = set()
_STOPPING = (dg.DagsterRunStatus.CANCELING, dg.DagsterRunStatus.CANCELED)


def _stopped(context: dg.AssetExecutionContext) -> dg.Failure | None:
    """Why this run must not go on, if it must not: cancelled by a user, or its worker
    interrupted otherwise."""
    run = context.instance.get_run_by_id(context.run.run_id)
    if run is not None and run.status in _STOPPING:
        return rejected("run.cancelled", "the run was cancelled")
    if context.run.run_id in _interrupted_runs:
        return rejected("run.interrupted", "the run's worker was interrupted")
    return None


def _error_code(error: BaseException) -> str:
    if isinstance(error, dg.Failure) and "error_code" in error.metadata:
        return str(error.metadata["error_code"].value)
    return str(getattr(error, "code", "stage.error"))


# Lines a failed archive write could not store, per (job, run): the next attempt's write (a
# retry runs in the same process) takes them along, so an outage loses no history.
_unarchived: dict[tuple[str, str], list[str]] = {}


def archive_lines(store: MediaStore, job: str, run_id: str, lines: list[str]) -> None:
    """Append a stage's log lines to its run's archive (stages of a run run one at a time)."""
    pending = _unarchived.pop((job, run_id), []) + lines
    if not pending:
        return
    key = keys.run_log(job, run_id)
    try:
        earlier = store.read_bytes(key) if store.exists(key) else b""
        store.write_bytes(key, earlier + "".join(f"{line}\n" for line in pending).encode())
    except Exception:
        _unarchived[(job, run_id)] = pending
        raise


@contextmanager
def tracked(
    context: dg.AssetExecutionContext, jobstore: JobStore, store: MediaStore
) -> Iterator[Progress]:
    """Report the stage's start, progress and end (with duration and error code) to the
    application database and as structured log lines (Dagster's event log and the run's log
    archive in storage, also when the stage fails or is cancelled); yields the progress
    callback (a fraction in 0..1).

    An interrupted stage fails for good. Dagster would retry it under the retry policy, and the
    in-process executor would then carry on with the run it was asked to terminate
    (dagster-io/dagster#15026); nor does a later stage of such a run start."""
    if (stopped := _stopped(context)) is not None:
        raise stopped
    job, lang = _partition(context)
    stage = context.asset_key.to_user_string()
    run_id, attempt = context.run.run_id, context.retry_number + 1
    lines: list[str] = []
    log = get_logger(
        sinks=[context.log.info, lines.append],
        jobId=job,
        asset=stage,
        partition=context.partition_key,
        stage=stage,
        language=lang or None,
        runId=run_id,
        attempt=attempt,
    )
    jobstore.stage_started(job, lang, stage, run_id, attempt)
    log.info("stage.started")
    started = time.perf_counter()
    try:
        yield lambda fraction: jobstore.stage_progress(job, lang, stage, fraction)
    except BaseException as raised:
        duration = time.perf_counter() - started
        error = raised
        if isinstance(raised, KeyboardInterrupt | dg.DagsterExecutionInterruptedError):
            _interrupted_runs.add(run_id)
            stopped = _stopped(context)
            assert stopped is not None, "the run is one of the interrupted runs now"
            error = stopped
        elif not isinstance(raised, dg.Failure) and _is_permanent(_error_code(raised)):
            error = rejected(_error_code(raised), str(raised))
        policy = context.op_def.retry_policy
        retries_left = policy is not None and context.retry_number < policy.max_retries
        permanent = isinstance(error, dg.Failure) and not error.allow_retries
        status = "retrying" if retries_left and not permanent else "failed"
        code = _error_code(error)
        jobstore.stage_finished(
            job,
            lang,
            stage,
            status=status,
            duration_s=duration,
            error_code=code,
            error_message=str(error)[:2000],
        )
        log.error(
            "stage.failed",
            durationMs=round(duration * 1000),
            errorCode=code,
            error=str(error)[:2000] or type(error).__name__,
            willRetry=status == "retrying",
        )
        if error is raised:
            raise
        raise error from raised
    else:
        duration = time.perf_counter() - started
        jobstore.stage_finished(job, lang, stage, status="succeeded", duration_s=duration)
        log.info("stage.finished", durationMs=round(duration * 1000))
    finally:
        try:
            archive_lines(store, job, run_id, lines)
        except Exception as error:  # the archive is a copy: never let it fail the stage
            context.log.warning(f"could not archive the stage's log lines: {error}")
