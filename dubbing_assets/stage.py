"""What every stage shares: retry policy, permanent failures, scratch space and results."""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg

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
