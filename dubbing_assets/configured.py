"""The resources of the code location, configured from the environment (`DUBFLOW_*`).

Their version strings also make the assets' code versions, so a new model, engine or preset
marks the affected partitions stale in Dagster.
"""

import os
from typing import Any

import dagster as dg

from dubbing_core.settings import DubflowSettings
from resources.asr import ASR
from resources.jobstore import JobStore
from resources.media import Media
from resources.storage import MediaStore
from resources.translation import Translation
from resources.tts import TTS


def _from_environment(name: str, value: str) -> str:
    """A secret the environment supplies, as a reference to its variable (an EnvVar is a str):
    Dagster resolves it when a run starts and its UI shows the variable's name, not the value."""
    return dg.EnvVar(name) if os.environ.get(name) == value else value


def build_resources(settings: DubflowSettings) -> dict[str, Any]:
    models_dir = str(settings.models_dir.resolve())
    return {
        "store": MediaStore.from_settings(
            settings,
            s3_secret_key=settings.s3_secret_key
            and _from_environment("DUBFLOW_S3_SECRET_KEY", settings.s3_secret_key),
            fault_writes=settings.fault_storage_writes,
        ),
        "asr": ASR(
            model=settings.asr_model,
            models_dir=models_dir,
            compute_type=settings.asr_compute_type,
            cpu_threads=settings.cpu_threads,
            beam_size=settings.asr_beam_size,
            vad_filter=settings.asr_vad,
        ),
        "translation": Translation.from_settings(settings),
        "tts": TTS(models_dir=models_dir),
        "jobstore": JobStore(
            database_url=_from_environment("DUBFLOW_DATABASE_URL", settings.resolved_database_url)
        ),
        "media": Media(
            max_source_seconds=settings.max_source_seconds,
            hls_segment_seconds=settings.hls_segment_seconds,
            target_lufs=settings.target_lufs,
        ),
    }


SETTINGS = DubflowSettings()
RESOURCES = build_resources(SETTINGS)
