"""Environment configuration shared by the pipeline's resources.

Every setting has a local default so `dubflow dub` and the tests work on a bare machine; production
overrides them with `DUBFLOW_*` environment variables (see docs/configuration.md).
"""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# The directory `dubflow models download nllb` installs the default NLLB-200 checkpoint as.
DOWNLOADED_NLLB = "nllb-200-distilled-600M"


class DubflowSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DUBFLOW_")

    data_dir: Path = Path("data")
    # Where packaged weights are joined/verified and hub downloads go.
    models_dir: Path = Path("data/models")
    # SQLAlchemy URL of the application database; empty means SQLite at `<data_dir>/app.db`.
    database_url: str = ""
    # fsspec URL of the artifact store; empty means `<data_dir>/storage` on the local disk.
    storage_url: str = ""
    s3_endpoint_url: str | None = None
    s3_access_key: str | None = None
    s3_secret_key: str | None = None
    s3_region: str = "us-east-1"
    # Fault injection (drills and tests): the first N writes of each process to the store fail
    # as an unreachable object store would. Never set in production.
    fault_storage_writes: int = 0

    # How often the daemon (`dubflow daemon`) evaluates sensors, at most: Dagster's own loop
    # waits 5 s, and a job crosses two sensors (outbox -> ingest run, ingest -> dub runs).
    sensor_loop_seconds: int = Field(default=1, ge=1)

    asr_model: str = "whisper-base"
    asr_compute_type: str = "int8"
    asr_beam_size: int = 1
    asr_vad: bool = False
    cpu_threads: int = 2

    # An NLLB-200 checkpoint directory; unset, the one `dubflow models download nllb` installs
    # into the models directory is used when it is there (`resolved_nllb_model_path`).
    nllb_model_path: str | None = None
    translation_engine: str = "auto"
    # Where `dubflow models download` fetches from: the Hugging Face hub, or a mirror laid out
    # like it (an http(s) URL or a local directory).
    hub_url: str = "https://huggingface.co"

    # Batch re-dubbing (the `batch_redub` schedule): when, which languages (empty: all), and at
    # most how many (job, language) partitions per tick.
    redub_cron: str = "0 3 * * *"
    redub_languages: str = ""
    redub_batch_size: int = 10

    max_source_seconds: float = 3 * 3600.0
    hls_segment_seconds: float = 6.0
    target_lufs: float = -16.0

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'app.db').resolve()}"

    @property
    def resolved_storage_url(self) -> str:
        return self.storage_url or str((self.data_dir / "storage").resolve())

    @property
    def resolved_nllb_model_path(self) -> str | None:
        if self.nllb_model_path:
            return self.nllb_model_path
        downloaded = self.models_dir / DOWNLOADED_NLLB
        return str(downloaded.resolve()) if (downloaded / "config.json").exists() else None
