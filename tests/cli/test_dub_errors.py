"""`dubflow dub` failures of a run: one line with the stable code and message, where the job's
logs are, the traceback only with --verbose, and exit code 1. The real command, in a subprocess
(refused arguments: tests/cli/test_cli.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from testing.media import MEDIA, make_video

DUBFLOW = Path(sys.executable).parent / "dubflow"


def _dubflow(tmp: Path, models_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DUBFLOW_DATA_DIR": str(tmp / "data"),
        "DUBFLOW_MODELS_DIR": str(models_dir),
        "DAGSTER_HOME": "",
    }
    return subprocess.run(
        [str(DUBFLOW), "dub", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp,
        timeout=600,
        check=False,
    )


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("dubflow: error [")]


def test_a_failed_stage_is_one_line_with_its_code_and_logs(tmp_path, models_dir):
    # German speech, detected as such; no engine here translates German into Spanish.
    german = make_video(tmp_path / "german.mp4", MEDIA / "multilingual.mp3", start=31, seconds=6)

    completed = _dubflow(tmp_path, models_dir, str(german), "--to", "es")

    assert completed.returncode == 1, completed.stderr
    [line] = _error_lines(completed.stderr)
    assert line.startswith("dubflow: error [translation.unsupported_pair] transcript: ")
    assert "de->es" in line
    output = completed.stderr + completed.stdout
    assert "Traceback" not in output and "Stack Trace" not in output
    [logs] = [line for line in completed.stderr.splitlines() if line.startswith("logs: ")]
    archive = Path(logs.removeprefix("logs: "))
    failed = [json.loads(line) for line in archive.read_text().splitlines()][-1]
    assert failed["event"] == "stage.failed"
    assert failed["errorCode"] == "translation.unsupported_pair"


def test_verbose_adds_the_traceback(tmp_path, models_dir):
    not_media = tmp_path / "notes.mp4"
    not_media.write_text("this is not a video\n" * 100)

    quiet = _dubflow(tmp_path, models_dir, str(not_media), "--to", "es")
    verbose = _dubflow(tmp_path, models_dir, str(not_media), "--to", "es", "--verbose")

    for completed in (quiet, verbose):
        assert completed.returncode == 1, completed.stderr
        [line] = _error_lines(completed.stderr)
        assert line.startswith("dubflow: error [source.not_media] source_video: not a media file")
    assert "Stack Trace" not in quiet.stderr and "--verbose shows the traceback" in quiet.stderr
    assert "Stack Trace" in verbose.stderr and "dubbing_assets" in verbose.stderr
