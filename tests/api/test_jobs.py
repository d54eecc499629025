import pytest
from sqlalchemy import select

from dubbing_core import keys
from dubbing_core.db.models import Job, OutboxEvent, StageRun
from dubbing_core.db.session import session_scope
from dubflow_cli.admin import set_quota
from resources.storage import MediaStore
from tests.api.conftest import METRICS_TOKEN, upload_file


def _job(client, headers, upload_id, targets=None, **extra):
    body = {
        "uploadId": upload_id,
        "sourceLanguage": "en",
        "targets": targets or [{"language": "es"}],
    }
    return client.post("/v1/jobs", json=body, headers={**headers, **extra})


def _set_status(settings, job_id, status):
    with session_scope(settings.resolved_database_url) as session:
        session.get(Job, job_id).status = status


def test_create_job_records_it_and_an_outbox_event(client, alice, settings, sample_video):
    upload_id = upload_file(client, alice, sample_video)
    response = _job(
        client, alice, upload_id, [{"language": "es"}, {"language": "ca", "preset": "tight"}]
    )
    assert response.status_code == 201, response.text
    job = response.json()
    assert job["status"] == "queued" and [lang["language"] for lang in job["languages"]] == [
        "es",
        "ca",
    ]
    assert [s["stage"] for s in job["stages"]] == [
        "source_video",
        "source_audio",
        "transcript",
        "video_rendition",
    ]
    assert len(job["languages"][1]["stages"]) == 5 and job["languages"][1]["preset"] == "tight"
    assert job["playbackAvailable"] is False and job["logsKey"] is None and job["metrics"] is None
    store = MediaStore(root=settings.resolved_storage_url)
    request = store.read_json(keys.request(job["id"]))
    # Each language records the voice it will be dubbed with (here: the default of the voices
    # installed, espeak-ng for both).
    assert request["targets"] == [
        {
            "lang": lang,
            "preset": preset,
            "custom_preset": None,
            "voice": {
                "id": f"espeak-{lang}",
                "engine": "espeak-ng",
                "model": lang,
                "chosen_by": "default",
            },
        }
        for lang, preset in (("es", "default"), ("ca", "tight"))
    ]
    assert store.size(keys.upload(job["id"])) == sample_video.stat().st_size
    with session_scope(settings.resolved_database_url) as session:
        events = session.scalars(select(OutboxEvent)).all()
        assert [(e.kind, e.payload) for e in events] == [
            ("job.submitted", {"languages": ["es", "ca"]})
        ]


def test_bad_job_requests_get_problem_codes_and_change_nothing(
    client, alice, settings, sample_video
):
    upload_id = upload_file(client, alice, sample_video)
    cases = {
        "language.unsupported": [{"language": "xx"}],
        "job.duplicate_language": [{"language": "es"}, {"language": "es"}],
        "job.no_targets": [],
        "preset.unknown": [{"language": "es", "preset": "loud"}],
        "translation.unsupported_pair": [{"language": "de"}],
    }
    for code, targets in cases.items():
        body = {"uploadId": upload_id, "sourceLanguage": "en", "targets": targets}
        response = client.post("/v1/jobs", json=body, headers=alice)
        assert response.status_code == 422, (code, response.text)
        assert response.json()["code"] == code
    missing = _job(client, alice, "nope")
    assert missing.status_code == 404 and missing.json()["code"] == "upload.not_found"
    with session_scope(settings.resolved_database_url) as session:
        assert session.scalars(select(Job)).all() == []
        assert session.scalars(select(OutboxEvent)).all() == []
    assert MediaStore(root=settings.resolved_storage_url).list("jobs") == []


def test_idempotent_job_creation(client, alice, sample_video):
    upload_id = upload_file(client, alice, sample_video)
    key = {"Idempotency-Key": "job-1"}
    first, second = _job(client, alice, upload_id, **key), _job(client, alice, upload_id, **key)
    assert first.json()["id"] == second.json()["id"]
    assert len(client.get("/v1/jobs", headers=alice).json()["items"]) == 1


