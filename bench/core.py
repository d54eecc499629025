"""What every measurement family shares: figures, side-by-side repetitions, timed commands, the
machine, the demo clip, and the results file and table.

These machines are shared and noisy, so a figure is a ratio of two things measured in the same
run, repetitions alternate between the two (ABBA order, so a slow spell hits both alike), and the
figure is the ratio of the medians.
"""

import json
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
# The demo recording: English speech 0-29 s, then German (see media/README.md).
DEMO_AUDIO = ROOT / "media" / "multilingual.mp3"
DEMO_SECONDS = 60.0


@dataclass
class Figure:
    """One measured figure. `limit` is the target's upper bound, when the issue sets one."""

    family: str
    name: str
    value: float
    unit: str
    limit: float | None = None
    note: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def met(self) -> bool | None:
        return None if self.limit is None else self.value <= self.limit

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "met": self.met}


def repeats() -> int:
    """Repetitions per side of each alternated comparison (BENCH_REPEATS, default 3)."""
    return max(1, int(os.environ.get("BENCH_REPEATS", "3")))


def alternate(
    variants: dict[str, Callable[[], float]], times: int | None = None
) -> dict[str, list[float]]:
    """Call each variant `times` times, alternating their order every round (A B, B A, …);
    each call returns the seconds it measured. Returns the seconds per variant."""
    names = list(variants)
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(times or repeats()):
        for name in names if round_ % 2 == 0 else reversed(names):
            seconds[name].append(variants[name]())
    return seconds


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def ratio_figure(
    family: str,
    name: str,
    seconds: dict[str, list[float]],
    numerator: str,
    denominator: str,
    *,
    limit: float | None = None,
    note: str = "",
    **detail: Any,
) -> Figure:
    """median(numerator) / median(denominator), both medians appended to the note, every
    sample kept in the detail."""
    top, bottom = median(seconds[numerator]), median(seconds[denominator])
    medians = f"{duration_text(top)} / {duration_text(bottom)}"
    return Figure(
        family,
        name,
        round(top / bottom, 3),
        "x",
        limit,
        f"{note}; {medians}" if note else medians,
        {
            f"{numerator}_median_s": round(top, 4),
            f"{denominator}_median_s": round(bottom, 4),
            "samples_s": {key: [round(v, 4) for v in values] for key, values in seconds.items()},
            **detail,
        },
    )


def duration_text(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def timed(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def run(command: Sequence[str | Path], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    """Run a command, failing loudly with its stderr; stdin is `input=` or nothing."""
    if "input" not in kwargs:
        kwargs["stdin"] = subprocess.DEVNULL
    completed = subprocess.run(
        [str(part) for part in command], capture_output=True, check=False, **kwargs
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, command))} exited {completed.returncode}: "
            f"{completed.stderr.decode(errors='replace')[-2000:]}"
        )
    return completed


def ffmpeg(*args: str | Path, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    return run(["ffmpeg", "-hide_banner", "-nostats", "-y", *args], **kwargs)


def demo_clip(dst: Path, seconds: float = DEMO_SECONDS) -> Path:
    """The clip every family works on: the demo recording under a generated H.264 picture, as
    `make demo` and the live tests build it."""
    from testing.media import make_video

    return make_video(dst, DEMO_AUDIO, seconds=seconds)


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(memory_kib / 2**20, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "commit": commit,
        "load_average_at_start": [round(load, 2) for load in os.getloadavg()],
    }


def value_text(figure: Figure) -> str:
    value = f"{figure.value:.0f}" if abs(figure.value) >= 100 else f"{figure.value:.3g}"
    return f"{value} {figure.unit}"


@dataclass
class Results:
    machine: dict[str, Any]
    figures: list[Figure] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    # Phases that raised, with the error: the others' figures are still written.
    failed: dict[str, str] = field(default_factory=dict)
    # Each finished phase's seconds and the load average at its end: the machine is shared.
    phases: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Written again after every phase: a run stopped half-way keeps the phases it finished.
    output: Path | None = None

    def add(self, figures: Sequence[Figure]) -> None:
        self.figures += figures

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Run a phase; if it fails, record why and go on with the next."""
        started = time.monotonic()
        try:
            yield
        except Exception as error:
            console.print_exception(max_frames=8)
            self.failed[name] = f"{type(error).__name__}: {error}"[:2000]
        finally:
            self.phases[name] = {
                "seconds": round(time.monotonic() - started, 1),
                "load_average_at_end": [round(load, 2) for load in os.getloadavg()],
            }
            if self.output is not None:
                self.write(self.output)

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        document = {
            "machine": {
                **self.machine,
                "load_average_at_end": [round(load, 2) for load in os.getloadavg()],
            },
            "duration_s": round(time.monotonic() - self.started, 1),
            "repeats": repeats(),
            "phases": self.phases,
            "figures": [figure.to_dict() for figure in self.figures],
            "targets": self.targets(),
            "failed": self.failed,
        }
        path.write_text(json.dumps(document, indent=2) + "\n")

    def targeted(self) -> list[Figure]:
        return [figure for figure in self.figures if figure.limit is not None]

    def targets(self) -> dict[str, Any]:
        """The figures that have a target: how many met and missed, and each one."""
        targeted = self.targeted()
        return {
            "met": sum(figure.met is True for figure in targeted),
            "missed": sum(figure.met is False for figure in targeted),
            "figures": [
                {
                    "family": figure.family,
                    "name": figure.name,
                    "value": figure.value,
                    "unit": figure.unit,
                    "limit": figure.limit,
                    "met": figure.met,
                }
                for figure in targeted
            ],
        }

    def targets_table(self) -> Table:
        """The summary's last word: every target, met or missed."""
        counts = self.targets()
        table = Table(
            title=f"targets: {counts['met']} met, {counts['missed']} missed",
            title_justify="left",
        )
        for column in ("family", "figure", "value", "target", ""):
            table.add_column(column, overflow="fold")
        for figure in self.targeted():
            mark = "[green]met[/]" if figure.met else "[red]MISSED[/]"
            table.add_row(
                figure.family, figure.name, value_text(figure), f"<= {figure.limit:g}", mark
            )
        return table

    def markdown(self) -> str:
        """The figures as the table in docs/performance.md."""
        rows = [
            "| family | figure | value | target | | note |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for figure in self.figures:
            target = f"<= {figure.limit:g}" if figure.limit is not None else ""
            mark = {True: "met", False: "**missed**", None: ""}[figure.met]
            rows.append(
                f"| {figure.family} | {figure.name} | {value_text(figure)} | {target} | {mark} "
                f"| {figure.note} |"
            )
        return "\n".join(rows) + "\n"

    def table(self) -> Table:
        table = Table(title="dubflow benchmarks", title_justify="left")
        for column in ("family", "figure", "value", "target", "", "note"):
            table.add_column(column, overflow="fold")
        for figure in self.figures:
            target = f"<= {figure.limit:g}" if figure.limit is not None else ""
            mark = {True: "[green]met[/]", False: "[red]MISSED[/]", None: ""}[figure.met]
            table.add_row(
                figure.family,
                figure.name,
                value_text(figure),
                target,
                mark,
                figure.note,
            )
        return table


console = Console(width=160)


def say(message: str) -> None:
    """Progress on stderr-like console output, with the time since the start."""
    console.log(message)
