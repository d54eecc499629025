"""Operations on a real job: an injected storage outage is retried with back-off (every attempt,
its error and wait visible in the job history API and in Dagster's event log), every stage's
structured log lines are archived and served by the logs API (only failures' in Dagster's too),
and `/metrics` is valid Prometheus text (checked by `promtool`) whose stage figures match what
ran."""

import json
import re
import subprocess

import pytest
from fastapi.testclient import TestClient

from dubbing_api.core.config import ApiSettings
from dubbing_api.main import create_app
from dubbing_core import keys
from dubbing_core.logs import parse_line
from dubflow_cli.admin import create_key, create_user
from testing.harness import make_pipeline
from testing.media import MEDIA, make_video
from tests.api.conftest import upload_file

# Attempt 1: its probe write and its log archive fail; attempt 2: its probe write fails (the
# archive, taking attempt 1's lines along, succeeds); attempt 3 succeeds.
FAULTY_WRITES = 3


@pytest.fixture(scope="module")
def operated(tmp_path_factory, models_dir):
    tmp = tmp_path_factory.mktemp("ops")
    video = make_video(tmp / "clip.mp4", MEDIA / "multilingual.mp3", seconds=6.0)
    settings = ApiSettings(
        data_dir=tmp,
        storage_url=str(tmp / "storage"),
        public_url="http://testserver",
        signing_secret="test-secret",
        dagster_graphql_url="http://127.0.0.1:9/graphql",
        metrics_token="ops-metrics-token",
    )
    with TestClient(create_app(settings)) as client:
        create_user(settings.resolved_database_url, "ops@example.com")
        key = create_key(settings.resolved_database_url, "ops@example.com")
        headers = {"Authorization": f"Bearer {key}"}
        upload_id = upload_file(client, headers, video)
        job_id = client.post(
            "/v1/jobs",
            json={"uploadId": upload_id, "sourceLanguage": "en", "targets": [{"language": "es"}]},
            headers=headers,
        ).json()["id"]
        pipeline = make_pipeline(tmp, models_dir, fault_storage_writes=FAULTY_WRITES)
        pipeline.instance.add_dynamic_partitions("job_partitions", [job_id])
        ingest = pipeline.ingest(job_id)
        dub = pipeline.dub(job_id, "es")
        yield client, headers, pipeline, job_id, ingest, dub


def _stage(job: dict, name: str) -> dict:
    return next(stage for stage in job["stages"] if stage["stage"] == name)


def test_a_storage_outage_is_retried_with_backoff_and_recorded(operated):
    client, headers, _, job_id, ingest, dub = operated
    assert ingest.success and dub.success
    retries = [
        event
        for event in ingest.all_events
        if event.event_type_value == "STEP_UP_FOR_RETRY" and event.step_key == "source_video"
    ]
    assert len(retries) == 2  # Dagster's event log shows both retries

    job = client.get(f"/v1/jobs/{job_id}", headers=headers).json()
    source = _stage(job, "source_video")
    assert source["status"] == "succeeded" and source["attempt"] == 3
    history = source["history"]
    assert [a["status"] for a in history] == ["retrying", "retrying", "succeeded"]
    assert [a["errorCode"] for a in history] == ["storage.unavailable"] * 2 + [None]
    assert "injected storage fault" in history[0]["errorMessage"]
    assert history[0]["waitSeconds"] is None
    assert all(a["waitSeconds"] is not None and a["waitSeconds"] > 0 for a in history[1:])
    # The other stages ran once: the outage was over.
    assert all(len(_stage(job, s)["history"]) == 1 for s in ("source_audio", "transcript"))
    assert job["logsKey"] is not None and job["logsKey"].startswith(keys.logs_prefix(job_id))


def test_only_failures_add_their_lines_to_dagsters_event_log(operated):
    _, _, pipeline, _, ingest, _ = operated
    lines = [
        parse_line(record.user_message)
        for record in pipeline.instance.all_logs(ingest.run_id)
        if record.dagster_event is None
    ]
    ours = [(line["event"], line["attempt"]) for line in lines if line and "stage" in line]
    # Starts and successes are Dagster's own step events: one event-log write fewer each.
    assert ours == [("stage.failed", 1), ("stage.failed", 2)]


