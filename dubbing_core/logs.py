"""Structured logs: one JSON object per line, with the same field names in the API, the sensors
and every stage (`jobId`, `asset`, `partition`, `stage`, `event`, `runId`, `attempt`,
`durationMs`, `timestamp`), so a job can be followed across processes with one filter.

Secrets and personal data never reach a line: API keys, bearer tokens, URL signatures and
credentials, and e-mail addresses are scrubbed here, in the one place every line goes through.
"""

import json
import re
import sys
from collections.abc import Callable
from typing import Any

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

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


def _scrub_processor(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    scrubbed: EventDict = _scrubbed(dict(event_dict))
    return scrubbed


def _drop_none(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    return {key: value for key, value in event_dict.items() if value is not None}


Sink = Callable[[str], None]


class _LineLogger:
    """Hands each rendered line to its sinks: a stream, Dagster's event log, a run's archive."""

    def __init__(self, sinks: list[Sink]) -> None:
        self.sinks = sinks

    def msg(self, line: str) -> None:
        for sink in self.sinks:
            sink(line)

    info = debug = warning = error = critical = exception = msg


def _processors() -> list[Processor]:
    return [
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="timestamp"),
        structlog.processors.format_exc_info,
        _drop_none,
        _scrub_processor,
        structlog.processors.JSONRenderer(sort_keys=False, default=str),
    ]


def to_stderr(line: str) -> None:
    # Looked up at each call: the process's stderr may be replaced after the logger is made.
    print(line, file=sys.stderr, flush=True)


def get_logger(*, sinks: list[Sink] | None = None, **context: Any) -> Any:
    """A logger bound to `context` (e.g. `jobId=…, stage=…`): `log.info("stage.started")`
    writes one JSON line whose `event` is the first argument, to stderr unless `sinks` say
    otherwise."""
    logger = _LineLogger(sinks if sinks is not None else [to_stderr])
    return structlog.wrap_logger(logger, processors=_processors()).bind(**context)


def parse_line(line: str) -> dict[str, Any] | None:
    """A JSON log line as a dict (None if the line is not one of ours)."""
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) and "event" in value else None
