"""Batch re-dubbing: (job, language) partitions whose dubbed speech was made with an older voice
or preset version are re-materialized from `dubbed_speech` on, a bounded batch per tick.

Only the affected partitions run: each materialization records the voice and the fingerprint it
was made with (`speech_fingerprint`), and a partition is stale when that differs from today's for
the same voice (a newly downloaded voice re-dubs nothing: jobs keep their voice). Custom presets
are followed in the application database instead: a finished job's language whose request
records an older version of its preset gets the new version in its request, and runs only the
stages the change touches (`stages_touched`).
"""

from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass

import dagster as dg

from dubbing_assets.asset_jobs import dub_assets_job
from dubbing_assets.automation.run_requests import dub_runs
from dubbing_assets.configured import SETTINGS
from dubbing_assets.partitions import split_job_lang
from dubbing_assets.speech import dubbed_speech, speech_fingerprint
from dubbing_core import keys, tags
from dubbing_core.presets import UnknownPreset, get_preset, stages_touched
from dubbing_core.requests import choose_voice, load_request
from dubbing_core.stages import resume_plan
from dubbing_core.voices import VOICES, InvalidVoice, TTSError, Voice, get_voice
from resources.jobstore import JobStore
from resources.storage import MediaStore
from resources.tts import TTS

RESUME_FROM = "dubbed_speech"
_PAGE = 1000
_IN_PROGRESS = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


@dataclass(frozen=True)
class StalePartition:
    job: str
    lang: str
    made_with: str
    current: str


def _latest_metadata(instance: dg.DagsterInstance) -> dict[str, dict[str, object]]:
    """The metadata of each partition's latest dubbed_speech materialization."""
    latest: dict[str, dict[str, object]] = {}
    cursor = None
    while True:
        page = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=dubbed_speech.key),
            limit=_PAGE,
            cursor=cursor,
            ascending=False,
        )
        for record in page.records:
            partition = record.partition_key
            if partition and partition not in latest:
                metadata = record.asset_materialization.metadata  # type: ignore[union-attr]
                latest[partition] = {key: value.value for key, value in metadata.items()}
        if not page.has_more:
            return latest
        cursor = page.cursor


def stale_partitions(
    instance: dg.DagsterInstance,
    languages: frozenset[str] = frozenset(),
    known: Mapping[str, Voice] = VOICES,
) -> list[StalePartition]:
    """`known`: the voices of the models directory (`TTS.voices`)."""
    stale = []
    for partition, metadata in sorted(_latest_metadata(instance).items()):
        job, lang = split_job_lang(partition)
        if languages and lang not in languages:
            continue
        try:
            preset = get_preset(str(metadata.get("preset", "default")))
            voice = get_voice(str(metadata["voice"]) if "voice" in metadata else None, lang, known)
            current = speech_fingerprint(voice, preset)
        except (UnknownPreset, TTSError):
            # Its voice no longer exists, or its preset is not a built-in one: nothing to re-dub
            # it with, or a custom preset, whose versions `preset_redubs` follows.
            continue
        made_with = str(metadata.get("fingerprint", ""))
        if made_with != current:
            stale.append(StalePartition(job, lang, made_with, current))
    return stale


def _busy(instance: dg.DagsterInstance) -> set[tuple[str, str]]:
    """(job, language) pairs with a dub run queued or in progress: not requested again."""
    runs = instance.get_runs(dg.RunsFilter(job_name=dub_assets_job.name, statuses=_IN_PROGRESS))
    return {(run.tags.get(tags.JOB, ""), run.tags.get(tags.LANG, "")) for run in runs}


def redub_requests(
    instance: dg.DagsterInstance,
    languages: frozenset[str],
    batch_size: int,
    known: Mapping[str, Voice] = VOICES,
) -> list[dg.RunRequest]:
    busy = _busy(instance)
    stale = stale_partitions(instance, languages, known)
    batch = [p for p in stale if (p.job, p.lang) not in busy]
    stages = resume_plan(RESUME_FROM)[1]
    requests = []
    for partition in batch[:batch_size]:
        requests += dub_runs(
            partition.job,
            [partition.lang],
            f"redub-{partition.job}-{partition.current}",
            stages,
            RESUME_FROM,
        )
    return requests


def preset_redubs(
    instance: dg.DagsterInstance,
    jobstore: JobStore,
    store: MediaStore,
    batch_size: int,
    installed: Mapping[str, Voice],
) -> list[dg.RunRequest]:
    """Runs for the languages whose custom preset changed, each from the first stage the change
    touches; the new version (and the preset's new voice, unless the job chose its own) goes into
    the job's request first, which the runs then read. `installed`: the voices installed here."""
    busy = _busy(instance)
    requests: list[dg.RunRequest] = []
    for change in jobstore.preset_changes(limit=batch_size):
        if (change.job_id, change.lang) in busy:
            continue
        request = load_request(store, change.job_id)
        target = request.target(change.lang)
        before, voice_before = target.resolved_preset(), target.voice_id()
        target.preset, target.custom_preset = change.name, change.preset
        after = target.resolved_preset()
        chosen_by_job = target.voice is not None and target.voice.chosen_by == "job"
        if not chosen_by_job and before.voice_for(change.lang) != after.voice_for(change.lang):
            # A voice removed here since the preset was saved: the language keeps its voice.
            with suppress(InvalidVoice):
                target.voice = choose_voice(change.lang, None, after, installed)
        voice_changed = target.voice_id() != voice_before
        stages = stages_touched(before, after, voice_changed=voice_changed)
        store.write_json(keys.request(change.job_id), request.model_dump(mode="json"))
        jobstore.preset_applied(change)
        if stages:  # e.g. only another language's voice changed: nothing to redo here
            requests += dub_runs(
                change.job_id,
                [change.lang],
                f"preset-{change.job_id}-{change.preset.id}-v{change.preset.version}",
                stages,
                stages[0],
            )
    return requests


@dg.schedule(
    name="batch_redub",
    cron_schedule=SETTINGS.redub_cron,
    job=dub_assets_job,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Re-dubs, from dubbed_speech on, the (job, language) partitions made with an older "
    "voice or built-in preset version, at most DUBFLOW_REDUB_BATCH_SIZE per tick "
    "(cron DUBFLOW_REDUB_CRON, languages DUBFLOW_REDUB_LANGUAGES); and the finished jobs' "
    "languages whose custom preset changed, from the first stage the change touches.",
)
def batch_redub(
    context: dg.ScheduleEvaluationContext, jobstore: JobStore, store: MediaStore, tts: TTS
) -> list[dg.RunRequest] | dg.SkipReason:
    languages = frozenset(lang for lang in SETTINGS.redub_languages.split(",") if lang)
    batch_size = SETTINGS.redub_batch_size
    requests = redub_requests(context.instance, languages, batch_size, tts.voices())
    requests += preset_redubs(context.instance, jobstore, store, batch_size, tts.installed_voices())
    return requests or dg.SkipReason("every dubbed partition is up to date")
