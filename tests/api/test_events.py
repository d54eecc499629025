"""Live progress: the events the database triggers record, streamed as Server-Sent Events.

The pipeline's own writes (`JobStore`) stand in for a run here; tests/e2e/test_stack.py follows a
real job through the real pipeline.
"""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from anyio import to_thread
from fastapi.testclient import TestClient
from sqlalchemy import event

from dubbing_api.client import parse_event_stream
from dubbing_api.core.config import ApiSettings
from dubbing_api.main import create_app
from dubbing_api.services.events import ChangeFeed, Scope, prune_progress, stream
from dubbing_core.db.session import get_engine
from resources.jobstore import JobStore
from tests.api.conftest import upload_file


def _job(client: TestClient, headers: dict[str, str], upload_id: str) -> str:
    body = {"uploadId": upload_id, "sourceLanguage": "en", "targets": [{"language": "es"}]}
    response = client.post("/v1/jobs", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _run_job(store: JobStore, job_id: str) -> None:
    """What the pipeline writes for a job that succeeds: one job stage shown, one language."""
    store.stage_started(job_id, "", "source_video", run_id="run-1", attempt=1)
    store.stage_progress(job_id, "", "source_video", 0.5)
    store.stage_finished(job_id, "", "source_video", status="succeeded", duration_s=1.0)
    store.language_succeeded(job_id, "es")


def test_a_jobs_stream_replays_its_events_in_order_and_ends_with_the_job(
    client, alice, settings, sample_video
):
    job_id = _job(client, alice, upload_file(client, alice, sample_video))
    _run_job(JobStore(database_url=settings.resolved_database_url), job_id)
    with client.stream("GET", f"/v1/jobs/{job_id}/events", headers=alice) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = list(parse_event_stream(response.iter_lines()))
    kinds = [
        (e["event"], e["data"].get("stage"), e["data"].get("status"), e["data"].get("progress"))
        for e in events
    ]
    assert kinds == [
        ("job.status", None, "queued", None),
        ("stage.status", "source_video", "running", None),
        ("job.status", None, "running", None),
        ("stage.progress", "source_video", None, 0.5),
        ("stage.status", "source_video", "succeeded", None),
        ("stage.progress", "source_video", None, 1.0),
        ("language.ready", None, None, None),
        ("job.status", None, "succeeded", None),
    ]
    assert events[1]["data"]["language"] is None and events[6]["data"]["language"] == "es"
    assert [e["data"]["type"] for e in events] == [e["event"] for e in events]
    assert all(e["data"]["jobId"] == job_id for e in events)
    ids = [int(e["id"]) for e in events]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_last_event_id_resumes_after_that_event(client, alice, settings, sample_video):
    job_id = _job(client, alice, upload_file(client, alice, sample_video))
    _run_job(JobStore(database_url=settings.resolved_database_url), job_id)
    with client.stream("GET", f"/v1/jobs/{job_id}/events", headers=alice) as response:
        everything = list(parse_event_stream(response.iter_lines()))
    resume_after = everything[3]["id"]
    headers = {**alice, "Last-Event-ID": resume_after}
    with client.stream("GET", f"/v1/jobs/{job_id}/events", headers=headers) as response:
        rest = list(parse_event_stream(response.iter_lines()))
    assert rest == everything[4:]
    bad = client.get(f"/v1/jobs/{job_id}/events", headers={**alice, "Last-Event-ID": "x"})
    assert bad.status_code == 422 and bad.json()["code"] == "request.invalid"


def test_a_running_jobs_stream_delivers_new_events_as_they_are_committed(
    client, alice, settings, sample_video
):
    job_id = _job(client, alice, upload_file(client, alice, sample_video))
    store = JobStore(database_url=settings.resolved_database_url)
    store.stage_started(job_id, "", "source_video", run_id="run-1", attempt=1)
    with client.stream("GET", f"/v1/jobs/{job_id}/events", headers=alice) as response:
        events = parse_event_stream(response.iter_lines())
        seen = [next(events) for _ in range(3)]
        assert [e["event"] for e in seen] == ["job.status", "stage.status", "job.status"]
        store.stage_progress(job_id, "", "source_video", 0.25)
        live = next(events)
        assert live["event"] == "stage.progress" and live["data"]["progress"] == 0.25
        store.job_cancelled(job_id)
        # The stream ends by itself after the job's last events.
        rest = list(events)
    ended = [(e["event"], e["data"]["status"]) for e in rest]
    # The job and every one of its nine stages (four job stages, five of "es").
    assert sorted(ended) == [("job.status", "cancelled")] + [("stage.status", "cancelled")] * 9


def test_the_users_stream_carries_new_events_of_every_own_job_only(
    client, alice, bob, settings, sample_video
):
    store = JobStore(database_url=settings.resolved_database_url)
    alices = _job(client, alice, upload_file(client, alice, sample_video))
    bobs = _job(client, bob, upload_file(client, bob, sample_video))
    with client.stream("GET", "/v1/events", headers=alice) as response:
        events = parse_event_stream(response.iter_lines())
        store.stage_started(bobs, "", "source_video", run_id="run-b", attempt=1)
        store.stage_started(alices, "", "source_video", run_id="run-a", attempt=1)
        first, second = next(events), next(events)
    # Created before the stream opened: not replayed; bob's never shown.
    assert [(e["event"], e["data"]["jobId"]) for e in (first, second)] == [
        ("stage.status", alices),
        ("job.status", alices),
    ]


def test_another_users_job_is_not_found_and_a_stream_needs_a_key(client, alice, bob, sample_video):
    job_id = _job(client, alice, upload_file(client, alice, sample_video))
    response = client.get(f"/v1/jobs/{job_id}/events", headers=bob)
    assert response.status_code == 404 and response.json()["code"] == "job.not_found"
    assert client.get("/v1/events").json()["code"] == "auth.missing_key"


def test_open_streams_are_bounded_per_user(settings: ApiSettings, alice, sample_video):
    bounded = settings.model_copy(update={"events_max_streams_per_user": 1})
    with TestClient(create_app(bounded)) as client:
        with client.stream("GET", "/v1/events", headers=alice) as first:
            assert first.status_code == 200
            second = client.get("/v1/events", headers=alice)
            assert second.status_code == 429
            assert second.json()["code"] == "events.too_many_streams"
        # The slot is given back when the stream closes.
        with client.stream("GET", "/v1/events", headers=alice) as again:
            assert again.status_code == 200


def test_progress_events_of_jobs_finished_long_ago_are_pruned_and_the_rest_still_replays(
    client, alice, settings, sample_video
):
    store = JobStore(database_url=settings.resolved_database_url)
    finished = _job(client, alice, upload_file(client, alice, sample_video))
    _run_job(store, finished)
    running = _job(client, alice, upload_file(client, alice, sample_video))
    store.stage_started(running, "", "source_video", run_id="run-2", attempt=1)
    store.stage_progress(running, "", "source_video", 0.5)

    def replay(job_id: str) -> list[dict[str, Any]]:
        with client.stream("GET", f"/v1/jobs/{job_id}/events", headers=alice) as response:
            return list(parse_event_stream(response.iter_lines()))

    # The finished job's stream ends though a later job has events (ids past its own).
    before = replay(finished)
    url = settings.resolved_database_url
    # Nothing finished before an hour ago; everything finished before an hour from now, but
    # only finished jobs lose their progress.
    assert prune_progress(url, datetime.now(UTC) - timedelta(hours=1)) == 0
    assert prune_progress(url, datetime.now(UTC) + timedelta(hours=1)) == 2

    assert replay(finished) == [event for event in before if event["event"] != "stage.progress"]
    store.job_cancelled(running)  # so that its stream ends
    assert "stage.progress" in [event["event"] for event in replay(running)]


def test_one_event_reaches_many_streams_for_one_query_not_one_per_stream(
    client, alice, settings, sample_video
):
    """The feed reads each event once and the streams take it from memory: the database's work
    per event does not grow with the streams following the job."""
    job_id = _job(client, alice, upload_file(client, alice, sample_video))
    user_id = client.get("/v1/me", headers=alice).json()["id"]
    store = JobStore(database_url=settings.resolved_database_url)
    store.stage_started(job_id, "", "source_video", run_id="run-1", attempt=1)
    streams_count = 20
    statements: list[str] = []

    def counted(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    async def follow() -> list[dict[str, Any]]:
        feed = ChangeFeed(settings)
        await feed.start()
        scope = Scope(user_id=user_id, job_id=job_id)
        streams = [stream(feed, settings, scope, 0) for _ in range(streams_count)]
        try:
            for followed in streams:  # the job's replay: created, stage started, job running
                assert [(await anext(followed)).event for _ in range(3)] == [
                    "job.status", "stage.status", "job.status"
                ]  # fmt: skip
            engine = get_engine(settings.resolved_database_url)
            await to_thread.run_sync(store.stage_progress, job_id, "", "source_video", 0.5)
            event.listen(engine, "before_cursor_execute", counted)
            try:
                live = await asyncio.wait_for(
                    asyncio.gather(*(anext(followed) for followed in streams)), 60
                )
            finally:
                event.remove(engine, "before_cursor_execute", counted)
            return [{"event": sse.event, "data": sse.raw_data} for sse in live]
        finally:
            for followed in streams:
                await followed.aclose()
            await feed.stop()

    live = asyncio.run(follow())
    assert [item["event"] for item in live] == ["stage.progress"] * streams_count
    assert all('"progress":0.5' in item["data"] for item in live)
    # At most the feed's own read of the new event (none if it had read it already).
    assert len(statements) <= 1, statements
