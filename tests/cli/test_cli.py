"""The `dubflow` command: bad input ends in one line with its stable code (the same checks and
codes as `POST /v1/jobs`)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from testing.media import MEDIA, make_video


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_video(
        tmp_path_factory.mktemp("cli") / "clip.mp4", MEDIA / "multilingual.mp3", seconds=1.0
    )


@pytest.mark.parametrize(
    ("options", "code"),
    [
        (["--to", "xx"], "language.unsupported"),
        (["--to", "es", "--preset", "nope"], "preset.unknown"),
        (["--to", "es,es"], "job.duplicate_language"),
        # No engine reaches German or French from English here: refused before any work.
        (["--to", "es,de,fr", "--from", "en"], "translation.unsupported_pair"),
    ],
)
def test_dub_refuses_bad_targets_in_one_coded_line(video, tmp_path, options, code):
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from dubflow_cli.main import app; app()",
            "dub",
            str(video),
            *options,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "DUBFLOW_DATA_DIR": str(tmp_path), "DAGSTER_HOME": ""},
    )
    assert completed.returncode == 2, completed.stderr
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"dubflow: error [{code}] "), lines
    assert not list(tmp_path.rglob("request.json"))  # nothing was submitted
