"""The voice catalogue: which voices exist per language and which is the default.

Plain data shared by the TTS resource and the API (`/v1/languages`), without loading engines.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from dubbing_core.errors import CodedError
from dubbing_core.languages import LANGUAGES, SUPPORTED, get_language

ESPEAK_SAMPLE_RATE = 22050
# A piper voice installed by `dubflow models download piper <voice>` lives in
# `<models dir>/piper-<voice>/` as `<voice>.onnx` and `<voice>.onnx.json`.
PIPER_MODEL_PREFIX = "piper-"


class TTSError(CodedError, RuntimeError):
    pass


@dataclass(frozen=True)
class Voice:
    id: str
    engine: str  # "piper" | "espeak-ng"
    language: str
    model: str  # registry model id (piper) or espeak-ng voice name
    sample_rate: int
    # What it sounds like, and its licence (docs/licensing.md), for whoever chooses a voice.
    quality: str
    licence: str
    # Bumped when the voice's model or settings change: partitions dubbed with an older
    # version are re-dubbed by the batch schedule (`dubbing_assets/automation/schedules.py`).
    version: str = "1"

    @property
    def fingerprint(self) -> str:
        return f"{self.id}@{self.version}"


def _espeak_voice(lang: str) -> Voice:
    return Voice(
        f"espeak-{lang}",
        "espeak-ng",
        lang,
        get_language(lang).espeak_voice,
        ESPEAK_SAMPLE_RATE,
        quality="formant synthesis: intelligible, robotic",
        licence="GPL-3.0-or-later",
    )


VOICES: dict[str, Voice] = {
    voice.id: voice
    for voice in (
        Voice(
            "en_US-joe-medium",
            "piper",
            "en",
            "piper-en_US-joe-medium",
            22050,
            quality="neural (piper medium): natural",
            licence="MIT package, CC0 voice dataset",
        ),
        *(_espeak_voice(lang) for lang in SUPPORTED),
    )
}
# The best installed voice per language: piper where a packaged voice exists.
DEFAULT_VOICES: dict[str, str] = {lang: f"espeak-{lang}" for lang in SUPPORTED} | {
    "en": "en_US-joe-medium"
}


def downloaded_piper_voices(models_dir: Path) -> list[Voice]:
    """The piper voices installed in the models directory, for the languages dubflow supports."""
    found = []
    for config in sorted(models_dir.glob(f"{PIPER_MODEL_PREFIX}*/*.onnx.json")):
        voice_id = config.name.removesuffix(".onnx.json")
        lang = voice_id.split("_", 1)[0]
        if config.parent.name != PIPER_MODEL_PREFIX + voice_id or lang not in LANGUAGES:
            continue
        if voice_id in VOICES or not config.with_suffix("").exists():
            continue
        quality = voice_id.rsplit("-", 1)[-1]
        found.append(
            Voice(
                voice_id,
                "piper",
                lang,
                config.parent.name,
                int(json.loads(config.read_text())["audio"]["sample_rate"]),
                quality=f"neural (piper {quality}): downloaded",
                licence="see the voice's MODEL_CARD in rhasspy/piper-voices",
            )
        )
    return found


def catalogue(models_dir: Path) -> dict[str, Voice]:
    """Every voice known here: the built-in ones and the piper voices downloaded into
    `models_dir`."""
    return VOICES | {voice.id: voice for voice in downloaded_piper_voices(models_dir)}


def get_voice(voice_id: str | None, lang: str) -> Voice:
    voice = VOICES.get(voice_id or DEFAULT_VOICES.get(lang, ""))
    if voice is None or voice.language != lang:
        raise TTSError("voice.unknown", f"no voice {voice_id!r} for language {lang!r}")
    return voice
