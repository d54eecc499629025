"""Run the real asset jobs on an ephemeral Dagster instance with a private store."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg

from dubbing_assets.asset_jobs import DUB_ASSETS, INGEST_ASSETS
from dubbing_assets.configured import SETTINGS, build_resources
from dubbing_assets.definitions import ASSETS
from dubbing_assets.partitions import JOB_PARTITIONS, job_lang_key
from dubbing_core.requests import JobRequest, TargetRequest, new_job_id, store_job
from resources.storage import MediaStore


@dataclass
class Pipeline:
    instance: dg.DagsterInstance
    resources: dict
    store: MediaStore

    def submit(self, video: Path, langs: list[str], source_language: str = "auto") -> str:
        request = JobRequest(
            job_id=new_job_id(),
            source_name=video.name,
            source_language=source_language,
            targets=[TargetRequest(lang=lang) for lang in langs],
        )
        store_job(self.store, video, request)
        self.instance.add_dynamic_partitions(JOB_PARTITIONS, [request.job_id])
        return request.job_id

    def ingest(
        self, job: str, selection: dg.AssetSelection = INGEST_ASSETS
    ) -> dg.ExecuteInProcessResult:
        return dg.materialize(
            ASSETS,
            selection=selection,
            partition_key=job,
            instance=self.instance,
            resources=self.resources,
            raise_on_error=False,
        )

    def dub(
        self, job: str, lang: str, selection: dg.AssetSelection = DUB_ASSETS
    ) -> dg.ExecuteInProcessResult:
        return dg.materialize(
            ASSETS,
            selection=selection,
            partition_key=str(job_lang_key(job, lang)),
            instance=self.instance,
            resources=self.resources,
            raise_on_error=False,
        )


def make_pipeline(
    tmp: Path, models_dir: Path, *, persistent: bool = False, **overrides: Any
) -> Pipeline:
    settings = SETTINGS.model_copy(
        update={
            "data_dir": tmp,
            "storage_url": str(tmp / "storage"),
            "models_dir": models_dir,
            **overrides,
        }
    )
    resources = build_resources(settings)
    # Persistent (on disk) when a test needs what only such an instance offers, e.g. schedules.
    instance = (
        dg.DagsterInstance.local_temp(str(tmp)) if persistent else dg.DagsterInstance.ephemeral()
    )
    return Pipeline(instance, resources, resources["store"])


def failure_codes(result: dg.ExecuteInProcessResult) -> dict[str, str]:
    codes: dict[str, str] = {}
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            data = event.event_specific_data.user_failure_data  # type: ignore[union-attr]
            codes[str(event.step_key)] = str(data.metadata["error_code"].value) if data else "?"
    return codes
