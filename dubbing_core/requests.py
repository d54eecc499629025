"""The job request: what a submitter (the CLI, or the API's sensor) asks the pipeline to do.

It is stored as `jobs/{job}/request.json` next to the uploaded file; its JSON shape is the contract
between whoever submits and the pipeline (docs/pipeline.md).
"""

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, Field, field_validator, model_validator

from dubbing_core import keys
from dubbing_core.glossary import MAX_TERMS, GlossaryTerm
from dubbing_core.languages import get_language
from dubbing_core.presets import CustomPresetUse, Preset, get_preset


class ArtifactStore(Protocol):
    """What storing and loading a request needs of the artifact store; the kernel names no
    storage backend (`resources.storage.MediaStore` is the one in use)."""

    def read_json(self, key: str) -> Any: ...

    def write_json(self, key: str, value: Any) -> None: ...

    def put_file(self, local: Path, key: str) -> None: ...


class TargetRequest(BaseModel):
    lang: str
    # A built-in preset's name, or the name a custom preset had when the job used it.
    preset: str = "default"
    custom_preset: CustomPresetUse | None = None

    @field_validator("lang")
    @classmethod
    def _supported_language(cls, lang: str) -> str:
        return get_language(lang).code

    @model_validator(mode="after")
    def _known_preset(self) -> "TargetRequest":
        if self.custom_preset is None:
            get_preset(self.preset)
        return self

    def resolved_preset(self) -> Preset:
        if self.custom_preset is None:
            return get_preset(self.preset)
        return self.custom_preset.settings.preset(self.preset)


class JobRequest(BaseModel):
    job_id: str
    source_name: str
    source_language: str = "auto"
    targets: list[TargetRequest] = Field(min_length=1)
    glossary: list[GlossaryTerm] = Field(default=[], max_length=MAX_TERMS)
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @field_validator("job_id")
    @classmethod
    def _valid_job_id(cls, job_id: str) -> str:
        return keys.check_job_id(job_id)

    @field_validator("targets")
    @classmethod
    def _distinct_languages(cls, targets: list[TargetRequest]) -> list[TargetRequest]:
        langs = [target.lang for target in targets]
        if len(set(langs)) != len(langs):
            raise ValueError(f"duplicate target languages: {langs}")
        return targets

    @property
    def languages(self) -> list[str]:
        return [target.lang for target in self.targets]

    def target(self, lang: str) -> TargetRequest:
        for target in self.targets:
            if target.lang == lang:
                return target
        raise KeyError(f"job {self.job_id} did not ask for {lang}")


def new_job_id() -> str:
    return uuid.uuid4().hex


def load_request(store: ArtifactStore, job: str) -> JobRequest:
    return JobRequest.model_validate(store.read_json(keys.request(job)))


def store_job(store: ArtifactStore, video: Path, request: JobRequest) -> None:
    """Put the source file and the request in storage; the request goes last, so a job whose
    request exists always has its source."""
    store.put_file(video, keys.upload(request.job_id))
    store.write_json(keys.request(request.job_id), request.model_dump(mode="json"))
