"""The public contract of `/v1`: request and response bodies (camelCase on the wire).

These are kept apart from the storage models (`dubbing_core/db/models.py`); routes translate.
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from dubbing_core.glossary import MAX_TERMS, GlossaryTerm
from dubbing_core.presets import LOUDNESS_RANGE, MAX_DUCK_DB, MAX_SPEED_CAP
from dubbing_core.stages import STAGES, StageName
from dubbing_core.statuses import JobStatus, StageStatus, UploadStatus

# Bounds on what a request may carry (docs/security/limits.md): no list or string is unbounded,
# so validating a request costs time linear in a size that is itself small.
MAX_TARGETS = 20
MAX_PARTS = 10_000  # S3's own limit on the parts of a multipart upload
LANGUAGE_CODE = Field(min_length=1, max_length=16, examples=["es"])


class ApiModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class Problem(ApiModel):
    """RFC 9457 problem details, with a stable machine-readable `code`."""

    type: str
    title: str
    status: int
    detail: str
    code: str = Field(examples=["upload.not_media"])
    instance: str | None = None


# -- uploads -------------------------------------------------------------------------------------


class UploadCreate(ApiModel):
    filename: str = Field(min_length=1, max_length=255, examples=["talk.mp4"])
    content_type: str = Field(default="application/octet-stream", max_length=127)
    size_bytes: int = Field(gt=0, examples=[52_428_800])


class PartUrl(ApiModel):
    part_number: int
    url: str
    size_bytes: int


class UploadSession(ApiModel):
    id: str
    status: UploadStatus
    filename: str
    size_bytes: int
    part_size: int
    part_count: int
    parts: list[PartUrl]
    expires_at: datetime


class ReceivedPart(ApiModel):
    part_number: int
    etag: str
    size_bytes: int


class MediaSummary(ApiModel):
    duration_seconds: float
    video_codec: str | None
    audio_codec: str | None
    width: int | None
    height: int | None


class UploadState(ApiModel):
    id: str
    status: UploadStatus
    filename: str
    size_bytes: int
    part_size: int
    part_count: int
    received_parts: list[ReceivedPart]
    missing_parts: list[int]
    error_code: str | None
    media: MediaSummary | None
    expires_at: datetime


class CompletedPart(ApiModel):
    part_number: int = Field(ge=1, le=MAX_PARTS)
    etag: str = Field(min_length=1, max_length=128)


class UploadComplete(ApiModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"parts": [{"partNumber": 1, "etag": "9b2cf535f27731c974343645a3985328"}]}]
        }
    )

    parts: list[CompletedPart] = Field(min_length=1, max_length=MAX_PARTS)


# -- jobs ------------------------------------------------------------------------------------------


class TargetSpec(ApiModel):
    language: str = LANGUAGE_CODE
    preset: str = Field(
        default="default",
        max_length=64,
        examples=["default"],
        description="A built-in preset's name or one of your custom presets' (`GET /v1/presets`)",
    )
    voice: str | None = Field(
        default=None,
        max_length=64,
        examples=["es_ES-davefx-medium"],
        description="An installed voice of the language (`GET /v1/voices`), over the preset's; "
        "none: the preset's voice, else the language's default",
    )


class JobCreate(ApiModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "uploadId": "01JD8R6Z6N5V0Q7WQ3Y5T2K9XH",
                    "sourceLanguage": "auto",
                    "targets": [{"language": "es"}, {"language": "fr", "preset": "tight"}],
                }
            ]
        }
    )

    upload_id: str = Field(min_length=1, max_length=64)
    source_language: str = Field(default="auto", max_length=16, examples=["auto", "en"])
    targets: list[TargetSpec] = Field(max_length=MAX_TARGETS)
    glossary: list[GlossaryTerm] | None = Field(
        default=None,
        max_length=MAX_TERMS,
        description="Terms kept verbatim or translated one fixed way; default: your glossary "
        "(`GET /v1/me/glossary`)",
    )


class StageAttemptState(ApiModel):
    """One attempt of a stage: a retry shows as a `retrying` attempt, its error and the wait
    before the next attempt."""

    attempt: int
    run_id: str
    worker: str | None = Field(
        description="host:pid of the run worker that ran the attempt (admins only)"
    )
    status: StageStatus
    started_at: datetime
    finished_at: datetime | None
    duration_seconds: float | None
    wait_seconds: float | None = Field(description="Back-off since the previous attempt ended")
    error_code: str | None
    error_message: str | None


class StageState(ApiModel):
    stage: StageName
    status: StageStatus
    progress: float
    attempt: int
    started_at: datetime | None
    finished_at: datetime | None
    duration_seconds: float | None
    error_code: str | None
    error_message: str | None
    history: list[StageAttemptState]


class LanguageOutputs(ApiModel):
    """Signed download URLs (short-lived)."""

    mp4_url: str
    vtt_url: str
    srt_url: str


class LanguageState(ApiModel):
    language: str
    preset: str
    preset_version: int | None = Field(
        default=None, description="The custom preset's version the language is dubbed with"
    )
    status: JobStatus
    progress: float
    stages: list[StageState]
    outputs: LanguageOutputs | None


class DagsterRun(ApiModel):
    run_id: str
    url: str


class JobMetrics(ApiModel):
    stage_seconds: dict[str, float]
    total_stage_seconds: float
    wall_seconds: float | None
    attempts: int


class HistoryEntry(ApiModel):
    kind: Literal["job.submitted", "job.retry", "job.languages_added", "units.edited", "job.redub"]
    at: datetime
    languages: list[str] = Field(description="The languages it concerns (none: the source)")
    units: list[int] = Field(default=[], description="The units edited, or to be re-dubbed")


class Job(ApiModel):
    id: str
    status: JobStatus
    upload_id: str
    source_language: str
    detected_language: str | None
    progress: float
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    data_deleted_at: datetime | None = Field(
        description="When you deleted the job's stored data (`DELETE /v1/jobs/{id}/data`): "
        "its outputs are gone, its history stays"
    )
    error_code: str | None
    error_message: str | None
    stages: list[StageState]
    languages: list[LanguageState]
    playback_available: bool
    logs_key: str | None
    metrics: JobMetrics | None
    dagster_runs: list[DagsterRun] = Field(
        description="The job's Dagster runs, with links to Dagster's UI (admins only; empty "
        "for everyone else)"
    )
    history: list[HistoryEntry] = Field(
        description="What was asked of the job, oldest first: the submission, retries, added "
        "languages, unit edits and re-dubs",
    )


class JobSummary(ApiModel):
    id: str
    status: JobStatus
    source_language: str
    languages: list[str]
    progress: float
    created_at: datetime
    finished_at: datetime | None


class JobPage(ApiModel):
    items: list[JobSummary]
    next_cursor: str | None


class LogLine(ApiModel):
    """One structured log line of a stage (secrets and personal data already scrubbed)."""

    timestamp: str
    level: str
    event: str = Field(examples=["stage.finished"])
    stage: str | None
    language: str | None
    run_id: str | None
    attempt: int | None
    duration_ms: float | None
    fields: dict[str, Any] = Field(description="Every other field of the line, e.g. errorCode")


class LogPage(ApiModel):
    items: list[LogLine]
    next_cursor: str | None


class RetryRequest(ApiModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"resumeFrom": "dubbed_speech", "languages": ["es"]}]}
    )

    # A plain string (listed as an enum in the contract) so that an unknown stage gets its own
    # problem code rather than a generic validation error.
    resume_from: str = Field(
        max_length=32, json_schema_extra={"enum": list(STAGES)}, examples=["dubbed_speech"]
    )
    languages: list[Annotated[str, LANGUAGE_CODE]] | None = Field(
        default=None, max_length=MAX_TARGETS
    )


class RetryPlan(ApiModel):
    job_id: str
    resume_from: str
    job_stages: list[StageName]
    language_stages: dict[str, list[StageName]]


class AddLanguages(ApiModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"targets": [{"language": "de"}]}]})

    targets: list[TargetSpec] = Field(max_length=MAX_TARGETS)


class CancelResult(ApiModel):
    job_id: str
    status: JobStatus
    terminated_runs: list[str]


class Playback(ApiModel):
    url: str
    expires_at: datetime


# -- quality report --------------------------------------------------------------------------------


class QualityUnit(ApiModel):
    """One unit of the dub measured against the source speech (times in seconds)."""

    index: int
    source_start: float = Field(description="Onset of the unit's first source word")
    source_end: float = Field(description="End of the unit's last source word")
    dub_start: float = Field(description="Where the dubbed speech really starts in the mix")
    dub_end: float
    onset_offset: float = Field(description="dubStart - sourceStart: negative is early")
    coverage: float = Field(description="Dub duration / source speech duration")
    speed_ratio: float = Field(description="How much the synthesized speech was sped up")
    overflow: float = Field(description="Seconds the dub runs past its slot")
    leak: float | None = Field(
        description="Share (0..1) of the unit's source speech audible without the dub"
    )
    loudness_lufs: float | None
    source_language: str | None = Field(
        default=None, description="The language the unit is spoken in (null in older reports)"
    )
    source_text: str
    text: str


class QualitySummary(ApiModel):
    units: int
    onset_within_100ms: float = Field(
        alias="onsetWithin100ms", description="Share (0..1) of units starting within 100 ms"
    )
    median_onset_offset: float
    mean_coverage: float
    max_speed_ratio: float
    overflow_units: int
    leak: float | None = Field(description="Share (0..1) of source speech audible without the dub")
    loudness_lufs: float | None = Field(description="Integrated loudness of the mix")
    true_peak_dbtp: float | None
    duration: float = Field(description="Length of the mix in seconds")
    untranscribed_seconds: float | None = Field(
        default=None,
        description="Seconds of source speech left undubbed (ducked): see `untranscribed`",
    )


class UntranscribedRegion(ApiModel):
    """Source speech no unit dubs: Whisper heard words in a language that cannot be translated
    into every target, or could not tell the language. The mix ducks it."""

    start: float
    end: float
    speech_seconds: float
    language: str = Field(description="The language Whisper heard (any of its ~100 codes)")
    reason: str = Field(description="`untranslatable` or `uncertain_language`")
    leak: float | None = Field(description="Share (0..1) of its speech still audible")


class LanguageQuality(ApiModel):
    """A language's quality report, measured from its audio; `summary` is null and `units` empty
    until the language's mix has been measured."""

    language: str
    summary: QualitySummary | None
    units: list[QualityUnit]
    untranscribed: list[UntranscribedRegion] = Field(default_factory=list)


