"""The re-dub schedule follows custom presets: a finished job whose preset changed is stale for
its languages that use it; the schedule records the new version in the job's request and runs
only the stages the change touches. Real SQLite app database, real local store."""

import dagster as dg
import pytest

from dubbing_assets.automation.schedules import batch_redub, preset_redubs
from dubbing_assets.partitions import job_lang_key
from dubbing_core import tags
from dubbing_core.db import migrate
from dubbing_core.db.models import CustomPreset, Job, JobLanguage
from dubbing_core.db.session import session_scope
from dubbing_core.presets import CustomPresetUse, PresetSettings
from dubbing_core.requests import JobRequest, TargetRequest, VoiceChoice, load_request
from dubbing_core.voices import VOICES, Voice
from resources.jobstore import JobStore
from resources.storage import MediaStore
from resources.tts import TTS
from tests.automation.test_sensors import add_job

JOB = "job-preset"
CALM = PresetSettings(duck_db=20.0, voices={"es": "espeak-es"})
# A piper voice as if downloaded here (the schedule reads the installed catalogue, not files).
DAVEFX = Voice("es_ES-davefx-medium", "piper", "es", "piper-es_ES-davefx-medium", 22050, "", "")


@pytest.fixture
def stack(tmp_path):
    """A succeeded job: `es` dubbed with version 1 of the custom preset `calm`, `ca` with the
    built-in default."""
    db = f"sqlite:///{tmp_path / 'app.db'}"
    migrate(db)
    store = MediaStore(root=str(tmp_path / "storage"))
    add_job(db, JOB, status="succeeded")
    with session_scope(db) as session:
        session.add(CustomPreset(id="p1", user_id="u1", name="calm", settings=CALM.model_dump()))
        session.flush()
        es = session.get(JobLanguage, (JOB, "es"))
        assert es is not None
        es.preset, es.preset_id, es.preset_version, es.status = "calm", "p1", 1, "succeeded"
        session.get_one(JobLanguage, (JOB, "ca")).status = "succeeded"
    use = CustomPresetUse(id="p1", version=1, settings=CALM)
    request = JobRequest(
        job_id=JOB,
        source_name="a.mp4",
        targets=[
            TargetRequest(lang="es", preset="calm", custom_preset=use),
            TargetRequest(lang="ca"),
        ],
    )
    store.write_json(f"jobs/{JOB}/request.json", request.model_dump(mode="json"))
    return JobStore(database_url=db), store, db


def _schedule_context(tmp_path, jobstore, store):
    # Schedules need an instance on disk; the built-in presets' check finds no materialization.
    # Used in a `with` block (see tests/assets/test_redub.py).
    return dg.build_schedule_context(
        instance=dg.DagsterInstance.local_temp(str(tmp_path)),
        resources={
            "jobstore": jobstore,
            "store": store,
            "tts": TTS(models_dir=str(tmp_path / "models")),
        },
    )


def _change(db, name="calm", **settings):
    with session_scope(db) as session:
        preset = session.get_one(CustomPreset, "p1")
        preset.name = name
        preset.settings = CALM.model_copy(update=settings).model_dump()
        preset.version += 1


def _tick(jobstore, store):
    installed = VOICES | {DAVEFX.id: DAVEFX}
    return preset_redubs(dg.DagsterInstance.ephemeral(), jobstore, store, 10, installed)


def _selection(request):
    return [key.to_user_string() for key in request.asset_selection or []]


def test_an_unchanged_preset_is_up_to_date(stack, tmp_path):
    jobstore, store, _ = stack
    assert _tick(jobstore, store) == []
    with _schedule_context(tmp_path, jobstore, store) as context:
        assert isinstance(batch_redub(context), dg.SkipReason)


