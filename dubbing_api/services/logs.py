"""A job's log archive (`jobs/{job}/logs/{runId}.jsonl`, written by every stage), paged."""

from typing import Any

from dubbing_api.core import cursors
from dubbing_api.core.config import ApiSettings
from dubbing_api.core.problems import Problem
from dubbing_api.schemas import LogLine, LogPage
from dubbing_api.storage import Storage
from dubbing_core import keys
from dubbing_core.db.models import Job, User
from dubbing_core.logs import parse_line

_KNOWN = {"timestamp", "level", "event", "stage", "language", "runId", "attempt", "durationMs"}


def _lines(storage: Storage, job: Job) -> list[dict[str, Any]]:
    lines = []
    for key in storage.store.list(keys.logs_prefix(job.id)):
        for raw in storage.store.read_bytes(key).decode(errors="replace").splitlines():
            parsed = parse_line(raw)
            if parsed is not None:
                lines.append(parsed)
    lines.sort(key=lambda line: str(line.get("timestamp", "")))
    return lines


def page(
    settings: ApiSettings,
    storage: Storage,
    user: User,
    job: Job,
    *,
    stage: str | None,
    language: str | None,
    cursor: str | None,
    limit: int,
) -> LogPage:
    offset = 0
    if cursor:
        position = cursors.decode(settings.secret, user.id, cursor)
        if position.get("job") != job.id or not isinstance(position.get("o"), int):
            raise Problem(400, "cursor.invalid", "the cursor is malformed or not yours")
        offset = position["o"]
    selected = [
        line
        for line in _lines(storage, job)
        if (stage is None or line.get("stage") == stage)
        and (language is None or line.get("language") == language)
    ]
    window = selected[offset : offset + limit]
    more = offset + limit < len(selected)
    return LogPage(
        items=[
            LogLine(
                timestamp=line.get("timestamp", ""),
                level=line.get("level", "info"),
                event=line["event"],
                stage=line.get("stage"),
                language=line.get("language"),
                run_id=line.get("runId"),
                attempt=line.get("attempt"),
                duration_ms=line.get("durationMs"),
                fields={k: v for k, v in line.items() if k not in _KNOWN},
            )
            for line in window
        ],
        next_cursor=cursors.encode(settings.secret, user.id, {"job": job.id, "o": offset + limit})
        if more
        else None,
    )
