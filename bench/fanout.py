"""Event fan-out: how many live event streams one API process and one gateway process hold, at
what memory, and how fast an event reaches all of them. N streams of one job are opened through
the gateway in front of the API (the stack's PostgreSQL, NOTIFY feed), then the job's stage
reports progress as a run worker does (`JobStore.stage_progress`); each event's delivery time is
from its commit to its arrival on a stream."""

import selectors
import socket
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import func, select

from bench.api_scale import postgres_database
from bench.core import Figure
from bench.events import vm_rss_mib
from bench.gateway import FAMILY, gateway
from bench.live import live_stack
from dubbing_core.db.models import JobEvent
from dubbing_core.db.session import session_scope
from resources.jobstore import JobStore

# Streams held open at once, one step after the other (the largest is the API's default
# `DUBFLOW_EVENTS_MAX_STREAMS`).
STEPS = (100, 500, 1000)
# Progress events driven per step, each waited for on every stream before the next.
EVENTS = 10
# Targets, stated here (the issue asks for "streams per process at bounded memory"): the
# largest step held with no error, each event on every stream within a second at p99, and at
# most 64 KiB per stream in either process.
DELIVERY_P99_LIMIT_MS = 1000.0
KIB_PER_STREAM_LIMIT = 64.0
DELIVERY_TIMEOUT_SECONDS = 60.0
OPEN_BATCH = 100
# For every stream opened to have replayed the job's history (each reads it from the database).
CATCH_UP_SECONDS = 180.0


