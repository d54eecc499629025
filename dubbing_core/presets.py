"""Dubbing presets: how a language's dub is voiced, timed, mixed and subtitled.

A job picks one preset per target language: a built-in one (`PRESETS`) or one of its user's
custom presets, whose settings (`PresetSettings`) the job's request records with the preset's id
and version (docs/editing.md, "Custom presets"). A preset's `version` is a hash of its fields; the
built-in ones feed the code version of the per-language assets, so changing one marks those stale.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from dubbing_core.errors import CodedError
from dubbing_core.languages import LANGUAGES
from dubbing_core.stages import LANGUAGE_STAGES, downstream
from dubbing_core.voices import check_voice

# What the engines support. Engine rate: espeak-ng speaks 165 words a minute at 1.0 and piper's
# length_scale shortens phonemes; past 2x both slur words. Stretch: atempo stays clean to 2x.
MAX_SPEED_CAP = 2.0
# The mix's loudness targets: from the quietest broadcast norm (Netflix dialogue, -27 LUFS, with
# room) to the loudest streaming one (-14 LUFS); louder ones leave the limiter no headroom.
LOUDNESS_RANGE = (-31.0, -14.0)
MAX_DUCK_DB = 80.0


class UnknownPreset(CodedError, KeyError):
    def __init__(self, name: str) -> None:
        super().__init__("preset.unknown", f"unknown preset {name!r}; known: {', '.join(PRESETS)}")


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    # Engine rate control first (piper length_scale, espeak words per minute) up to this factor...
    max_engine_rate: float = 1.25
    # ...then time-stretch (atempo) up to this factor, after borrowing the silence that follows.
    max_stretch: float = 1.3
    # How far the original audio is ducked over each unit's source speech and under its dub (see
    # docs/pipeline.md, "Mix and packaging"), and its level overall.
    duck_db: float = 12.0
    background_gain_db: float = 0.0
    subtitle_max_chars: int = 42
    subtitle_max_lines: int = 2
    # Voice id per language code; languages not listed use the default voice of the language.
    voices: dict[str, str] = field(default_factory=dict)
    # The mix's integrated loudness (LUFS); None: the installation's target (`Media.target_lufs`).
    loudness_lufs: float | None = None

    @property
    def version(self) -> str:
        # Fields left unset are not hashed, so adding an optional field keeps every version.
        fields = {key: value for key, value in asdict(self).items() if value is not None}
        payload = json.dumps(fields, sort_keys=True).encode()
        return hashlib.sha256(payload).hexdigest()[:12]

    def voice_for(self, lang: str) -> str | None:
        return self.voices.get(lang)


PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in (
        Preset(
            name="default",
            description="Balanced: moderate speed-up, the original removed under the dub (80 dB "
            "down), its background kept between sentences.",
            # The only depth whose Whisper round trip of the mix matched the dub alone
            # (docs/performance.md, family 8).
            duck_db=80.0,
        ),
        Preset(
            name="natural",
            description="Barely sped-up speech; may overflow long segments rather than rush.",
            max_engine_rate=1.1,
            max_stretch=1.15,
            duck_db=10.0,
        ),
        Preset(
            name="tight",
            description="Keeps every line in its slot: faster speech allowed (up to 1.4 x 1.5).",
            max_engine_rate=1.4,
            max_stretch=1.5,
        ),
        Preset(
            name="voice-forward",
            description="The original is kept far down (20 dB ducking, -6 dB overall).",
            duck_db=20.0,
            background_gain_db=-6.0,
        ),
    )
}


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise UnknownPreset(name) from None


def catalog_version() -> str:
    """One hash over every preset, for the code versions of assets that use presets."""
    joined = ",".join(f"{name}={preset.version}" for name, preset in sorted(PRESETS.items()))
    return hashlib.sha256(joined.encode()).hexdigest()[:12]


class InvalidPreset(CodedError, ValueError):
    pass


VoiceId = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class PresetSettings(BaseModel):
    """A custom preset's settings, bounded by what the engines support; what a job records."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_engine_rate: float = Field(default=1.25, ge=1.0, le=MAX_SPEED_CAP)
    max_stretch: float = Field(default=1.3, ge=1.0, le=MAX_SPEED_CAP)
    duck_db: float = Field(default=12.0, ge=0.0, le=MAX_DUCK_DB)
    background_gain_db: float = Field(default=0.0, ge=-30.0, le=6.0)
    loudness_lufs: float | None = Field(default=None, ge=LOUDNESS_RANGE[0], le=LOUDNESS_RANGE[1])
    subtitle_max_chars: int = Field(default=42, ge=20, le=80)
    subtitle_max_lines: int = Field(default=2, ge=1, le=3)
    voices: dict[str, VoiceId] = Field(default_factory=dict, max_length=len(LANGUAGES))

    @model_validator(mode="after")
    def _known_voices(self) -> "PresetSettings":
        check_voices(self.voices)
        return self

    def preset(self, name: str, description: str = "") -> Preset:
        return Preset(name=name, description=description, **self.model_dump())


def check_voices(voices: dict[str, str]) -> None:
    """Every voice names a voice (built in, or a piper voice by its name) that speaks the language
    it is chosen for. Whether it is installed is a question for the installation (the API asks
    when a preset is saved), not for the settings, which a job's request carries elsewhere."""
    for lang, voice_id in voices.items():
        if lang not in LANGUAGES:
            raise InvalidPreset("preset.unknown_language", f"no language {lang!r}")
        check_voice(voice_id, lang, "preset")


class CustomPresetUse(BaseModel):
    """Which version of which custom preset a job's language was dubbed with, and its settings."""

    id: str
    version: int = Field(ge=1)
    settings: PresetSettings


def stages_touched(old: Preset, new: Preset, *, voice_changed: bool) -> tuple[str, ...]:
    """The per-language stages a preset change means redoing for a language, in pipeline order:
    from `dubbed_speech` on for its voice (`voice_changed`: the voice it is dubbed with, which the
    job may have chosen itself) or speed caps, from `dubbed_mix` on for ducking or loudness,
    `subtitles` alone for the subtitle lines; nothing for another language's voice."""
    starts = []
    if voice_changed or (old.max_engine_rate, old.max_stretch) != (
        new.max_engine_rate,
        new.max_stretch,
    ):
        starts.append("dubbed_speech")
    if (old.duck_db, old.background_gain_db, old.loudness_lufs) != (
        new.duck_db,
        new.background_gain_db,
        new.loudness_lufs,
    ):
        starts.append("dubbed_mix")
    if (old.subtitle_max_chars, old.subtitle_max_lines) != (
        new.subtitle_max_chars,
        new.subtitle_max_lines,
    ):
        starts.append("subtitles")
    touched = {stage for start in starts for stage in downstream(start)}
    return tuple(stage for stage in LANGUAGE_STAGES if stage in touched)
