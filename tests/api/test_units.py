"""The editing routes: a job's source and translated units, edits with optimistic concurrency,
what goes stale, and the re-dub request (docs/editing.md).

The job's artifacts are written here in the pipeline's format (the transcript, the translations,
the timing reports of a finished job); tests/assets/test_selective_redub.py runs the pipeline on
the edits these routes store."""

import pytest

from dubbing_core import keys
from dubbing_core.db.models import Job, OutboxEvent
from dubbing_core.db.session import session_scope
from dubbing_core.edits import MAX_UNIT_TEXT
from resources.storage import MediaStore
from tests.api.conftest import upload_file

SOURCE = [
    (0, 0.42, 2.9, "Hello and welcome to the river tour."),
    (1, 3.6, 6.1, "Don't ask where the boat goes."),
]
TRANSLATIONS = {
    "es": ["Hola y bienvenidos al paseo por el río.", "Pide no adónde va el barco."],
    "ca": ["Hola i benvinguts a la ruta pel riu.", "No preguntis on va el vaixell."],
}


def _finished_job(client, alice, settings, sample_video) -> str:
    body = {
        "uploadId": upload_file(client, alice, sample_video),
        "sourceLanguage": "en",
        "targets": [{"language": "es"}, {"language": "ca"}],
    }
    response = client.post("/v1/jobs", json=body, headers=alice)
    assert response.status_code == 201, response.text
    job = response.json()["id"]
    store = MediaStore(root=settings.resolved_storage_url)
    store.write_json(
        keys.transcript(job),
        {
            "language": "en",
            "segments": [
                {"id": i, "start": start, "end": end, "text": text, "words": []}
                for i, start, end, text in SOURCE
            ],
        },
    )
    for lang, texts in TRANSLATIONS.items():
        segments = [
            {
                "id": i,
                "start": start,
                "end": end,
                "source_text": source,
                "machine_text": text,
                "text": text,
                "glossary": ["boat"] if "boat" in source else [],
            }
            for (i, start, end, source), text in zip(SOURCE, texts, strict=True)
        ]
        store.write_json(
            keys.translation(job, lang),
            {"language": lang, "source_language": "en", "engine": "apertium", "segments": segments},
        )
        store.write_json(
            keys.timing_report(job, lang),
            {"segments": [{"index": i, "text": text} for i, text in enumerate(texts)]},
        )
    _set_status(settings, job, "succeeded")
    return job


def _set_status(settings, job, status):
    with session_scope(settings.resolved_database_url) as session:
        row = session.get(Job, job)
        row.status = status
        for language in row.languages:
            language.status = status


@pytest.fixture
def job(client, alice, settings, sample_video):
    return _finished_job(client, alice, settings, sample_video)


def _units(client, headers, job, lang=None):
    url = f"/v1/jobs/{job}/languages/{lang}/units" if lang else f"/v1/jobs/{job}/units"
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    return response.json(), response.headers["ETag"]


def _edit(client, headers, job, edits, etag, lang=None):
    url = f"/v1/jobs/{job}/languages/{lang}/units" if lang else f"/v1/jobs/{job}/units"
    extra = {"If-Match": etag} if etag is not None else {}
    return client.patch(url, json={"edits": edits}, headers={**headers, **extra})


def test_source_and_translated_units_with_their_time_ranges(client, alice, job):
    source, etag = _units(client, alice, job)
    assert source["language"] == "en" and etag.startswith('"')
    assert [(u["id"], u["start"], u["end"], u["text"]) for u in source["units"]] == SOURCE
    assert not any(u["edited"] for u in source["units"])
    spanish, _ = _units(client, alice, job, "es")
    assert spanish["engine"] == "apertium" and spanish["glossary"] == []
    assert [u["glossaryTerms"] for u in spanish["units"]] == [[], ["boat"]]
    assert [u["text"] for u in spanish["units"]] == TRANSLATIONS["es"]
    assert [u["sourceText"] for u in spanish["units"]] == [text for *_, text in SOURCE]
    assert not any(u["translationStale"] or u["speechStale"] for u in spanish["units"])