class ChunkedReader:
    """One event stream on a raw socket: the HTTP response's chunked body decoded, the ids of
    the events it carries and when each arrived."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.raw = b""
        self.body = b""
        self.headers_done = False
        self.arrivals: list[tuple[int, float]] = []
        self.closed = False
        # The status line of a response other than 200 (the stream was refused).
        self.refused = b""

    def feed(self, data: bytes, now: float) -> None:
        if not data:
            self.closed = True
            return
        self.raw += data
        if not self.headers_done:
            head, found, rest = self.raw.partition(b"\r\n\r\n")
            if not found:
                return
            if not head.startswith(b"HTTP/1.1 200"):
                self.refused, self.closed = head.split(b"\r\n", 1)[0], True
                return
            self.headers_done, self.raw = True, rest
        while True:
            size_line, found, rest = self.raw.partition(b"\r\n")
            if not found:
                break
            size = int(size_line, 16)
            if len(rest) < size + 2:
                break
            self.body += rest[:size]
            self.raw = rest[size + 2 :]
        *frames, self.body = self.body.split(b"\n\n")
        for frame in frames:
            for line in frame.split(b"\n"):
                if line.startswith(b"id:"):
                    self.arrivals.append((int(line[3:]), now))


@dataclass
class Step:
    streams: int
    api_mib: float
    gateway_mib: float
    delivery_ms: list[float] = field(default_factory=list)
    # Streams that did not replay the job's history in time (refused, dropped or stuck), and
    # events that did not reach a stream in time.
    not_caught_up: int = 0
    missed: int = 0
    refused: Counter[str] = field(default_factory=Counter)

    @property
    def errors(self) -> int:
        return self.not_caught_up + self.missed


def _pump(readers: list[ChunkedReader], selector: selectors.BaseSelector, until: float) -> None:
    for key, _ in selector.select(max(0.0, until - time.perf_counter())):
        reader: ChunkedReader = key.data
        try:
            data = reader.connection.recv(65536)
        except OSError:
            data = b""
        reader.feed(data, time.perf_counter())
        if reader.closed:
            selector.unregister(reader.connection)


def _open(url: str, path: str, key: str, count: int) -> list[ChunkedReader]:
    address = urlsplit(url)
    host, port = address.hostname or "127.0.0.1", address.port or 80
    readers = []
    for _ in range(count):
        connection = socket.create_connection((host, port), timeout=30)
        connection.sendall(
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n"
            f"Authorization: Bearer {key}\r\n\r\n".encode()
        )
        connection.setblocking(False)
        readers.append(ChunkedReader(connection))
    return readers


def _caught_up(readers: list[ChunkedReader], last_id: int) -> bool:
    """Whether every stream still open has received the event `last_id`."""
    return all(
        reader.closed or (reader.arrivals and reader.arrivals[-1][0] >= last_id)
        for reader in readers
    )


def _measure_step(
    gateway_url: str, gateway_pid: int, api_pids: list[int], key: str, store: JobStore,
    job_id: str, count: int, progress_from: float,
) -> Step:  # fmt: skip
    selector = selectors.DefaultSelector()
    readers: list[ChunkedReader] = []
    try:
        last_id = _last_event_id(store, job_id)
        deadline = time.perf_counter() + CATCH_UP_SECONDS
        # Opened in batches, as clients come and go rather than all in one instant; each stream
        # replays the job's history first: wait for every one to reach its last event.
        while len(readers) < count:
            batch = _open(gateway_url, f"/v1/jobs/{job_id}/events", key,
                          min(OPEN_BATCH, count - len(readers)))  # fmt: skip
            for reader in batch:
                selector.register(reader.connection, selectors.EVENT_READ, reader)
            readers += batch
            while not _caught_up(readers, last_id) and time.perf_counter() < deadline:
                _pump(readers, selector, min(deadline, time.perf_counter() + 0.5))
        step = Step(
            count,
            sum(vm_rss_mib(pid) for pid in api_pids),
            vm_rss_mib(gateway_pid),
            not_caught_up=sum(
                not reader.arrivals or reader.arrivals[-1][0] < last_id for reader in readers
            ),
            refused=Counter(reader.refused.decode() for reader in readers if reader.refused),
        )
        for n in range(EVENTS):
            seen = [len(reader.arrivals) for reader in readers]
            committed = time.perf_counter()
            store.stage_progress(job_id, "", "transcript", progress_from + (n + 1) / 1000)
            event_id = _last_event_id(store, job_id)
            deadline = time.perf_counter() + DELIVERY_TIMEOUT_SECONDS
            while not _caught_up(readers, event_id) and time.perf_counter() < deadline:
                _pump(readers, selector, deadline)
            for reader, before in zip(readers, seen, strict=True):
                if reader.refused:
                    continue  # counted once, as not caught up
                arrived = [at for id_, at in reader.arrivals[before:] if id_ == event_id]
                if arrived:
                    step.delivery_ms.append((arrived[0] - committed) * 1000)
                else:
                    step.missed += 1
        step.api_mib = max(step.api_mib, sum(vm_rss_mib(pid) for pid in api_pids))
        step.gateway_mib = max(step.gateway_mib, vm_rss_mib(gateway_pid))
        return step
    finally:
        selector.close()
        for reader in readers:
            reader.connection.close()


def _last_event_id(store: JobStore, job_id: str) -> int:
    with session_scope(store.url) as session:
        return session.scalar(select(func.max(JobEvent.id)).where(JobEvent.job_id == job_id)) or 0


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def run_family(data: Path, clip: Path) -> list[Figure]:
    limits = {
        "DUBFLOW_EVENTS_MAX_STREAMS": str(max(STEPS)),
        "DUBFLOW_EVENTS_MAX_STREAMS_PER_USER": str(max(STEPS)),
    }
    with postgres_database() as url, live_stack(data, "api", url, limits) as live:
        store = JobStore(database_url=live.stack.database_url)
        job = live.client.create_job(live.client.upload(clip), ["es"], "en")
        # A running stage of a queued job (no daemon here), as a run worker would start it.
        store.stage_started(job["id"], "", "transcript", "bench-fanout", 1)
        api_pids = [pid for pid in live.memory.command if live.memory.role(pid) == "api"]
        with gateway(live.stack.api_url) as edge:
            idle = Step(0, sum(vm_rss_mib(pid) for pid in api_pids), vm_rss_mib(edge.pid))
            steps = [
                _measure_step(edge.url, edge.pid, api_pids, live.key, store, job["id"], count,
                              progress_from=index / len(STEPS))
                for index, count in enumerate(STEPS)
            ]  # fmt: skip
    figures = []
    for step in steps:
        note = f"{EVENTS} events x {step.streams} streams of one job, through the gateway"
        figures += [
            Figure(FAMILY, f"{step.streams} streams: delivery p50", round(
                _percentile(step.delivery_ms, 0.5), 1), "ms", note=note),
            Figure(FAMILY, f"{step.streams} streams: delivery p99", round(
                _percentile(step.delivery_ms, 0.99), 1), "ms", limit=DELIVERY_P99_LIMIT_MS,
                note=note),
            Figure(FAMILY, f"{step.streams} streams: errors", step.errors, "", limit=0,
                   note=f"streams without the job's history after {CATCH_UP_SECONDS:.0f} s"
                   f" ({step.not_caught_up}), events missing on a stream after "
                   f"{DELIVERY_TIMEOUT_SECONDS:.0f} s ({step.missed})",
                   detail={"not_caught_up": step.not_caught_up, "missed": step.missed,
                           "refused": dict(step.refused)}),
            Figure(FAMILY, f"{step.streams} streams: API RSS", round(step.api_mib, 1), "MiB",
                   note=f"{idle.api_mib:.1f} MiB with none"),
            Figure(FAMILY, f"{step.streams} streams: gateway RSS", round(step.gateway_mib, 1),
                   "MiB", note=f"{idle.gateway_mib:.1f} MiB with none"),
        ]  # fmt: skip
    largest = steps[-1]
    for process, mib, idle_mib in (
        ("API", largest.api_mib, idle.api_mib),
        ("gateway", largest.gateway_mib, idle.gateway_mib),
    ):
        figures.append(
            Figure(FAMILY, f"{process} memory per open event stream",
                   round((mib - idle_mib) * 1024 / largest.streams, 1), "KiB",
                   limit=KIB_PER_STREAM_LIMIT,
                   note=f"RSS with {largest.streams} streams minus none",
                   detail={"mib_by_streams": {s.streams: round(
                       s.api_mib if process == "API" else s.gateway_mib, 1) for s in steps}})
        )  # fmt: skip
    return figures
