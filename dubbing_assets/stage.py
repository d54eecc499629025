"""What every stage shares: retry policy, permanent failures, scratch space and results."""

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg

from dubbing_assets.partitions import split_job_lang
from resources.jobstore import JobStore
from resources.storage import MediaStore

# Storage hiccups and engine crashes are worth retrying; bad input is not (see `rejected`).
TRANSIENT_RETRY = dg.RetryPolicy(
    max_retries=3, delay=2.0, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)


def rejected(code: str, message: str, **metadata: Any) -> dg.Failure:
    """A permanent failure with a stable error code: retrying cannot help."""
    return dg.Failure(
        description=f"[{code}] {message}",
        metadata={"error_code": code, **metadata},
        allow_retries=False,
    )


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


def _error_code(error: BaseException) -> str:
    if isinstance(error, dg.Failure) and "error_code" in error.metadata:
        return str(error.metadata["error_code"].value)
    return str(getattr(error, "code", "stage.error"))


@contextmanager
def tracked(context: dg.AssetExecutionContext, jobstore: JobStore) -> Iterator[Progress]:
    """Report the stage's start, progress and end (with duration and error code) to the
    application database; yields the progress callback (a fraction in 0..1)."""
    job, lang = _partition(context)
    stage = context.asset_key.to_user_string()
    jobstore.stage_started(job, lang, stage, context.run.run_id, context.retry_number + 1)
    started = time.perf_counter()
    try:
        yield lambda fraction: jobstore.stage_progress(job, lang, stage, fraction)
    except BaseException as error:
        policy = context.op_def.retry_policy
        retries_left = policy is not None and context.retry_number < policy.max_retries
        permanent = isinstance(error, dg.Failure) and not error.allow_retries
        jobstore.stage_finished(
            job,
            lang,
            stage,
            status="retrying" if retries_left and not permanent else "failed",
            duration_s=time.perf_counter() - started,
            error_code=_error_code(error),
            error_message=str(error)[:2000],
        )
        raise
    jobstore.stage_finished(
        job, lang, stage, status="succeeded", duration_s=time.perf_counter() - started
    )
