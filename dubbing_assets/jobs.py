"""The two asset jobs: a Dagster run cannot span both partitions definitions.

Both run in-process: per-step subprocesses would cost seconds each and reload the models.
"""

import dagster as dg

INGEST_ASSETS = dg.AssetSelection.assets(
    "source_video", "source_audio", "transcript", "video_rendition"
)
DUB_ASSETS = dg.AssetSelection.assets(
    "translation", "dubbed_speech", "dubbed_mix", "audio_rendition", "subtitles"
)

ingest_job = dg.define_asset_job(
    name="ingest_job",
    selection=INGEST_ASSETS,
    executor_def=dg.in_process_executor,
    description="Job-level stages: validate, extract audio, transcribe, package the video.",
)

dub_job = dg.define_asset_job(
    name="dub_job",
    selection=DUB_ASSETS,
    executor_def=dg.in_process_executor,
    description="Per-language stages: translate, synthesize, mix, package audio and subtitles.",
)
