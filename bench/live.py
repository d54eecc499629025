"""The real stack (`scripts/dev.sh` through `testing/stack.py`: uvicorn, the Dagster daemon
with its sensors and run queue, optionally the webserver) on loopback over a private data
directory, and what the benchmarks read from it: jobs followed through the API, the peak memory
of every process, and the sensors' ticks."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg
import httpx
from dagster._core.scheduler.instigation import InstigatorType

from bench.appdb import user_key
from dubbing_api.client import DubflowClient
from testing.stack import Stack, start_stack

POLL_SECONDS = 0.2


def _epoch(timestamp: str) -> float:
    """An API timestamp (UTC; SQLite drops the offset) as seconds since the epoch."""
    parsed = datetime.fromisoformat(timestamp)
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def _proc(pid: int, name: str) -> str:
    return Path(f"/proc/{pid}/{name}").read_text(errors="replace")


class MemorySampler:
    """Peak resident memory (VmHWM) of every process under the stack, sampled in a thread.
    VmHWM is the process's own high-water mark, so a sample just before a run worker exits
    still sees its peak."""

    def __init__(self, root_pids: list[int], interval: float = 0.25) -> None:
        self.root_pids = root_pids
        self.interval = interval
        self.peak_kib: dict[int, int] = {}
        self.command: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _descendants(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    # The command may contain spaces and parentheses: the ppid follows the last ")".
                    ppid = int(_proc(int(entry.name), "stat").rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(entry.name))
        found, frontier = [], list(self.root_pids)
        while frontier:
            pid = frontier.pop()
            for child in children.get(pid, []):
                found.append(child)
                frontier.append(child)
        return found

    def sample(self) -> None:
        for pid in self._descendants():
            try:
                status = _proc(pid, "status")
                command = _proc(pid, "cmdline").replace("\0", " ")
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    self.peak_kib[pid] = max(self.peak_kib.get(pid, 0), int(line.split()[1]))
            self.command.setdefault(pid, command)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def role(self, pid: int) -> str:
        """The stack's service a process is (run workers are found by pid: their stages
        record it)."""
        command = self.command.get(pid, "")
        for marker, role in (
            ("uvicorn", "api"),
            ("dagster-webserver", "webserver"),
            ("dagster-daemon", "daemon"),
            ("api grpc", "code server"),
        ):
            if marker in command:
                return role
        return "other"

    def peaks_by_role(self) -> dict[str, float]:
        roles = {self.role(pid) for pid in self.peak_kib}
        return {role: self.peak_mib(role) for role in sorted(roles)}

    def peak_mib(self, role: str | None = None, pids: set[int] | None = None) -> float:
        """The highest peak among the processes of `role` and/or `pids`."""
        peaks = [
            kib
            for pid, kib in self.peak_kib.items()
            if (role is None or self.role(pid) == role) and (pids is None or pid in pids)
        ]
        return round(max(peaks, default=0) / 1024, 1)


@dataclass
class StageSpan:
    lang: str
    stage: str
    start: float
    end: float
    seconds: float
    workers: set[int] = field(default_factory=set)


# The stages that (re)write the master playlist: a language is playable once both finished.
PUBLISHING_STAGES = ("audio_rendition", "subtitles")


@dataclass
class FollowedJob:
    """A job followed from `t0` (epoch seconds: upload complete, or a retry) until the API
    said it succeeded."""

    job: dict[str, Any]
    t0: float
    succeeded: float

    @property
    def playable(self) -> float:
        """When every language was playable: the last publishing stage finished."""
        return max(span.end for span in self.spans() if span.stage in PUBLISHING_STAGES)

    @property
    def first_playable(self) -> float:
        ends: dict[str, float] = {}
        for span in self.spans():
            if span.stage in PUBLISHING_STAGES:
                ends[span.lang] = max(ends.get(span.lang, 0.0), span.end)
        return min(ends.values())

    @property
    def wall_s(self) -> float:
        """From `t0` to every language playable."""
        return self.playable - self.t0

    def spans(self) -> list[StageSpan]:
        """The stages that ran after `t0` (a retry leaves the others' earlier records)."""
        rows = [("", s) for s in self.job["stages"]]
        rows += [(lang["language"], s) for lang in self.job["languages"] for s in lang["stages"]]
        spans = []
        for lang, stage in rows:
            if stage["startedAt"] and stage["finishedAt"] and _epoch(stage["startedAt"]) >= self.t0:
                workers = {
                    int(attempt["worker"].rsplit(":", 1)[1])
                    for attempt in stage["history"]
                    if _epoch(attempt["startedAt"]) >= self.t0
                }
                spans.append(
                    StageSpan(
                        lang,
                        stage["stage"],
                        _epoch(stage["startedAt"]),
                        _epoch(stage["finishedAt"]),
                        stage["durationSeconds"],
                        workers,
                    )
                )
        return sorted(spans, key=lambda span: span.start)

    def busy_s(self) -> float:
        """Seconds during which at least one of the job's stages was running (the union of
        their intervals: dub runs of different languages overlap)."""
        total, covered_to = 0.0, self.t0
        for span in self.spans():
            start = max(span.start, covered_to)
            if span.end > start:
                total += span.end - start
                covered_to = span.end
        return total

    def attempts(self) -> dict[tuple[str, str], int]:
        """How many attempts each stage has had in the job's whole life."""
        rows = [("", s) for s in self.job["stages"]]
        rows += [(lang["language"], s) for lang in self.job["languages"] for s in lang["stages"]]
        return {(lang, stage["stage"]): len(stage["history"]) for lang, stage in rows}


# The run events that mark where a run's time goes, in the order they happen.
RUN_MARKS = {
    dg.DagsterEventType.RUN_STARTING: "dequeued",
    dg.DagsterEventType.RUN_START: "started",
    dg.DagsterEventType.RUN_SUCCESS: "succeeded",
}


@dataclass(frozen=True)
class RunTimeline:
    """When a Dagster run was created (by a sensor), dequeued (by the run queue), started (its
    worker process up) and succeeded; epoch seconds."""

    run_id: str
    job_name: str
    created: float
    marks: dict[str, float]


def run_timelines(dagster_home: Path, run_ids: list[str]) -> list[RunTimeline]:
    timelines = []
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        for record in instance.get_run_records(dg.RunsFilter(run_ids=run_ids)):
            marks: dict[str, float] = {}
            for entry in instance.all_logs(record.dagster_run.run_id, of_type=set(RUN_MARKS)):
                if entry.dagster_event_type is not None:
                    marks.setdefault(RUN_MARKS[entry.dagster_event_type], entry.timestamp)
            timelines.append(
                RunTimeline(
                    record.dagster_run.run_id,
                    record.dagster_run.job_name,
                    record.create_timestamp.timestamp(),
                    marks,
                )
            )
    return sorted(timelines, key=lambda timeline: timeline.created)


@dataclass(frozen=True)
class Tick:
    sensor: str
    start: float
    seconds: float
    runs: int


def sensor_ticks(dagster_home: Path, since: float = 0.0) -> list[Tick]:
    """Every finished tick of every sensor since `since` (epoch seconds), from the instance."""
    ticks = []
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        for state in instance.all_instigator_state(instigator_type=InstigatorType.SENSOR):
            for tick in instance.get_ticks(
                state.instigator_origin_id, state.selector_id, after=since
            ):
                if tick.end_timestamp is not None:
                    ticks.append(
                        Tick(
                            state.instigator_name,
                            tick.timestamp,
                            tick.end_timestamp - tick.timestamp,
                            len(tick.run_ids),
                        )
                    )
    return ticks


@dataclass
class LiveStack:
    stack: Stack
    key: str
    client: DubflowClient
    memory: MemorySampler

    @property
    def dagster_home(self) -> Path:
        return self.stack.data_dir / "dagster"

    def ticks(self, since: float) -> list[Tick]:
        return sensor_ticks(self.dagster_home, since)

    def runs(self, followed: FollowedJob) -> list[RunTimeline]:
        """The Dagster runs `followed` made (those created after its start)."""
        ids = [run["runId"] for run in followed.job["dagsterRuns"]]
        return [run for run in run_timelines(self.dagster_home, ids) if run.created >= followed.t0]

    def follow(self, job_id: str, t0: float, timeout: float = 600) -> FollowedJob:
        """Poll the job until it is finished; it must succeed, and its master playlist must
        list every language."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.client.job(job_id)
            now = time.time()
            if job["status"] in ("succeeded", "failed", "cancelled"):
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} still {job['status']} after {timeout:.0f} s")
            time.sleep(POLL_SECONDS)
        if job["status"] != "succeeded":
            raise RuntimeError(
                f"job {job_id} {job['status']}: {job['errorCode']} {job['errorMessage']}"
            )
        master = httpx.get(self.client.playback(job_id)["url"]).text
        missing = [lang["language"] for lang in job["languages"]
                   if f'LANGUAGE="{lang["language"]}"' not in master]  # fmt: skip
        if missing:
            raise RuntimeError(f"job {job_id} succeeded but its master playlist lacks {missing}")
        return FollowedJob(job, t0, now)

    def dub(
        self, video: Path, langs: list[str], source: str = "en", timeout: float = 600
    ) -> FollowedJob:
        """Upload `video` in parts, then time from upload complete to every language playable."""
        upload_id = self.client.upload(video)
        t0 = time.time()
        job = self.client.create_job(upload_id, langs, source)
        return self.follow(job["id"], t0, timeout)


@contextmanager
def live_stack(
    data_dir: Path,
    services: str = "api,daemon",
    database_url: str = "",
    settings: dict[str, str] | None = None,
) -> Iterator[LiveStack]:
    """The stack over `data_dir` (kept between calls: the benchmarks restart it over the same
    data), with a benchmark user and its memory sampled; its application database is
    `database_url` (SQLite in `data_dir` by default), `settings` more of its environment."""
    data_dir.mkdir(parents=True, exist_ok=True)
    # The benchmarks measure the API, not its rate limits: writes are not limited here.
    environment = {"DUBFLOW_RATE_LIMIT_WRITES": "1000000/minute", **(settings or {})}
    if database_url:
        environment["DUBFLOW_DATABASE_URL"] = database_url
    stack = start_stack(data_dir, services, environment)
    memory = MemorySampler([process.pid for process in stack.processes])
    memory.start()
    try:
        # An admin: the benchmarks read which run worker ran each stage (internals).
        _, key = user_key(stack.database_url, "bench@bench.local", "admin")
        yield LiveStack(stack, key, DubflowClient(stack.api_url, key), memory)
    finally:
        memory.stop()
        stack.stop()
