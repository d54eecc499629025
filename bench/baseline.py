"""The baseline a user would write (`bench/baseline_script.py`: one plain sequential script with
the same libraries, models and settings) against dubflow end to end. The script is timed as a
fresh process, cold like a run worker: interpreter start, imports and model loads included."""

import sys
import time
from pathlib import Path

from bench.core import Figure, run

FAMILY = "3 baseline script"
# Issue 18: dubflow within 1.5x the plain script on the 60 s clip (one and three languages).
RATIO_LIMIT = 1.5


def run_baseline(
    video: Path, out: Path, langs: list[str], source: str, whisper: Path, piper: Path
) -> float:
    """Seconds the baseline script takes, as a fresh process."""
    started = time.perf_counter()
    run(
        [sys.executable, "-m", "bench.baseline_script", video, out, "--to", ",".join(langs),
         "--source", source, "--whisper", whisper, "--piper", piper]
    )  # fmt: skip
    return time.perf_counter() - started


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
