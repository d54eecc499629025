"""The code location: every asset, job and resource of dubflow, assembled once."""

import dagster as dg

from dubbing_assets.asset_jobs import dub_assets_job, ingest_assets_job
from dubbing_assets.automation.chaining import chain_dub_runs
from dubbing_assets.automation.schedules import batch_redub
from dubbing_assets.automation.status import job_cancellations, job_failures, language_completions
from dubbing_assets.automation.submissions import submissions
from dubbing_assets.configured import RESOURCES
from dubbing_assets.ingest import source_audio, source_video
from dubbing_assets.mixing import dubbed_mix
from dubbing_assets.packaging import audio_rendition, subtitles
from dubbing_assets.speech import dubbed_speech
from dubbing_assets.transcription import transcript
from dubbing_assets.translation import translation
from dubbing_assets.video import video_rendition

ASSETS = [
    source_video,
    source_audio,
    transcript,
    video_rendition,
    translation,
    dubbed_speech,
    dubbed_mix,
    audio_rendition,
    subtitles,
]

SENSORS = [submissions, chain_dub_runs, job_failures, job_cancellations, language_completions]

defs = dg.Definitions(
    assets=ASSETS,
    jobs=[ingest_assets_job, dub_assets_job],
    sensors=SENSORS,
    schedules=[batch_redub],
    resources=RESOURCES,
)
