"""A small Python client of `/v1` (httpx): what the demo and the live tests use, and an example
of the upload protocol for other clients."""

import json
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import httpx


class ApiError(RuntimeError):
    def __init__(self, response: httpx.Response) -> None:
        try:
            problem = response.json()
        except ValueError:
            problem = {"code": f"http.{response.status_code}", "detail": response.text[:200]}
        super().__init__(f"{response.status_code} {problem.get('code')}: {problem.get('detail')}")
        self.status = response.status_code
        self.code = problem.get("code")


def parse_event_stream(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """The events (`id`, `event`, `data` parsed from JSON) of a text/event-stream body, one
    line at a time; comments (the heartbeats) are skipped."""
    frame: dict[str, Any] = {}
    for line in lines:
        if not line:
            if frame:
                yield frame
            frame = {}
        elif not line.startswith(":"):
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            frame[field] = json.loads(value) if field == "data" else value


class DubflowClient:
    def __init__(self, base_url: str, api_key: str, timeout: float = 60.0) -> None:
        self.http = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {api_key}"}, timeout=timeout
        )

    def _call(self, method: str, url: str, **kwargs: Any) -> Any:
        response = self.http.request(method, url, **kwargs)
        if response.status_code >= 400:
            raise ApiError(response)
        return response.json() if response.content else None

    def events(self, job_id: str, last_event_id: str | None = None) -> Iterator[dict[str, Any]]:
        """Follow a job live (`GET /v1/jobs/{id}/events`): its events until it ends."""
        headers = {"Last-Event-ID": last_event_id} if last_event_id else {}
        url = f"/v1/jobs/{job_id}/events"
        # No read timeout: a stage may run for minutes between events (heartbeats aside).
        with self.http.stream(
            "GET", url, headers=headers, timeout=httpx.Timeout(60, read=None)
        ) as response:
            if response.status_code >= 400:
                response.read()
                raise ApiError(response)
            yield from parse_event_stream(response.iter_lines())

    def upload(self, path: Path, on_part: Callable[[int, int], None] | None = None) -> str:
        """Upload `path` in parts to their (presigned or signed) URLs; returns the upload id."""
        size = path.stat().st_size
        session = self._call(
            "POST",
            "/v1/uploads",
            json={"filename": path.name, "contentType": "video/mp4", "sizeBytes": size},
        )
        parts = []
        with path.open("rb") as source:
            for part in session["parts"]:
                # Part URLs carry their own authorisation: no API key is sent with them.
                response = httpx.put(part["url"], content=source.read(part["sizeBytes"]))
                if response.status_code >= 400:
                    raise ApiError(response)
                parts.append({"partNumber": part["partNumber"], "etag": response.headers["ETag"]})
                if on_part:
                    on_part(part["partNumber"], len(session["parts"]))
        self._call("POST", f"/v1/uploads/{session['id']}/complete", json={"parts": parts})
        return str(session["id"])

    def create_job(
        self, upload_id: str, languages: list[str], source_language: str = "auto"
    ) -> dict[str, Any]:
        body = {
            "uploadId": upload_id,
            "sourceLanguage": source_language,
            "targets": [{"language": lang} for lang in languages],
        }
        return dict(self._call("POST", "/v1/jobs", json=body))

    def job(self, job_id: str) -> dict[str, Any]:
        return dict(self._call("GET", f"/v1/jobs/{job_id}"))

    def cancel(self, job_id: str) -> dict[str, Any]:
        return dict(self._call("DELETE", f"/v1/jobs/{job_id}"))

    def retry(self, job_id: str, resume_from: str, languages: list[str] | None = None) -> Any:
        body: dict[str, Any] = {"resumeFrom": resume_from}
        if languages:
            body["languages"] = languages
        return self._call("POST", f"/v1/jobs/{job_id}/retry", json=body)

    @staticmethod
    def _units_url(job_id: str, language: str | None) -> str:
        if language is None:
            return f"/v1/jobs/{job_id}/units"
        return f"/v1/jobs/{job_id}/languages/{language}/units"

    def units(self, job_id: str, language: str | None = None) -> tuple[dict[str, Any], str]:
        """The job's source units (or a language's translated units) and their ETag."""
        response = self.http.get(self._units_url(job_id, language))
        if response.status_code >= 400:
            raise ApiError(response)
        return response.json(), response.headers["ETag"]

    def edit_units(
        self, job_id: str, edits: dict[int, str], etag: str, language: str | None = None
    ) -> tuple[dict[str, Any], str]:
        """Correct units' text (unit id -> new text), against the version `etag` names."""
        response = self.http.patch(
            self._units_url(job_id, language),
            json={"edits": [{"id": unit, "text": text} for unit, text in edits.items()]},
            headers={"If-Match": etag},
        )
        if response.status_code >= 400:
            raise ApiError(response)
        return response.json(), response.headers["ETag"]

    def redub(self, job_id: str, languages: list[str] | None = None) -> Any:
        body = {"languages": languages} if languages else {}
        return self._call("POST", f"/v1/jobs/{job_id}/redub", json=body)

    def logs(self, job_id: str, **filters: str) -> list[dict[str, Any]]:
        """Every log line of the job (all pages), optionally filtered by stage or language."""
        lines: list[dict[str, Any]] = []
        params: dict[str, str | int] = {**filters, "limit": 500}
        while True:
            page = self._call("GET", f"/v1/jobs/{job_id}/logs", params=params)
            lines += page["items"]
            if not page["nextCursor"]:
                return lines
            params["cursor"] = page["nextCursor"]

    def playback(self, job_id: str) -> dict[str, Any]:
        return dict(self._call("GET", f"/v1/jobs/{job_id}/playback"))

    def wait(
        self,
        job_id: str,
        timeout: float = 600.0,
        until: tuple[str, ...] = ("succeeded", "failed", "cancelled"),
        on_update: Callable[[dict[str, Any]], None] | None = None,
        interval: float = 0.5,
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            job = self.job(job_id)
            if on_update:
                on_update(job)
            if job["status"] in until:
                return job
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} still {job['status']} after {timeout:.0f} s")
            time.sleep(interval)
