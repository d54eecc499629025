"""Structured logs: one JSON object per line, with the same field names in the API, the sensors
and every stage (`jobId`, `asset`, `partition`, `stage`, `event`, `runId`, `attempt`,
`durationMs`, `timestamp`), so a job can be followed across processes with one filter.

Secrets and personal data never reach a line: API keys, bearer tokens, URL signatures and
credentials, and e-mail addresses are scrubbed here, in the one place every line goes through.

The lines are rendered here rather than by structlog: importing structlog imports rich (for its
tracebacks), a fifth of Dagster's own import time, paid by every run worker's start-up.
"""

import json
import re
import sys
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

REDACTED = "[redacted]"
_SECRET_FIELD = re.compile(
    r"authorization|api_?key|secret|password|token|signature|credential|cookie", re.IGNORECASE
)
_SECRET_TEXT: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+"), f"Bearer {REDACTED}"),
    (re.compile(r"\bdfk_[A-Za-z0-9_-]+"), REDACTED),  # dubflow API keys
    (
        re.compile(
            r"(?i)\b((?:x-amz-)?signature|x-amz-credential|x-amz-security-token|awsaccesskeyid)"
            r"=[^&\s\"']+"
        ),
        rf"\1={REDACTED}",
    ),
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"), "[email]"),
]


def scrub(text: str) -> str:
    for pattern, replacement in _SECRET_TEXT:
        text = pattern.sub(replacement, text)
    return text


def _scrubbed(value: Any) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {
            key: REDACTED if _SECRET_FIELD.search(str(key)) else _scrubbed(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_scrubbed(item) for item in value]
    return value


Sink = Callable[[str], None]


class Logger:
    """Bound to fields (e.g. `jobId=…, stage=…`): each call writes one JSON line with them, the
    call's own fields, `event` (the first argument), `level` and `timestamp`, to its sinks (a
    stream, Dagster's event log, a run's archive). Fields that are None are left out."""

    def __init__(self, sinks: list[Sink], fields: dict[str, Any]) -> None:
        self._sinks, self._fields = sinks, fields

    def bind(self, **fields: Any) -> "Logger":
        return Logger(self._sinks, {**self._fields, **fields})

    def _write(self, level: str, event: str, fields: dict[str, Any], exc_info: bool) -> None:
        line: dict[str, Any] = {**self._fields, **fields, "event": event, "level": level}
        line["timestamp"] = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        if exc_info:
            line["exception"] = traceback.format_exc()
        scrubbed = _scrubbed({key: value for key, value in line.items() if value is not None})
        rendered = json.dumps(scrubbed, default=str)
        for sink in self._sinks:
            sink(rendered)

    def debug(self, event: str, **fields: Any) -> None:
        self._write("debug", event, fields, False)

    def info(self, event: str, **fields: Any) -> None:
        self._write("info", event, fields, False)

    def warning(self, event: str, **fields: Any) -> None:
        self._write("warning", event, fields, False)

    def error(self, event: str, **fields: Any) -> None:
        self._write("error", event, fields, False)

    def exception(self, event: str, **fields: Any) -> None:
        """An error line with the exception being handled, as a traceback in `exception`."""
        self._write("error", event, fields, True)


def to_stderr(line: str) -> None:
    # Looked up at each call: the process's stderr may be replaced after the logger is made.
    print(line, file=sys.stderr, flush=True)


def get_logger(*, sinks: list[Sink] | None = None, **context: Any) -> Logger:
    """A logger bound to `context` (e.g. `jobId=…, stage=…`): `log.info("stage.started")`
    writes one JSON line whose `event` is the first argument, to stderr unless `sinks` say
    otherwise."""
    return Logger(sinks if sinks is not None else [to_stderr], context)


def parse_line(line: str) -> dict[str, Any] | None:
    """A JSON log line as a dict (None if the line is not one of ours)."""
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) and "event" in value else None