def test_editing_a_translation_marks_only_its_speech_stale(client, alice, settings, job):
    before, etag = _units(client, alice, job, "es")
    response = _edit(
        client, alice, job, [{"id": 1, "text": " No  preguntes adónde va. "}], etag, "es"
    )
    assert response.status_code == 200, response.text
    after = response.json()
    assert response.headers["ETag"] != etag
    edited = after["units"][1]
    assert edited["text"] == "No preguntes adónde va." and edited["edited"]
    assert edited["machineText"] == TRANSLATIONS["es"][1]
    assert edited["speechStale"] and not edited["translationStale"]
    assert after["units"][0] == before["units"][0]
    catalan, _ = _units(client, alice, job, "ca")
    assert not any(u["speechStale"] or u["edited"] for u in catalan["units"])
    assert _units(client, alice, job)[0]["units"][1]["edited"] is False
    history = client.get(f"/v1/jobs/{job}", headers=alice).json()["history"]
    assert [(h["kind"], h["languages"], h["units"]) for h in history] == [
        ("job.submitted", ["es", "ca"], []),
        ("units.edited", ["es"], [1]),
    ]
    stored = MediaStore(root=settings.resolved_storage_url).read_json(
        keys.translation_edits(job, "es")
    )
    assert [(e["id"], e["text"], e["replaces"]) for e in stored["units"]] == [
        (1, "No preguntes adónde va.", TRANSLATIONS["es"][1])
    ]


def test_editing_a_source_unit_marks_its_translations_stale(client, alice, job):
    _, es_etag = _units(client, alice, job, "es")
    assert _edit(client, alice, job, [{"id": 1, "text": "Mine."}], es_etag, "es").status_code == 200
    _, etag = _units(client, alice, job)
    response = _edit(client, alice, job, [{"id": 1, "text": "Never ask where it goes."}], etag)
    assert response.status_code == 200, response.text
    unit = response.json()["units"][1]
    assert unit["text"] == "Never ask where it goes." and unit["edited"]
    assert unit["originalText"] == SOURCE[1][3]
    for lang in TRANSLATIONS:
        units = _units(client, alice, job, lang)[0]["units"]
        assert [u["translationStale"] for u in units] == [False, True]
        assert units[1]["sourceText"] == "Never ask where it goes."
        # The translation edit translated the old sentence: it is dropped.
        assert units[1]["text"] == TRANSLATIONS[lang][1] and not units[1]["edited"]
    # A stale translation is not edited: the re-dub translates it first.
    _, es_etag = _units(client, alice, job, "es")
    refused = _edit(client, alice, job, [{"id": 1, "text": "Otra."}], es_etag, "es")
    assert refused.status_code == 409 and refused.json()["code"] == "unit.translation_stale"


def test_an_edit_back_to_the_original_text_is_no_edit(client, alice, job):
    _, etag = _units(client, alice, job)
    etag = _edit(client, alice, job, [{"id": 0, "text": "Hi."}], etag).headers["ETag"]
    response = _edit(client, alice, job, [{"id": 0, "text": SOURCE[0][3]}], etag)
    assert response.status_code == 200 and not response.json()["units"][0]["edited"]


def test_an_edit_needs_the_version_it_was_made_against(client, alice, job):
    missing = _edit(client, alice, job, [{"id": 0, "text": "Hi."}], None)
    assert missing.status_code == 428 and missing.json()["code"] == "units.version_required"
    _, etag = _units(client, alice, job, "es")
    # Two editors read the same version; the first one's edit wins, the second is told.
    first = _edit(client, alice, job, [{"id": 0, "text": "Hola."}], etag, "es")
    assert first.status_code == 200
    second = _edit(client, alice, job, [{"id": 0, "text": "Buenas."}], etag, "es")
    assert second.status_code == 412 and second.json()["code"] == "units.version_mismatch"
    assert second.headers["ETag"] == first.headers["ETag"]
    assert _units(client, alice, job, "es")[0]["units"][0]["text"] == "Hola."