def test_list_pagination_filters_and_privacy(client, alice, bob, settings, sample_video):
    upload_id = upload_file(client, alice, sample_video)
    ids = [
        _job(client, alice, upload_id, [{"language": lang}]).json()["id"]
        for lang in ("es", "ca", "es")
    ]
    _set_status(settings, ids[0], "succeeded")
    page = client.get("/v1/jobs?limit=2", headers=alice).json()
    assert [j["id"] for j in page["items"]] == ids[::-1][:2] and page["nextCursor"]
    rest = client.get(
        "/v1/jobs", params={"limit": 2, "cursor": page["nextCursor"]}, headers=alice
    ).json()
    assert [j["id"] for j in rest["items"]] == [ids[0]] and rest["nextCursor"] is None
    assert [
        j["id"] for j in client.get("/v1/jobs?status=succeeded", headers=alice).json()["items"]
    ] == [ids[0]]
    assert [j["id"] for j in client.get("/v1/jobs?language=ca", headers=alice).json()["items"]] == [
        ids[1]
    ]
    after = client.get("/v1/jobs", params={"createdAfter": "2999-01-01T00:00:00Z"}, headers=alice)
    assert after.json()["items"] == []
    for bad in ("garbage", page["nextCursor"][:-2] + "xx"):
        response = client.get("/v1/jobs", params={"cursor": bad}, headers=alice)
        assert response.status_code == 400 and response.json()["code"] == "cursor.invalid"
    foreign = client.get("/v1/jobs", params={"cursor": page["nextCursor"]}, headers=bob)
    assert foreign.status_code == 400 and foreign.json()["code"] == "cursor.invalid"
    assert client.get("/v1/jobs", headers=bob).json()["items"] == []
    other = client.get(f"/v1/jobs/{ids[0]}", headers=bob)
    assert other.status_code == 404 and other.json()["code"] == "job.not_found"
    assert client.delete(f"/v1/jobs/{ids[1]}", headers=bob).status_code == 404


def test_cancel_retry_and_add_languages(client, alice, settings, sample_video):
    upload_id = upload_file(client, alice, sample_video)
    job_id = _job(client, alice, upload_id, [{"language": "es"}, {"language": "ca"}]).json()["id"]
    running = client.post(
        f"/v1/jobs/{job_id}/retry", json={"resumeFrom": "dubbed_speech"}, headers=alice
    )
    assert running.status_code == 409 and running.json()["code"] == "job.running"

    cancelled = client.delete(f"/v1/jobs/{job_id}", headers=alice)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = client.delete(f"/v1/jobs/{job_id}", headers=alice)
    assert again.status_code == 409 and again.json()["code"] == "job.finished"
    detail = client.get(f"/v1/jobs/{job_id}", headers=alice).json()
    assert detail["status"] == "cancelled" and {s["status"] for s in detail["stages"]} == {
        "cancelled"
    }

    unknown = client.post(f"/v1/jobs/{job_id}/retry", json={"resumeFrom": "nope"}, headers=alice)
    assert unknown.status_code == 422 and unknown.json()["code"] == "job.unknown_stage"
    plan = client.post(
        f"/v1/jobs/{job_id}/retry",
        json={"resumeFrom": "dubbed_speech", "languages": ["ca"]},
        headers=alice,
    )
    assert plan.status_code == 202, plan.text
    assert plan.json() == {
        "jobId": job_id,
        "resumeFrom": "dubbed_speech",
        "jobStages": [],
        "languageStages": {"ca": ["dubbed_speech", "dubbed_mix", "audio_rendition"]},
    }
    detail = client.get(f"/v1/jobs/{job_id}", headers=alice).json()
    assert detail["status"] == "queued"
    ca = {s["stage"]: s["status"] for s in detail["languages"][1]["stages"]}
    assert ca["dubbed_speech"] == "pending" and ca["translation"] == "cancelled"

    not_done = client.post(
        f"/v1/jobs/{job_id}/languages", json={"targets": [{"language": "en"}]}, headers=alice
    )
    assert not_done.status_code == 409 and not_done.json()["code"] == "job.not_finished"
    _set_status(settings, job_id, "succeeded")
    duplicate = client.post(
        f"/v1/jobs/{job_id}/languages", json={"targets": [{"language": "es"}]}, headers=alice
    )
    assert duplicate.json()["code"] == "job.duplicate_language"
    added = client.post(
        f"/v1/jobs/{job_id}/languages", json={"targets": [{"language": "en"}]}, headers=alice
    )
    assert added.status_code == 202, added.text
    assert [lang["language"] for lang in added.json()["languages"]] == ["es", "ca", "en"]
    with session_scope(settings.resolved_database_url) as session:
        kinds = [e.kind for e in session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))]
        assert kinds == ["job.submitted", "job.retry", "job.languages_added"]
        assert session.scalar(
            select(StageRun).where(StageRun.lang == "en", StageRun.stage == "subtitles")
        )
    request = MediaStore(root=settings.resolved_storage_url).read_json(keys.request(job_id))
    assert [t["lang"] for t in request["targets"]] == ["es", "ca", "en"]


