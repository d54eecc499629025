"""Live: the API, the sensors and the pipeline together, on loopback, as a client sees them."""

import itertools
import os
import re
import signal
import socket
import time

import dagster as dg
import httpx
import pytest
from dagster._core.scheduler.instigation import InstigatorType

from dubbing_api.client import ApiError
from dubbing_core import keys
from resources.storage import MediaStore
from testing.media import MEDIA, make_video


def _language_stage(job: dict, stage: str) -> dict:
    """The first language's record of a per-language stage."""
    return next(s for s in job["languages"][0]["stages"] if s["stage"] == stage)


def _wait_for_running(client, job_id: str, stage: str) -> dict:
    """Poll until the first language's `stage` runs; its current attempt."""
    deadline = time.monotonic() + 600
    while (current := _language_stage(client.job(job_id), stage))["status"] != "running":
        assert time.monotonic() < deadline, f"{stage} never started"
        time.sleep(0.05)
    return current["history"][-1]


def _run_status_when_done(stack, run_id: str) -> str:
    """The Dagster run's final status, read from the webserver's GraphQL API."""
    query = "query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }"
    deadline = time.monotonic() + 60
    while True:
        answer = httpx.post(
            f"{stack.dagster_url}/graphql", json={"query": query, "variables": {"id": run_id}}
        )
        status = answer.json()["data"]["runOrError"]["status"]
        if status not in ("QUEUED", "NOT_STARTED", "STARTING", "STARTED", "CANCELING"):
            return str(status)
        assert time.monotonic() < deadline, f"run {run_id} still {status}"
        time.sleep(0.5)


def test_upload_dub_two_languages_and_play(stack, client, tmp_path):
    video = make_video(tmp_path / "clip.mp4", MEDIA / "multilingual.mp3", seconds=9)
    upload_id = client.upload(video)
    submitted = time.monotonic()
    job = client.create_job(upload_id, ["es", "ca"], "en")
    first_running = None

    def watch(current):
        nonlocal first_running
        if first_running is None and current["stages"][0]["status"] != "pending":
            first_running = time.monotonic() - submitted

    job = client.wait(job["id"], timeout=600, on_update=watch)
    playable = time.monotonic() - submitted
    print(f"upload -> first stage running {first_running:.1f} s, -> playable {playable:.1f} s")
    assert job["status"] == "succeeded", job
    assert all(lang["status"] == "succeeded" for lang in job["languages"])
    assert all(s["status"] == "succeeded" for lang in job["languages"] for s in lang["stages"])
    assert job["dagsterRuns"] and job["metrics"]["totalStageSeconds"] > 0

    master_url = client.playback(job["id"])["url"]
    master = httpx.get(master_url)
    assert master.status_code == 200
    assert master.headers["content-type"].startswith("application/vnd.apple.mpegurl")
    assert 'LANGUAGE="es"' in master.text and 'LANGUAGE="ca"' in master.text
    video_uri = master.text.strip().splitlines()[-1]
    assert "signature=" in video_uri
    playlist = httpx.get(stack.api_url + video_uri)
    segment_uri = next(line for line in playlist.text.splitlines() if line.startswith("/v1/media/"))
    segment = httpx.get(stack.api_url + segment_uri)
    assert segment.status_code == 200 and segment.content[:1] == b"G"  # MPEG-TS sync byte
    tampered = re.sub(r"signature=[0-9a-f]{4}", "signature=0000", segment_uri)
    assert httpx.get(stack.api_url + tampered).status_code == 403
    downloads = job["languages"][0]["outputs"]
    assert httpx.get(downloads["srtUrl"]).text.startswith("1\n")


def test_cancel_mid_run_then_resume_from_dubbed_speech(stack, client, tmp_path):
    video = make_video(tmp_path / "long.mp4", MEDIA / "multilingual.mp3", seconds=60)
    job = client.create_job(client.upload(video), ["es"], "en")
    job_id = job["id"]

    _wait_for_running(client, job_id, "dubbed_speech")
    cancelled = client.cancel(job_id)
    assert cancelled["status"] == "cancelled" and cancelled["terminatedRuns"]
    job = client.wait(job_id, timeout=60, until=("cancelled",))
    with pytest.raises(ApiError) as finished:
        client.cancel(job_id)
    assert finished.value.code == "job.finished"

    # The run stops where it was: no retry of the interrupted stage, no later stage.
    (run_id,) = cancelled["terminatedRuns"]
    assert _run_status_when_done(stack, run_id) == "CANCELED"
    speech = _language_stage(client.job(job_id), "dubbed_speech")
    assert speech["status"] == "cancelled" and speech["history"][-1]["status"] == "cancelled"
    assert speech["history"][-1]["errorCode"] == "run.cancelled"
    lines = client.logs(job_id, stage="dubbed_speech")
    assert [line["event"] for line in lines] == ["stage.started", "stage.failed"], lines
    assert lines[-1]["fields"]["errorCode"] == "run.cancelled"
    store = MediaStore(root=str(stack.data_dir / "storage"))
    assert not store.exists(keys.speech(job_id, "es"))
    assert not store.exists(keys.mix(job_id, "es"))

    earlier = [keys.upload(job_id), keys.transcript(job_id), keys.translation(job_id, "es")]
    hashes = {key: store.sha256(key) for key in earlier}
    plan = client.retry(job_id, "dubbed_speech")
    assert plan["languageStages"] == {"es": ["dubbed_speech", "dubbed_mix", "audio_rendition"]}
    job = client.wait(job_id, timeout=600)
    assert job["status"] == "succeeded", job
    assert {key: store.sha256(key) for key in earlier} == hashes
    assert _language_stage(job, "audio_rendition")["status"] == "succeeded"
    assert store.exists(keys.hls_master(job_id))