class JobQuality(ApiModel):
    job_id: str
    languages: list[LanguageQuality]


# -- catalogue and health -------------------------------------------------------------------------


class VoiceInfo(ApiModel):
    id: str
    engine: str


class InstalledVoice(ApiModel):
    id: str
    language: str
    engine: Literal["piper", "espeak-ng"]
    quality: str = Field(examples=["neural (piper medium): natural"])
    licence: str = Field(examples=["GPL-3.0-or-later"])
    default: bool = Field(description="The language's voice when a preset names none")


class LanguageInfo(ApiModel):
    code: str
    name: str
    native_name: str
    voices: list[VoiceInfo]
    translatable_from: list[str]
    suggested_download: str | None = Field(
        default=None,
        examples=["es_ES-davefx-medium"],
        description="When no natural (piper) voice speaks the language here: one that "
        "`dubflow models download piper <voice>` installs",
    )


class PresetFields(ApiModel):
    """A preset's settings, within what the engines support (docs/editing.md, "Custom presets")."""

    max_engine_rate: float = Field(
        default=1.25,
        ge=1.0,
        le=MAX_SPEED_CAP,
        description="Speed-up by the voice's own rate control, tried first",
    )
    max_stretch: float = Field(
        default=1.3, ge=1.0, le=MAX_SPEED_CAP, description="Then time-stretch, up to this factor"
    )
    duck_db: float = Field(
        default=12.0,
        ge=0.0,
        le=MAX_DUCK_DB,
        description="How far the original is lowered under the dub (dB)",
    )
    background_gain_db: float = Field(
        default=0.0, ge=-30.0, le=6.0, description="The original's level overall (dB)"
    )
    loudness_lufs: float | None = Field(
        default=None,
        ge=LOUDNESS_RANGE[0],
        le=LOUDNESS_RANGE[1],
        description="The mix's integrated loudness; null: the installation's target",
    )
    subtitle_max_chars: int = Field(default=42, ge=20, le=80)
    subtitle_max_lines: int = Field(default=2, ge=1, le=3)
    voices: dict[str, str] = Field(
        default={},
        max_length=MAX_TARGETS,
        description="Voice id per language, among `GET /v1/voices`; others use the default",
        examples=[{"es": "espeak-es"}],
    )


