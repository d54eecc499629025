"""Finding: `en -> en` was accepted and dubbed, undocumented. Decided: it is re-voicing, a
documented feature (docs/api.md, "Re-voicing"): the job is accepted, and its "translation" is
the transcript itself, spoken again by the language's voice."""

from pathlib import Path

import httpx

from dubbing_core import keys
from resources.storage import MediaStore
from resources.translation import Translation
from tests.security.conftest import LiveApi, uploaded


def test_a_same_language_job_is_a_re_voicing(live_api: LiveApi, sample_video: Path):
    ivy = live_api.user("ivy")
    upload_id = uploaded(live_api, ivy, sample_video)
    body = {"uploadId": upload_id, "sourceLanguage": "en", "targets": [{"language": "en"}]}
    created = httpx.post(f"{live_api.url}/v1/jobs", json=body, headers=ivy)
    assert created.status_code == 201, created.text
    store = MediaStore(root=live_api.settings.resolved_storage_url)
    request = store.read_json(keys.request(created.json()["id"]))
    assert [target["lang"] for target in request["targets"]] == ["en"]
    # What the translation stage will do with it: pass the transcript through, word for word.
    result = Translation(engine="auto").translate(["Good morning, everyone."], "en", "en")
    assert result.texts == ["Good morning, everyone."] and result.engine == "identity"
