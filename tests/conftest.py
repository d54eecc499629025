import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.servers import S3Server

ROOT = Path(__file__).resolve().parent.parent
MEDIA = ROOT / "media"
# Engines must never reach for a model hub in tests: the loading code has to work offline.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def make_video(dst: Path, audio: Path, *, seconds: float, start: float = 0.0) -> Path:
    """An H.264/AAC MP4: a generated picture over a real recording."""
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x180:rate=25",
            "-ss",
            str(start),
            "-i",
            str(audio),
            "-t",
            str(seconds),
            "-map",
            "0:v",
            "-map",
            "1:a",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-g",
            "50",
            "-c:a",
            "aac",
            "-ar",
            "48000",
            str(dst),
        ],
        check=True,
    )
    return dst


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
    from tests.servers import s3_server

    with s3_server(tmp_path_factory.mktemp("s3")) as server:
        yield server
