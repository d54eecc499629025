"""The job request: what a submitter (the CLI, or the API's sensor) asks the pipeline to do.

It is stored as `jobs/{job}/request.json` next to the uploaded file; its JSON shape is the contract
between whoever submits and the pipeline (docs/pipeline.md).
"""

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field, field_validator, model_validator

from dubbing_core import keys
from dubbing_core.glossary import MAX_TERMS, GlossaryTerm
from dubbing_core.languages import get_language
from dubbing_core.presets import CustomPresetUse, Preset, get_preset
from dubbing_core.voices import Voice, check_voice, default_voice, installed_voice


class ArtifactStore(Protocol):
    """What storing and loading a request needs of the artifact store; the kernel names no
    storage backend (`resources.storage.MediaStore` is the one in use)."""

    def read_json(self, key: str) -> Any: ...

    def write_json(self, key: str, value: Any) -> None: ...

    def put_file(self, local: Path, key: str) -> None: ...


class VoiceChoice(BaseModel):
    """The voice a language is dubbed with, recorded when the job is created: the pipeline
    speaks with it rather than resolve a default that a later download could change."""

    id: str
    engine: str
    model: str
    # Who chose it. A custom preset's new voice replaces a "preset" or "default" choice
    # (`dubbing_assets/automation/schedules.py`), never the job's own.
    chosen_by: Literal["job", "preset", "default"]


def choose_voice(
    lang: str, job_voice: str | None, preset: Preset, installed: Mapping[str, Voice]
) -> VoiceChoice | None:
    """The job's own voice, else its preset's, else the language's default among the voices
    `installed` here (None when none speaks it: the dub run then says so). Codes `job.*` for the
    job's voice, `preset.voice_not_installed` for a preset's voice removed since it was saved."""
    chosen_by: Literal["job", "preset", "default"]
    if job_voice is not None:
        check_voice(job_voice, lang, "job")
        voice: Voice | None = installed_voice(job_voice, installed, "job")
        chosen_by = "job"
    elif (preset_voice := preset.voice_for(lang)) is not None:
        voice, chosen_by = installed_voice(preset_voice, installed, "preset"), "preset"
    else:
        voice, chosen_by = default_voice(lang, installed), "default"
    if voice is None:
        return None
    return VoiceChoice(id=voice.id, engine=voice.engine, model=voice.model, chosen_by=chosen_by)


class TargetRequest(BaseModel):
    lang: str
    # A built-in preset's name, or the name a custom preset had when the job used it.
    preset: str = "default"
    custom_preset: CustomPresetUse | None = None
    # None in requests stored before voices were recorded, and from submitters that leave the
    # choice to the pipeline (the preset's voice, else the language's default there).
    voice: VoiceChoice | None = None

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

    def voice_id(self) -> str | None:
        """The recorded voice, else the preset's (None: the language's default)."""
        return self.voice.id if self.voice else self.resolved_preset().voice_for(self.lang)


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
