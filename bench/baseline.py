"""The baseline a user would write (`bench/baseline_script.py`: one plain sequential script with
the same libraries, models and settings) against dubflow end to end. The script is timed as a
fresh process, cold like a run worker: interpreter start, imports and model loads included."""

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.core import Figure

FAMILY = "3 baseline script"
# Issue 18: dubflow within 1.5x the plain script on the 60 s clip (one and three languages).
RATIO_LIMIT = 1.5


@dataclass(frozen=True)
class BaselineRun:
    seconds: float
    # The largest peak RSS in the script's process tree (itself, its ffmpeg children), from
    # wait4: the bench's other children (stacks, run workers) do not blur it.
    peak_mib: float


def run_baseline(
    video: Path, out: Path, langs: list[str], source: str, whisper: Path, piper: Path
) -> BaselineRun:
    """The baseline script as a fresh process: its seconds and its peak RSS."""
    command = [sys.executable, "-m", "bench.baseline_script", str(video), str(out),
               "--to", ",".join(langs), "--source", source, "--whisper", str(whisper),
               "--piper", str(piper)]  # fmt: skip
    started = time.perf_counter()
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)  # fmt: skip
    assert process.stderr is not None
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(
            f"the baseline script exited {process.returncode}: "
            f"{errors.decode(errors='replace')[-2000:]}"
        )
    return BaselineRun(seconds, round(usage.ru_maxrss / 1024, 1))


def figures(baseline_s: dict[int, float], dubflow_s: dict[int, float]) -> list[Figure]:
    """dubflow (upload complete -> playable, through the stack) / the baseline script, per
    number of languages."""
    return [
        Figure(
            FAMILY,
            f"dubflow end to end / baseline script ({count} language{'s' * (count > 1)})",
            round(dubflow_s[count] / baseline_s[count], 3),
            "x",
            RATIO_LIMIT,
            note=f"baseline {baseline_s[count]:.1f} s, dubflow {dubflow_s[count]:.1f} s",
            detail={"baseline_s": round(baseline_s[count], 2), "dubflow_s": dubflow_s[count]},
        )
        for count in sorted(baseline_s)
        if count in dubflow_s
    ]