PRESET_NAME = Field(
    min_length=1,
    max_length=64,
    pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._-]*$",
    examples=["calm-narration"],
)


class PresetWrite(PresetFields):
    """A custom preset as created or replaced (every field; unset ones take their default)."""

    name: str = PRESET_NAME
    description: str = Field(default="", max_length=500)


class PresetInfo(PresetFields):
    """A built-in preset, or one of your custom presets (`custom`, with `id` and `version`)."""

    name: str
    description: str
    custom: bool = False
    id: str | None = None
    version: int | None = Field(default=None, description="Bumped by every change")
    created_at: datetime | None = None
    updated_at: datetime | None = None


class QuotaState(ApiModel):
    limit: float
    usage: float = Field(description="Current usage (for `uploadBytes`, a per-upload limit: 0)")
    unit: Literal["bytes", "jobs", "minutes"]


class RateLimitState(ApiModel):
    limit: int = Field(description="Requests counted per window")
    window_seconds: int
    remaining: int = Field(description="What is left of the current window")
    reset_seconds: int = Field(description="Seconds until the current window ends")


class Me(ApiModel):
    """The caller: who they are, their quotas with current usage, and their rate limits."""

    id: str
    email: str
    name: str
    role: Literal["user", "admin"]
    quotas: dict[str, QuotaState] = Field(
        description="uploadBytes, storedBytes, concurrentJobs, queuedJobs, mediaMinutesPerDay"
    )
    rate_limits: dict[str, RateLimitState] = Field(
        description="writes (yours: POST, PUT, PATCH and DELETE requests), authFailures (from "
        "your address: requests with a bad key or token)"
    )


