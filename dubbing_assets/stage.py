"""What every stage shares: retry policy, tracking, scratch space and results."""

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg

from dubbing_assets.stage_errors import classify, stopped
from dubbing_assets.stage_record import StageRecorder
from resources.jobstore import JobStore
from resources.storage import MediaStore

# Storage hiccups and engine crashes are worth retrying; bad input is not
# (`stage_errors.rejected`).
TRANSIENT_RETRY = dg.RetryPolicy(
    max_retries=3, delay=2.0, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
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
# Progress is a database write (and an event to the API's streams): every tenth is enough.
PROGRESS_STEP = 0.1


def throttled(report: Progress) -> Progress:
    """`report`, called only when the fraction moved by PROGRESS_STEP since the last call it
    passed on, or reached 1."""
    reported = [0.0]

    def progress(fraction: float) -> None:
        # (with a margin for the float arithmetic of fractions like 9/30 - 6/30)
        if fraction - reported[0] >= PROGRESS_STEP - 1e-9 or fraction >= 1.0:
            reported[0] = fraction
            report(fraction)

    return progress


@contextmanager
def tracked(
    context: dg.AssetExecutionContext, jobstore: JobStore, store: MediaStore
) -> Iterator[Progress]:
    """Report the stage's start, progress and end (with duration and error code) to the
    application database and as structured log lines, also when the stage fails or is
    cancelled; yields the progress callback (a fraction in 0..1). No stage of a stopped run
    starts; how a failure is classified is in `stage_errors`."""
    if (reason := stopped(context)) is not None:
        raise reason
    record = StageRecorder(context, jobstore, store)
    record.started()
    started = time.perf_counter()
    try:
        yield record.progress
    except BaseException as raised:
        duration = time.perf_counter() - started
        error, status = classify(context, raised)
        record.failed(error, status, duration)
        if error is raised:
            raise
        raise error from raised
    else:
        record.succeeded(time.perf_counter() - started)
    finally:
        record.archive()
        record.measure_storage()
