"""Start the real stack (`scripts/dev.sh`: uvicorn, dagster-webserver, dagster-daemon) on loopback
for a test."""

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from dubbing_api.admin import create_key, create_user
from dubbing_api.db import migrate
from tests.conftest import ROOT
from tests.servers import free_port


@dataclass
class Stack:
    data_dir: Path
    api_url: str
    dagster_url: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.data_dir / 'app.db'}"

    def api_key(self, email: str) -> str:
        migrate(self.database_url)
        create_user(self.database_url, email)
        return create_key(self.database_url, email)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def _wait(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the stack exited early:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} not up after {timeout} s:\n{log.read_text()[-3000:]}")


def start_stack(data_dir: Path, services: str = "api,webserver,daemon") -> Stack:
    """Start `services` (see `scripts/dev.sh`) and wait until the API (and the webserver, when
    it is one of them) answers."""
    api_port, dagster_port = free_port(), free_port()
    env = {
        **os.environ,
        "DUBFLOW_DATA_DIR": str(data_dir),
        "DUBFLOW_MODELS_DIR": str(ROOT / "data" / "models"),
        "API_PORT": str(api_port),
        "DAGSTER_PORT": str(dagster_port),
        "DAGSTER_HOME": str(data_dir / "dagster"),
        "DUBFLOW_SERVICES": services,
    }
    log = data_dir / "stack.log"
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "dev.sh")],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    stack = Stack(
        data_dir, f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{dagster_port}", process, log
    )
    try:
        _wait(f"{stack.api_url}/v1/health", process, log, 60)
        if "webserver" in services.split(","):
            _wait(f"{stack.dagster_url}/server_info", process, log, 180)
    except BaseException:
        stack.stop()
        raise
    return stack