def test_auth_is_required_and_checked(client, alice):
    assert client.get("/v1/jobs").json()["code"] == "auth.missing_key"
    bad = client.get("/v1/jobs", headers={"Authorization": "Bearer dfk_forged"})
    assert bad.status_code == 401 and bad.json()["code"] == "auth.invalid_key"
    assert bad.headers["WWW-Authenticate"] == "Bearer"
    assert client.get("/v1/health").json()["status"] == "ok"
    assert client.get("/v1/jobs", headers=alice).status_code == 200


def test_catalogue_lists_languages_voices_and_presets(client, alice):
    languages = {info["code"]: info for info in client.get("/v1/languages", headers=alice).json()}
    assert languages["en"]["voices"][0] == {"id": "en_US-joe-medium", "engine": "piper"}
    assert (
        "en" in languages["es"]["translatableFrom"] and "es" in languages["en"]["translatableFrom"]
    )
    assert languages["de"]["translatableFrom"] == []  # no engine installed for it offline
    presets = {p["name"] for p in client.get("/v1/presets", headers=alice).json()}
    assert {"default", "natural", "tight", "voice-forward"} <= presets


def test_metrics_are_prometheus_text(client, alice, sample_video):
    upload_file(client, alice, sample_video)
    assert client.get("/metrics").json()["code"] == "metrics.invalid_token"
    text = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).text
    assert "# TYPE dubflow_http_requests_total counter" in text
    assert 'route="/v1/uploads"' in text


def test_job_quotas_are_counted_by_the_database(client, alice, settings, sample_video):
    # The counts and the day's media minutes are summed in SQL (JSON on SQLite and PostgreSQL):
    # the usage must match the jobs created, and the refusal say when the minutes free up.
    upload_id = upload_file(client, alice, sample_video)  # 6 s of media
    for _ in range(2):
        assert _job(client, alice, upload_id).status_code == 201
    usage = {
        name: quota["usage"]
        for name, quota in client.get("/v1/me", headers=alice).json()["quotas"].items()
    }
    assert usage["concurrentJobs"] == usage["queuedJobs"] == 2
    assert usage["mediaMinutesPerDay"] == pytest.approx(0.2, abs=0.01)
    set_quota(settings.resolved_database_url, "alice@example.com", max_media_minutes_per_day=0.25)
    refused = _job(client, alice, upload_id)
    assert refused.status_code == 429
    assert refused.json()["code"] == "quota.media_minutes_per_day"
    assert 86000 < int(refused.headers["Retry-After"]) <= 86401
