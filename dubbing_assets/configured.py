"""The resources of the code location, configured from the environment (`DUBFLOW_*`).

Their version strings also make the assets' code versions, so a new model, engine or preset
marks the affected partitions stale in Dagster.
"""

from typing import Any

from dubbing_core.settings import DubflowSettings
from resources.asr import ASR
from resources.jobstore import JobStore
from resources.media import Media
from resources.storage import MediaStore
from resources.translation import Translation
from resources.tts import TTS


def build_resources(settings: DubflowSettings) -> dict[str, Any]:
    models_dir = str(settings.models_dir.resolve())
    return {
        "store": MediaStore(
            root=settings.resolved_storage_url,
            s3_endpoint_url=settings.s3_endpoint_url,
            s3_access_key=settings.s3_access_key,
            s3_secret_key=settings.s3_secret_key,
            s3_region=settings.s3_region,
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
        "translation": Translation(
            nllb_model_path=settings.nllb_model_path, engine=settings.translation_engine
        ),
        "tts": TTS(models_dir=models_dir),
        "jobstore": JobStore(database_url=settings.resolved_database_url),
        "media": Media(
            max_source_seconds=settings.max_source_seconds,
            hls_segment_seconds=settings.hls_segment_seconds,
            target_lufs=settings.target_lufs,
        ),
    }


SETTINGS = DubflowSettings()
RESOURCES = build_resources(SETTINGS)
