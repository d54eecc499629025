"""`POST /v1/jobs` with a given source language refuses every target no engine reaches, at once."""

from sqlalchemy import select

from dubbing_core.db.models import Job
from dubbing_core.db.session import session_scope
from tests.api.conftest import upload_file


def test_unreachable_targets_are_named_together_and_nothing_is_recorded(
    client, alice, settings, sample_video
):
    upload_id = upload_file(client, alice, sample_video)
    body = {
        "uploadId": upload_id,
        "sourceLanguage": "en",
        "targets": [{"language": "es"}, {"language": "de"}, {"language": "fr"}],
    }
    response = client.post("/v1/jobs", json=body, headers=alice)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "translation.unsupported_pair"
    assert "en->de, en->fr" in problem["detail"] and "en->es" not in problem["detail"]
    with session_scope(settings.resolved_database_url) as session:
        assert session.scalars(select(Job)).all() == []

    # The same targets from an undetected source are accepted: the pipeline checks them as soon
    # as it knows the language, before any dub.
    response = client.post("/v1/jobs", json={**body, "sourceLanguage": "auto"}, headers=alice)
    assert response.status_code == 201, response.text