def test_every_stage_logs_are_archived_and_paged_by_the_api(operated):
    client, headers, pipeline, job_id, ingest, dub = operated
    archives = pipeline.store.list(keys.logs_prefix(job_id))
    assert sorted(archives) == sorted(
        [keys.run_log(job_id, ingest.run_id), keys.run_log(job_id, dub.run_id)]
    )
    lines = [
        json.loads(line)
        for key in archives
        for line in pipeline.store.read_bytes(key).decode().splitlines()
    ]
    for line in lines:
        assert {"jobId", "asset", "partition", "stage", "event", "runId", "attempt"} <= set(line)
        assert line["jobId"] == job_id and line["timestamp"].endswith("Z")
    finished = [line for line in lines if line["event"] == "stage.finished"]
    assert len(finished) == 9 and all(line["durationMs"] >= 0 for line in finished)

    page = client.get(
        f"/v1/jobs/{job_id}/logs", params={"stage": "source_video"}, headers=headers
    ).json()
    events = [(item["event"], item["attempt"]) for item in page["items"]]
    # Attempt 1's lines survived the failed archive write and arrived with attempt 2's.
    assert events == [
        ("stage.started", 1),
        ("stage.failed", 1),
        ("stage.started", 2),
        ("stage.failed", 2),
        ("stage.started", 3),
        ("stage.finished", 3),
    ]
    assert page["items"][1]["fields"]["errorCode"] == "storage.unavailable"
    assert page["items"][1]["fields"]["willRetry"] is True

    spanish = client.get(
        f"/v1/jobs/{job_id}/logs", params={"language": "es", "limit": 4}, headers=headers
    ).json()
    assert len(spanish["items"]) == 4 and spanish["nextCursor"]
    rest = client.get(
        f"/v1/jobs/{job_id}/logs",
        params={"language": "es", "limit": 100, "cursor": spanish["nextCursor"]},
        headers=headers,
    ).json()
    assert len(spanish["items"]) + len(rest["items"]) == 10 and rest["nextCursor"] is None
    forged = client.get(
        f"/v1/jobs/{job_id}/logs", params={"cursor": "eyJvIjo1fQ.0000"}, headers=headers
    )
    assert forged.status_code == 400 and forged.json()["code"] == "cursor.invalid"


def _samples(text: str) -> dict[str, float]:
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples


def test_metrics_pass_promtool_and_match_what_ran(operated):
    client = operated[0]
    token = client.app.state.settings.metrics_token
    text = client.get("/metrics", headers={"Authorization": f"Bearer {token}"}).text
    check = subprocess.run(
        ["promtool", "check", "metrics"], input=text, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    samples = _samples(text)
    assert samples['dubflow_stage_attempts_total{outcome="retrying",stage="source_video"}'] == 2
    assert samples['dubflow_stage_attempts_total{outcome="succeeded",stage="source_video"}'] == 1
    assert samples['dubflow_stage_retries_total{stage="source_video"}'] == 2
    assert (
        samples['dubflow_stage_errors_total{code="storage.unavailable",stage="source_video"}'] == 2
    )
    assert samples['dubflow_stage_duration_seconds_count{stage="source_video"}'] == 3
    for stage in ("transcript", "translation", "dubbed_speech", "dubbed_mix", "subtitles"):
        assert samples[f'dubflow_stage_attempts_total{{outcome="succeeded",stage="{stage}"}}'] == 1
        assert samples[f'dubflow_stage_duration_seconds_count{{stage="{stage}"}}'] == 1
    assert samples["dubflow_job_queue_wait_seconds_count"] == 1
    assert samples['dubflow_jobs{status="running"}'] == 1  # the sensors would mark it succeeded
    requests = [k for k in samples if k.startswith("dubflow_http_requests_total")]
    assert any('route="/v1/jobs/{job_id}"' in k for k in requests)


def test_log_lines_never_carry_secrets(operated, capfd):
    client, headers, _, job_id, _, _ = operated
    playback = client.get(f"/v1/jobs/{job_id}/playback", headers=headers)
    signed = playback.json()["url"] if playback.status_code == 200 else f"/v1/jobs/{job_id}"
    client.get(signed.replace("http://testserver", ""))
    client.get("/v1/jobs", headers={"Authorization": "Bearer dfk_not-a-real-key-but-secret"})
    err = capfd.readouterr().err
    access = [json.loads(line) for line in err.splitlines() if '"http.request"' in line]
    assert access, err
    assert headers["Authorization"].split()[1] not in err
    assert "dfk_not-a-real-key-but-secret" not in err
    assert not re.search(r"signature=[0-9a-f]{16}", err)
    assert any(line.get("jobId") == job_id for line in access)