def test_a_changed_duck_depth_redoes_the_mix_of_that_language_only(stack, tmp_path):
    jobstore, store, db = stack
    _change(db, name="calmer", duck_db=30.0)
    with _schedule_context(tmp_path, jobstore, store) as context:
        requests = batch_redub(context)
    assert isinstance(requests, list) and len(requests) == 1
    (request,) = requests
    assert request.partition_key == str(job_lang_key(JOB, "es"))
    assert _selection(request) == ["dubbed_mix", "audio_rendition"]
    assert request.tags[tags.RESUME_FROM] == "dubbed_mix"

    # The request the run reads records the new version; the database agrees, so it is
    # requested once.
    target = load_request(store, JOB).target("es")
    assert target.preset == "calmer" and target.custom_preset is not None
    assert target.custom_preset.version == 2 and target.resolved_preset().duck_db == 30.0
    assert load_request(store, JOB).target("ca").custom_preset is None
    with session_scope(db) as session:
        es = session.get_one(JobLanguage, (JOB, "es"))
        assert (es.preset, es.preset_version) == ("calmer", 2)
    assert _tick(jobstore, store) == []


@pytest.mark.parametrize(
    ("settings", "stages"),
    [
        ({"max_stretch": 1.6}, ["dubbed_speech", "dubbed_mix", "audio_rendition"]),
        (
            {"voices": {"es": "espeak-es", "fr": "espeak-fr"}},
            [],  # another language's voice: the version is recorded, nothing re-runs
        ),
        ({"subtitle_max_lines": 1}, ["subtitles"]),
        (
            {"loudness_lufs": -23.0, "subtitle_max_chars": 30},
            ["dubbed_mix", "audio_rendition", "subtitles"],
        ),
    ],
)
def test_only_the_stages_a_change_touches_run(stack, settings, stages):
    jobstore, store, db = stack
    _change(db, **settings)
    requests = _tick(jobstore, store)
    assert [_selection(request) for request in requests] == ([stages] if stages else [])
    assert load_request(store, JOB).target("es").custom_preset.version == 2  # type: ignore[union-attr]
    assert _tick(jobstore, store) == []


def test_an_unfinished_job_waits_for_its_end(stack):
    jobstore, store, db = stack
    with session_scope(db) as session:
        session.get_one(Job, JOB).status = "running"
    _change(db, duck_db=40.0)
    assert _tick(jobstore, store) == []
    assert load_request(store, JOB).target("es").custom_preset.version == 1  # type: ignore[union-attr]
    with session_scope(db) as session:
        session.get_one(Job, JOB).status = "succeeded"
    assert [_selection(r) for r in _tick(jobstore, store)] == [["dubbed_mix", "audio_rendition"]]


def _record_voice(store, voice_id: str, chosen_by) -> None:
    request = load_request(store, JOB)
    request.target("es").voice = VoiceChoice(
        id=voice_id, engine="espeak-ng", model="es", chosen_by=chosen_by
    )
    store.write_json(f"jobs/{JOB}/request.json", request.model_dump(mode="json"))


def test_a_new_voice_in_the_preset_replaces_the_presets_choice_in_the_request(stack):
    jobstore, store, db = stack
    _record_voice(store, "espeak-es", "preset")
    _change(db, voices={"es": DAVEFX.id})
    (request,) = _tick(jobstore, store)
    assert _selection(request) == ["dubbed_speech", "dubbed_mix", "audio_rendition"]
    voice = load_request(store, JOB).target("es").voice
    assert voice == VoiceChoice(
        id=DAVEFX.id, engine="piper", model=DAVEFX.model, chosen_by="preset"
    )


def test_a_voice_the_job_chose_outlives_its_presets_voice(stack):
    jobstore, store, db = stack
    _record_voice(store, "espeak-es", "job")
    _change(db, voices={"es": DAVEFX.id})
    assert _tick(jobstore, store) == []  # the version is recorded; the speech is still right
    target = load_request(store, JOB).target("es")
    assert target.custom_preset is not None and target.custom_preset.version == 2
    assert target.voice is not None and target.voice.id == "espeak-es"
