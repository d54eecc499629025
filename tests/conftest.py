import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from testing.media import ROOT

if TYPE_CHECKING:
    from testing.servers import S3Server

# Engines must never reach for a model hub in tests: the loading code has to work offline.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

# Run as a background job (a shell without job control ignores SIGINT), the suite would come to
# ignore SIGTERM after its first in-process Dagster step (Dagster gives SIGTERM SIGINT's handler
# when a step ends), and every process it starts would inherit that: the `tail`s mirroring a
# `dubflow dub` subprocess's steps then outlive it and hold its pipes open. As in a foreground run:
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's model cache (shared, so whisper-base is joined once per machine)."""
    path = ROOT / "data" / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def tiny_nllb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.nllb_fixture import build_tiny_nllb

    return build_tiny_nllb(tmp_path_factory.mktemp("nllb"))


@pytest.fixture(scope="session")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator["S3Server"]:
    """A real S3 endpoint (`rclone serve s3` with SigV4 auth) over a temporary directory."""
    from testing.servers import s3_server

    with s3_server(tmp_path_factory.mktemp("s3")) as server:
        yield server
