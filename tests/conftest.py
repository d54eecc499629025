import os
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