def test_a_killed_run_worker_is_reported_and_the_job_resumes(stack, client, tmp_path):
    video = make_video(tmp_path / "kill.mp4", MEDIA / "multilingual.mp3", seconds=60)
    job_id = client.create_job(client.upload(video), ["es"], "en")["id"]

    attempt = _wait_for_running(client, job_id, "dubbed_speech")
    store = MediaStore(root=str(stack.data_dir / "storage"))
    earlier = [keys.upload(job_id), keys.transcript(job_id), keys.translation(job_id, "es")]
    hashes = {key: store.sha256(key) for key in earlier}

    host, pid = attempt["worker"].rsplit(":", 1)
    assert host == socket.gethostname()
    os.kill(int(pid), signal.SIGKILL)
    killed = time.monotonic()
    job = client.wait(job_id, timeout=120, until=("failed", "succeeded"), interval=0.2)
    print(f"kill -9 of the run worker -> job failed in {time.monotonic() - killed:.1f} s")
    assert job["status"] == "failed" and job["errorCode"] == "run.interrupted", job
    assert "signal 9" in job["errorMessage"]
    speech = _language_stage(job, "dubbed_speech")
    assert speech["status"] == "failed" and speech["errorCode"] == "run.interrupted"
    assert speech["history"][-1]["status"] == "failed"

    plan = client.retry(job_id, "dubbed_speech")
    assert plan["languageStages"]["es"][0] == "dubbed_speech"
    retried = time.monotonic()
    job = client.wait(job_id, timeout=600)
    print(f"resume from dubbed_speech -> succeeded in {time.monotonic() - retried:.1f} s")
    assert job["status"] == "succeeded", job
    assert {key: store.sha256(key) for key in earlier} == hashes
    speech = _language_stage(job, "dubbed_speech")
    assert [a["status"] for a in speech["history"]] == ["failed", "succeeded"]
    assert store.exists(keys.hls_master(job_id))


def test_a_job_queued_while_the_daemon_is_down_completes_after_a_restart(stack, client, tmp_path):
    video = make_video(tmp_path / "queued.mp4", MEDIA / "multilingual.mp3", seconds=6)
    upload_id = client.upload(video)
    stack.crash_daemon()
    job_id = client.create_job(upload_id, ["es"], "en")["id"]
    time.sleep(6)  # three sensor intervals: with no daemon, nothing may pick the job up
    job = client.job(job_id)
    assert job["status"] == "queued" and not job["dagsterRuns"], job

    stack.start_daemon()
    restarted = time.monotonic()
    job = client.wait(job_id, timeout=600)
    print(f"daemon restarted -> queued job succeeded in {time.monotonic() - restarted:.1f} s")
    assert job["status"] == "succeeded", job
    # The sensors' cursors survived the crash: the job ran once, one ingest run and one dub run.
    assert len(job["dagsterRuns"]) == 2


def test_the_daemon_evaluates_sensors_at_their_own_interval(stack):
    """`dubflow daemon` shortens Dagster's sensor loop (5 s): the submissions sensor, which every
    job waits for, ticks at its 2 s interval, i.e. every 2-3 s with a 1 s loop (with Dagster's
    loop, every 5 s: two gaps at most in the window, each at least 5 s)."""
    since = time.time()
    time.sleep(15)
    with dg.DagsterInstance.from_config(str(stack.data_dir / "dagster")) as instance:
        (state,) = [
            state
            for state in instance.all_instigator_state(instigator_type=InstigatorType.SENSOR)
            if state.instigator_name == "submissions"
        ]
        ticks = instance.get_ticks(state.instigator_origin_id, state.selector_id, after=since)
    starts = sorted(tick.timestamp for tick in ticks)
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert len(gaps) >= 3 and max(gaps) < 4.5, gaps