class Health(ApiModel):
    status: Literal["ok", "degraded"]
    checks: dict[str, Any]


# -- live progress (text/event-stream) -----------------------------------------------------------


class JobStatusEvent(ApiModel):
    """`job.status`: the job was created, started, or ended."""

    type: Literal["job.status"] = "job.status"
    job_id: str
    status: JobStatus
    error_code: str | None
    at: datetime


class StageStatusEvent(ApiModel):
    """`stage.status`: a stage started, is retrying, or ended (`language` null for job stages)."""

    type: Literal["stage.status"] = "stage.status"
    job_id: str
    stage: StageName
    language: str | None
    status: StageStatus
    error_code: str | None
    at: datetime


class StageProgressEvent(ApiModel):
    """`stage.progress`: a running stage's fraction done, 0 to 1."""

    type: Literal["stage.progress"] = "stage.progress"
    job_id: str
    stage: StageName
    language: str | None
    progress: float = Field(ge=0, le=1)
    at: datetime


class LanguageReadyEvent(ApiModel):
    """`language.ready`: a language finished; its outputs are in `GET /v1/jobs/{id}`."""

    type: Literal["language.ready"] = "language.ready"
    job_id: str
    language: str
    at: datetime


# The `data` of each event; its `event` field repeats `type`.
JobEvent = Annotated[
    JobStatusEvent | StageStatusEvent | StageProgressEvent | LanguageReadyEvent,
    Field(discriminator="type"),
]
EVENT_MODELS = (JobStatusEvent, StageStatusEvent, StageProgressEvent, LanguageReadyEvent)


# -- editing ---------------------------------------------------------------------------------------

# One edit request may correct this many units; the web editor sends one at a time.
MAX_EDITS = 500


class SourceUnit(ApiModel):
    id: int
    start: float
    end: float
    text: str = Field(description="The unit's text: the user's edit, or what Whisper heard")
    original_text: str = Field(description="What Whisper heard")
    edited: bool


class TranslatedUnit(ApiModel):
    id: int
    start: float
    end: float
    source_text: str = Field(description="The source unit's current text (edits included)")
    text: str = Field(description="The unit's translation: the user's edit, or the engine's")
    machine_text: str = Field(description="The translation engine's text")
    edited: bool
    glossary_terms: list[str] = Field(description="The glossary's terms the source unit holds")
    translation_stale: bool = Field(
        description="The source unit changed since it was translated: a re-dub translates it again"
    )
    speech_stale: bool = Field(
        description="The dubbed speech does not say `text` yet: a re-dub synthesizes it"
    )


class SourceUnits(ApiModel):
    job_id: str
    language: str = Field(description="The source language")
    units: list[SourceUnit]


class TranslatedUnits(ApiModel):
    job_id: str
    language: str
    engine: str
    glossary: list[GlossaryTerm] = Field(description="The job's glossary")
    units: list[TranslatedUnit]


class Glossary(ApiModel):
    terms: list[GlossaryTerm] = Field(max_length=MAX_TERMS)


class UnitTextEdit(ApiModel):
    id: int = Field(ge=0)
    # Bounded for the request's size only; the unit limit answers `unit.text_too_long`.
    text: str = Field(max_length=10_000)


class UnitEditRequest(ApiModel):
    edits: list[UnitTextEdit] = Field(min_length=1, max_length=MAX_EDITS)


class RedubRequest(ApiModel):
    languages: list[Annotated[str, LANGUAGE_CODE]] | None = Field(
        default=None, max_length=MAX_TARGETS, description="Default: every language with changes"
    )


class RedubLanguage(ApiModel):
    language: str
    retranslate: list[int] = Field(description="Units translated again (their source changed)")
    resynthesize: list[int] = Field(description="Units whose speech is synthesized again")


class RedubPlan(ApiModel):
    job_id: str
    languages: list[RedubLanguage]
