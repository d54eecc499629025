"""The two asset jobs: a Dagster run cannot span both partitions definitions.

Both run in-process: per-step subprocesses would cost seconds each and reload the models.
"""

import dagster as dg

from dubbing_core import tags
from dubbing_core.stages import JOB_STAGES, LANGUAGE_STAGES

INGEST_ASSETS = dg.AssetSelection.assets(*JOB_STAGES)
DUB_ASSETS = dg.AssetSelection.assets(*LANGUAGE_STAGES)

ingest_assets_job = dg.define_asset_job(
    name="ingest_assets_job",
    selection=INGEST_ASSETS,
    executor_def=dg.in_process_executor,
    run_tags={tags.RUN_KIND: tags.INGEST_RUN},
    description="Job-level stages: validate, extract audio, transcribe, package the video.",
)

dub_assets_job = dg.define_asset_job(
    name="dub_assets_job",
    selection=DUB_ASSETS,
    executor_def=dg.in_process_executor,
    run_tags={tags.RUN_KIND: tags.DUB_RUN},
    description="Per-language stages: translate, synthesize, mix, package audio and subtitles.",
)