@pytest.mark.parametrize(
    ("edit", "status", "code"),
    [
        ({"id": 7, "text": "Hola."}, 422, "unit.not_found"),
        ({"id": 0, "text": "  \n "}, 422, "unit.empty_text"),
        ({"id": 0, "text": "a" * (MAX_UNIT_TEXT + 1)}, 422, "unit.text_too_long"),
        ({"id": -1, "text": "Hola."}, 422, "request.invalid"),
    ],
)
def test_bad_edits_are_refused_with_a_code_and_change_nothing(
    client, alice, job, edit, status, code
):
    before, etag = _units(client, alice, job, "es")
    response = _edit(client, alice, job, [{"id": 1, "text": "Vale."}, edit], etag, "es")
    assert response.status_code == status and response.json()["code"] == code, response.text
    assert _units(client, alice, job, "es") == (before, etag)


def test_a_unit_edited_twice_in_one_request_is_refused(client, alice, job):
    _, etag = _units(client, alice, job)
    edits = [{"id": 0, "text": "One."}, {"id": 0, "text": "Two."}]
    response = _edit(client, alice, job, edits, etag)
    assert response.status_code == 422 and response.json()["code"] == "unit.duplicate"


def test_units_of_a_running_job_unknown_language_or_another_user(client, alice, bob, settings, job):
    assert client.get(f"/v1/jobs/{job}/units", headers=bob).status_code == 404
    unknown = client.get(f"/v1/jobs/{job}/languages/de/units", headers=alice)
    assert unknown.status_code == 404 and unknown.json()["code"] == "language.not_found"
    _, etag = _units(client, alice, job)
    _set_status(settings, job, "running")
    running = _edit(client, alice, job, [{"id": 0, "text": "Hi."}], etag)
    assert running.status_code == 409 and running.json()["code"] == "job.running"


def test_units_are_not_ready_before_the_pipeline_made_them(client, alice, sample_video):
    body = {
        "uploadId": upload_file(client, alice, sample_video),
        "sourceLanguage": "en",
        "targets": [{"language": "es"}],
    }
    job = client.post("/v1/jobs", json=body, headers=alice).json()["id"]
    response = client.get(f"/v1/jobs/{job}/units", headers=alice)
    assert response.status_code == 409 and response.json()["code"] == "units.not_ready"


def test_a_redub_requests_only_the_languages_with_changes(client, alice, settings, job):
    nothing = client.post(f"/v1/jobs/{job}/redub", json={}, headers=alice)
    assert nothing.status_code == 409 and nothing.json()["code"] == "job.nothing_to_redub"
    _, etag = _units(client, alice, job, "es")
    _edit(client, alice, job, [{"id": 1, "text": "No preguntes adónde va."}], etag, "es")
    response = client.post(f"/v1/jobs/{job}/redub", json={}, headers=alice)
    assert response.status_code == 202, response.text
    assert response.json() == {
        "jobId": job,
        "languages": [{"language": "es", "retranslate": [], "resynthesize": [1]}],
    }
    view = client.get(f"/v1/jobs/{job}", headers=alice).json()
    assert view["status"] == "queued"
    by_lang = {language["language"]: language for language in view["languages"]}
    assert by_lang["es"]["status"] == "queued" and by_lang["ca"]["status"] == "succeeded"
    assert {s["status"] for s in by_lang["es"]["stages"]} == {"pending"}
    assert [(h["kind"], h["languages"], h["units"]) for h in view["history"]][-1] == (
        "job.redub",
        ["es"],
        [1],
    )
    with session_scope(settings.resolved_database_url) as session:
        event = session.query(OutboxEvent).order_by(OutboxEvent.id.desc()).first()
        assert event.kind == "job.redub"
        assert event.payload["resume_from"] == "translation"
    again = client.post(f"/v1/jobs/{job}/redub", json={}, headers=alice)
    assert again.status_code == 409 and again.json()["code"] == "job.running"


def test_a_source_edit_redubs_every_language_from_its_translation(client, alice, job):
    _, etag = _units(client, alice, job)
    _edit(client, alice, job, [{"id": 0, "text": "Hello, and welcome aboard."}], etag)
    response = client.post(f"/v1/jobs/{job}/redub", json={"languages": ["ca"]}, headers=alice)
    assert response.status_code == 202, response.text
    assert response.json()["languages"] == [
        {"language": "ca", "retranslate": [0], "resynthesize": [0]}
    ]
