"""Start the real stack (`scripts/dev.sh`: uvicorn, dagster-webserver, dagster-daemon) on loopback
for a test. The daemon runs as a service of its own, so a test can stop, crash and restart it."""

import os
import signal
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dubbing_core.db import migrate
from dubflow_cli.admin import create_key, create_user
from testing.media import ROOT
from testing.servers import free_port, wait_for_url


@dataclass
class Stack:
    data_dir: Path
    api_url: str
    dagster_url: str
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    daemon: subprocess.Popen[bytes] | None
    log: Path

    @property
    def processes(self) -> list[subprocess.Popen[bytes]]:
        """The `dev.sh` processes the stack's services run under."""
        return [self.process] + ([self.daemon] if self.daemon else [])

    @property
    def database_url(self) -> str:
        return self.env.get("DUBFLOW_DATABASE_URL") or f"sqlite:///{self.data_dir / 'app.db'}"

    def api_key(self, email: str, role: str = "user") -> str:
        migrate(self.database_url)
        create_user(self.database_url, email, role=role)
        return create_key(self.database_url, email)

    def stop(self) -> None:
        for process in reversed(self.processes):
            _stop(process)

    def crash_daemon(self) -> None:
        """kill -9 the daemon and its code server, as a machine losing the process would."""
        assert self.daemon, "the stack was started without its daemon"
        (service,) = _children(self.daemon.pid)
        os.killpg(service, signal.SIGKILL)
        self.daemon.wait(timeout=30)

    def start_daemon(self) -> None:
        self.daemon = _dev_sh(self.env, "daemon", self.log)


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _dev_sh(env: dict[str, str], services: str, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(ROOT / "scripts" / "dev.sh")],
        cwd=ROOT,
        env={**env, "DUBFLOW_SERVICES": services},
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )


def _wait(url: str, stack: Stack, timeout: float) -> None:
    def exited() -> str | None:
        if any(process.poll() is not None for process in stack.processes):
            return f"the stack exited early:\n{stack.log.read_text()[-3000:]}"
        return None

    try:
        wait_for_url(url, timeout, exited=exited)
    except TimeoutError as error:
        raise TimeoutError(f"{error}:\n{stack.log.read_text()[-3000:]}") from None


def start_stack(
    data_dir: Path,
    services: str = "api,webserver,daemon",
    environment: Mapping[str, str] | None = None,
) -> Stack:
    """Start `services` (see `scripts/dev.sh`), the daemon under a `dev.sh` of its own, and wait
    until the API (and the webserver, when it is one of them) answers. `environment` adds to
    (or overrides) the stack's environment."""
    wanted = services.split(",")
    api_port, dagster_port = free_port(), free_port()
    env = {
        **os.environ,
        "DUBFLOW_DATA_DIR": str(data_dir),
        "DUBFLOW_MODELS_DIR": str(ROOT / "data" / "models"),
        "API_PORT": str(api_port),
        "DAGSTER_PORT": str(dagster_port),
        "DAGSTER_HOME": str(data_dir / "dagster"),
        **(environment or {}),
    }
    log = data_dir / "stack.log"
    stack = Stack(
        data_dir,
        f"http://127.0.0.1:{api_port}",
        f"http://127.0.0.1:{dagster_port}",
        env,
        process=_dev_sh(env, ",".join(s for s in wanted if s != "daemon"), log),
        daemon=_dev_sh(env, "daemon", log) if "daemon" in wanted else None,
        log=log,
    )
    try:
        _wait(f"{stack.api_url}/v1/health", stack, 60)
        if "webserver" in wanted:
            _wait(f"{stack.dagster_url}/server_info", stack, 180)
    except BaseException:
        stack.stop()
        raise
    return stack
