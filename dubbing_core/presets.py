"""Dubbing presets: how a language's dub is voiced, timed, mixed and subtitled.

A job picks one preset per target language. A preset's `version` is a hash of its fields, and it
feeds the code version of the per-language assets, so changing a preset marks those stale.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field

from dubbing_core.errors import CodedError


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

    @property
    def version(self) -> str:
        payload = json.dumps(asdict(self), sort_keys=True).encode()
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
