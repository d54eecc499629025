"""Custom presets through the API: create, list, read, replace (versioned), delete; the problems
for bad values, unknown voices, taken names, stale versions and presets in use; and what a job
records of the preset it uses."""

from sqlalchemy import update

from dubbing_core.db.models import Job
from dubbing_core.db.session import session_scope
from dubbing_core.requests import load_request
from resources.storage import MediaStore
from tests.api.conftest import upload_file

CALM = {
    "name": "calm",
    "description": "slow and quiet",
    "maxEngineRate": 1.1,
    "maxStretch": 1.15,
    "duckDb": 20.0,
    "loudnessLufs": -23.0,
    "subtitleMaxChars": 32,
    "subtitleMaxLines": 1,
    "voices": {"es": "espeak-es"},
}


def _create(client, headers, body=CALM):
    response = client.post("/v1/presets", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response


def _problem(response, status, code):
    assert response.status_code == status, response.text
    assert response.json()["code"] == code, response.text


def test_create_read_list_replace_and_delete(client, alice):
    created = _create(client, alice)
    preset = created.json()
    assert preset["custom"] is True and preset["version"] == 1
    assert {key: preset[key] for key in CALM} == CALM
    assert created.headers["ETag"] == '"1"'
    assert created.headers["Location"] == f"/v1/presets/{preset['id']}"

    read = client.get(f"/v1/presets/{preset['id']}", headers=alice)
    assert read.status_code == 200 and read.json() == preset and read.headers["ETag"] == '"1"'

    listed = client.get("/v1/presets", headers=alice).json()
    assert [p["name"] for p in listed if not p["custom"]] == [
        "default",
        "natural",
        "tight",
        "voice-forward",
    ]
    assert [p for p in listed if p["custom"]] == [preset]

    # Unset fields take their defaults; every change bumps the version.
    replaced = client.put(
        f"/v1/presets/{preset['id']}",
        json={"name": "calmer", "duckDb": 30.0},
        headers={**alice, "If-Match": '"1"'},
    )
    assert replaced.status_code == 200, replaced.text
    body = replaced.json()
    assert (body["name"], body["version"], body["duckDb"], body["voices"]) == ("calmer", 2, 30, {})
    assert body["loudnessLufs"] is None and replaced.headers["ETag"] == '"2"'
    # The same body again is no change: the version stays.
    again = client.put(
        f"/v1/presets/{preset['id']}", json={"name": "calmer", "duckDb": 30.0}, headers=alice
    )
    assert again.status_code == 200 and again.json()["version"] == 2

    deleted = client.delete(f"/v1/presets/{preset['id']}", headers=alice)
    assert deleted.status_code == 204
    _problem(client.get(f"/v1/presets/{preset['id']}", headers=alice), 404, "preset.not_found")
    assert [p for p in client.get("/v1/presets", headers=alice).json() if p["custom"]] == []


def test_bad_values_are_refused_and_store_nothing(client, alice):
    for field, value in [
        ("maxEngineRate", 2.5),
        ("maxStretch", 0.9),
        ("duckDb", -1),
        ("loudnessLufs", -8),
        ("subtitleMaxLines", 4),
        ("subtitleMaxChars", 10),
    ]:
        response = client.post("/v1/presets", json={**CALM, field: value}, headers=alice)
        _problem(response, 422, "request.invalid")
        assert response.json()["errors"][0]["loc"][-1] == field
    _problem(
        client.post("/v1/presets", json={**CALM, "name": ""}, headers=alice), 422, "request.invalid"
    )
    _problem(
        client.post("/v1/presets", json={**CALM, "name": "a/b"}, headers=alice),
        422,
        "request.invalid",
    )
    for voices, code in [
        ({"es": "no-such-voice"}, "preset.unknown_voice"),
        ({"es": "espeak-fr"}, "preset.voice_language"),
        ({"xx": "espeak-es"}, "preset.unknown_language"),
    ]:
        response = client.post("/v1/presets", json={**CALM, "voices": voices}, headers=alice)
        _problem(response, 422, code)
    assert [p for p in client.get("/v1/presets", headers=alice).json() if p["custom"]] == []


def test_a_voice_not_installed_here_is_refused(client, alice, monkeypatch):
    # A machine without espeak-ng (this one has it, and uninstalling is not for a test).
    monkeypatch.setattr("resources.tts.shutil.which", lambda _program: None)
    response = client.post("/v1/presets", json=CALM, headers=alice)
    _problem(response, 422, "preset.voice_not_installed")


def test_names_are_unique_per_user_and_built_in_names_reserved(client, alice, bob):
    first = _create(client, alice).json()
    _problem(client.post("/v1/presets", json=CALM, headers=alice), 409, "preset.name_taken")
    _problem(
        client.post("/v1/presets", json={**CALM, "name": "tight"}, headers=alice),
        409,
        "preset.name_reserved",
    )
    other = _create(client, alice, {**CALM, "name": "other"}).json()
    _problem(
        client.put(f"/v1/presets/{other['id']}", json=CALM, headers=alice), 409, "preset.name_taken"
    )
    assert client.get(f"/v1/presets/{other['id']}", headers=alice).json()["version"] == 1
    # Names are per user; another user's preset does not exist for you.
    assert _create(client, bob).json()["name"] == "calm"
    for response in (
        client.get(f"/v1/presets/{first['id']}", headers=bob),
        client.put(f"/v1/presets/{first['id']}", json=CALM, headers=bob),
        client.delete(f"/v1/presets/{first['id']}", headers=bob),
    ):
        _problem(response, 404, "preset.not_found")


def test_a_stale_version_is_refused(client, alice):
    preset = _create(client, alice).json()
    url = f"/v1/presets/{preset['id']}"
    assert client.put(
        url, json={**CALM, "duckDb": 5}, headers={**alice, "If-Match": '"1"'}
    ).is_success
    stale = client.put(url, json={**CALM, "duckDb": 6}, headers={**alice, "If-Match": '"1"'})
    _problem(stale, 412, "preset.version_mismatch")
    assert stale.headers["ETag"] == '"2"'
    _problem(
        client.delete(url, headers={**alice, "If-Match": '"1"'}), 412, "preset.version_mismatch"
    )
    assert client.get(url, headers=alice).json()["duckDb"] == 5


def test_jobs_record_the_preset_version_and_an_unfinished_job_keeps_it_alive(
    client, alice, bob, settings, sample_video
):
    preset = _create(client, alice).json()
    upload = upload_file(client, alice, sample_video)
    body = {
        "uploadId": upload,
        "sourceLanguage": "en",
        "targets": [{"language": "es", "preset": "calm"}, {"language": "ca"}],
    }
    created = client.post("/v1/jobs", json=body, headers=alice)
    assert created.status_code == 201, created.text
    job = created.json()
    assert [(lang["preset"], lang["presetVersion"]) for lang in job["languages"]] == [
        ("calm", 1),
        ("default", None),
    ]
    request = load_request(MediaStore(root=settings.resolved_storage_url), job["id"])
    used = request.target("es").custom_preset
    assert used is not None and (used.id, used.version) == (preset["id"], 1)
    resolved = request.target("es").resolved_preset()
    assert (resolved.duck_db, resolved.loudness_lufs, resolved.voices) == (
        20.0,
        -23.0,
        {"es": "espeak-es"},
    )
    assert request.target("ca").custom_preset is None

    # Another user cannot name it; an unknown name is refused.
    bob_upload = upload_file(client, bob, sample_video)
    response = client.post("/v1/jobs", json={**body, "uploadId": bob_upload}, headers=bob)
    _problem(response, 422, "preset.unknown")

    url = f"/v1/presets/{preset['id']}"
    _problem(client.delete(url, headers=alice), 409, "preset.in_use")
    with session_scope(settings.resolved_database_url) as session:
        session.execute(update(Job).where(Job.id == job["id"]).values(status="succeeded"))
    assert client.delete(url, headers=alice).status_code == 204
    # The finished job keeps what it was dubbed with.
    assert (
        load_request(MediaStore(root=settings.resolved_storage_url), job["id"])
        .target("es")
        .custom_preset
        == used
    )
