"""Live progress under idle streams: `GET /v1/jobs` with many open, idle event streams against
none, on the same API process, alternated (wrk as in family 6), and the API's memory per open
stream."""

import socket
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit

from bench.api_load import LIST_URL, Load, wrk
from bench.appdb import user_key
from bench.core import Figure, alternate, ratio_figure
from bench.live import LiveStack

FAMILY = "10 live progress"
# Streams held open, as many users' browser tabs would: USERS users at the per-user limit.
USERS, STREAMS_PER_USER = 50, 8


class IdleStreams:
    """`GET /v1/events` streams held open on raw sockets (nothing arrives but heartbeats)."""

    def __init__(self, api_url: str, keys: list[str]) -> None:
        self.address = urlsplit(api_url)
        self.keys = keys
        self.sockets: list[socket.socket] = []

    def open(self) -> None:
        host, port = self.address.hostname or "127.0.0.1", self.address.port or 80
        for key in self.keys:
            for _ in range(STREAMS_PER_USER):
                connection = socket.create_connection((host, port), timeout=30)
                connection.sendall(
                    f"GET /v1/events HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n"
                    f"Authorization: Bearer {key}\r\n\r\n".encode()
                )
                head = connection.recv(4096)
                if not head.startswith(b"HTTP/1.1 200"):
                    raise RuntimeError(f"an event stream was refused: {head[:200]!r}")
                self.sockets.append(connection)

    def close(self) -> None:
        for connection in self.sockets:
            with closing(connection):
                connection.shutdown(socket.SHUT_RDWR)
        self.sockets.clear()


def _rss_mib(live: LiveStack) -> float:
    """The API's resident memory now (VmRSS: the sampler keeps peaks, which never fall)."""
    live.memory.sample()
    api = [pid for pid in live.memory.command if live.memory.role(pid) == "api"]
    return sum(vm_rss_mib(pid) for pid in api)


def vm_rss_mib(pid: int) -> float:
    """A process's resident memory now (0 once it has exited)."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return 0
    for line in status.read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0


def run_family(live: LiveStack, seconds: float) -> list[Figure]:
    url = f"{live.stack.api_url}{LIST_URL}"
    keys = [user_key(live.stack.database_url, f"viewer{n}@bench.local")[1] for n in range(USERS)]
    streams = IdleStreams(live.stack.api_url, keys)
    loads: dict[str, list[Load]] = {"streams": [], "none": []}
    rss: dict[str, float] = {}

    def with_streams() -> float:
        streams.open()
        try:
            rss["streams"] = _rss_mib(live)
            loads["streams"].append(wrk(url, live.key, seconds))
        finally:
            streams.close()
        return loads["streams"][-1].p50_ms / 1000

    def without() -> float:
        rss.setdefault("none", _rss_mib(live))
        loads["none"].append(wrk(url, live.key, seconds))
        return loads["none"][-1].p50_ms / 1000

    count = USERS * STREAMS_PER_USER
    measured = alternate({"streams": with_streams, "none": without})
    per_stream_kib = (rss["streams"] - rss["none"]) * 1024 / count
    return [
        ratio_figure(
            FAMILY,
            f"GET {LIST_URL} p50: {count} idle event streams open / none",
            measured,
            "streams",
            "none",
            note=f"{USERS} users x {STREAMS_PER_USER} streams, same API process (SQLite feed)",
        ),
        Figure(FAMILY, "API memory per open event stream", round(per_stream_kib, 1), "KiB",
               note=f"RSS with {count} streams open minus none"),
    ]  # fmt: skip
