"""Glossaries through the API: each user's default, a job's own, and what the job records."""

from dubbing_core import keys
from resources.storage import MediaStore
from tests.api.conftest import upload_file

TERMS = [{"term": "Dubflow", "translations": {}}, {"term": "boat", "translations": {"es": "barca"}}]


def _job(client, headers, upload_id, **extra):
    body = {"uploadId": upload_id, "sourceLanguage": "en", "targets": [{"language": "es"}]}
    response = client.post("/v1/jobs", json={**body, **extra}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _glossary_of(settings, job):
    return MediaStore(root=settings.resolved_storage_url).read_json(keys.request(job))["glossary"]


def test_a_users_glossary_is_the_default_of_their_new_jobs(
    client, alice, bob, settings, sample_video
):
    assert client.get("/v1/me/glossary", headers=alice).json() == {"terms": []}
    saved = client.put("/v1/me/glossary", json={"terms": TERMS}, headers=alice)
    assert saved.status_code == 200 and saved.json() == {"terms": TERMS}
    assert client.get("/v1/me/glossary", headers=alice).json() == {"terms": TERMS}
    assert client.get("/v1/me/glossary", headers=bob).json() == {"terms": []}

    upload = upload_file(client, alice, sample_video)
    assert _glossary_of(settings, _job(client, alice, upload)) == TERMS
    own = [{"term": "Thames", "translations": {"es": "Támesis"}}]
    assert _glossary_of(settings, _job(client, alice, upload, glossary=own)) == own
    assert _glossary_of(settings, _job(client, alice, upload, glossary=[])) == []


def test_bad_glossaries_are_refused(client, alice):
    for terms in ([{"term": ""}], [{"term": "x" * 101}], [{"term": "a"}] * 201):
        response = client.put("/v1/me/glossary", json={"terms": terms}, headers=alice)
        assert response.status_code == 422 and response.json()["code"] == "request.invalid"
