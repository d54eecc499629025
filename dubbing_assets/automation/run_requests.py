"""Run requests for a dubflow job: one `ingest_assets_job` run, or one `dub_assets_job` run per
language."""

from collections.abc import Mapping

import dagster as dg

from dubbing_assets.asset_jobs import dub_assets_job, ingest_assets_job
from dubbing_assets.partitions import job_lang_key
from dubbing_core import tags
from dubbing_core.stages import LANGUAGE_STAGES


def ingest_run(
    job: str,
    langs: list[str],
    run_key: str,
    stages: tuple[str, ...] = (),
    resume_from: str = "",
    event: int | None = None,
    fairness: Mapping[str, str] | None = None,
) -> dg.RunRequest:
    return dg.RunRequest(
        run_key=run_key,
        job_name=ingest_assets_job.name,
        partition_key=job,
        asset_selection=[dg.AssetKey(stage) for stage in stages] if stages else None,
        tags={**tags.run_tags(job, langs, resume_from, event), **(fairness or {})},
    )


def dub_runs(
    job: str,
    langs: list[str],
    run_key_prefix: str,
    stages: tuple[str, ...] = LANGUAGE_STAGES,
    resume_from: str = "",
    event: int | None = None,
    fairness: Mapping[str, str] | None = None,
) -> list[dg.RunRequest]:
    selection = None if stages == LANGUAGE_STAGES else [dg.AssetKey(stage) for stage in stages]
    return [
        dg.RunRequest(
            run_key=f"{run_key_prefix}-{lang}",
            job_name=dub_assets_job.name,
            partition_key=str(job_lang_key(job, lang)),
            asset_selection=selection,
            tags={
                **tags.run_tags(job, langs, resume_from, event),
                tags.LANG: lang,
                **(fairness or {}),
            },
        )
        for lang in langs
    ]
