"""The voice catalogue: which voices exist per language and which is the default.

Plain data shared by the TTS resource and the API (`/v1/languages`), without loading engines.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dubbing_core.errors import CodedError
from dubbing_core.languages import LANGUAGES, SUPPORTED, get_language

ESPEAK_SAMPLE_RATE = 22050
# A piper voice installed by `dubflow models download piper <voice>` lives in
# `<models dir>/piper-<voice>/` as `<voice>.onnx` and `<voice>.onnx.json`.
PIPER_MODEL_PREFIX = "piper-"


# rhasspy/piper-voices' naming: `<language>_<REGION>-<name>-<quality>`, e.g. es_ES-davefx-medium.
PIPER_VOICE_ID = re.compile(r"^(?P<lang>[a-z]{2,3})_[A-Z]{2}-[A-Za-z0-9_]+-(?P<quality>[a-z_]+)$")
# Worst to best: a language's default is its best piper voice (`default_voice`).
PIPER_QUALITIES = ("x_low", "low", "medium", "high")


class TTSError(CodedError, RuntimeError):
    pass


class InvalidVoice(CodedError, ValueError):
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
# A natural voice per language that has no packaged one, for `dubflow models download piper`
# (voices of rhasspy/piper-voices; the web app and `GET /v1/languages` name them).
SUGGESTED_DOWNLOADS: dict[str, str] = {
    "es": "es_ES-davefx-medium",
    "ca": "ca_ES-upc_ona-medium",
    "de": "de_DE-thorsten-medium",
    "fr": "fr_FR-siwis-medium",
    "it": "it_IT-riccardo-x_low",
    "pt": "pt_BR-faber-medium",
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


def _piper_rank(voice: Voice) -> int:
    match = PIPER_VOICE_ID.match(voice.id)
    quality = match["quality"] if match else ""
    return PIPER_QUALITIES.index(quality) if quality in PIPER_QUALITIES else -1


def default_voice(lang: str, known: Mapping[str, Voice]) -> Voice | None:
    """A language's voice when neither the job nor its preset names one, among `known`: its piper
    voice of the best quality (x_low < low < medium < high; ties: the packaged one, then the first
    by id), otherwise espeak-ng's (docs/editing.md, "Voices")."""
    piper = [v for v in known.values() if v.language == lang and v.engine == "piper"]
    if piper:
        return min(piper, key=lambda voice: (-_piper_rank(voice), voice.id not in VOICES, voice.id))
    return known.get(f"espeak-{lang}")


def voice_language(voice_id: str) -> str | None:
    """The language a voice id speaks, from the id alone (a piper voice not downloaded here has
    no record to ask); None when the id names no voice."""
    if voice_id in VOICES:
        return VOICES[voice_id].language
    match = PIPER_VOICE_ID.match(voice_id)
    return match["lang"] if match and match["lang"] in LANGUAGES else None


def check_voice(voice_id: str, lang: str, scope: str) -> None:
    """`voice_id` names a voice that speaks `lang`; codes `<scope>.unknown_voice` and
    `<scope>.voice_language` (scope: who chose it, "preset" or "job")."""
    spoken = voice_language(voice_id)
    if spoken is None:
        raise InvalidVoice(f"{scope}.unknown_voice", f"no voice {voice_id!r}")
    if spoken != lang:
        raise InvalidVoice(
            f"{scope}.voice_language", f"voice {voice_id!r} speaks {spoken!r}, not {lang!r}"
        )


def installed_voice(voice_id: str, installed: Mapping[str, Voice], scope: str) -> Voice:
    """The voice among those installed here, or `<scope>.voice_not_installed`."""
    voice = installed.get(voice_id)
    if voice is None:
        hint = (
            f"`dubflow models download piper {voice_id}`"
            if PIPER_VOICE_ID.match(voice_id)
            else "docs/operations.md"
        )
        raise InvalidVoice(
            f"{scope}.voice_not_installed", f"voice {voice_id!r} is not installed here ({hint})"
        )
    return voice


def get_voice(voice_id: str | None, lang: str, known: Mapping[str, Voice] = VOICES) -> Voice:
    """The voice named (or the language's default) among `known`, which the pipeline gives as
    the catalogue of its models directory."""
    voice = default_voice(lang, known) if voice_id is None else known.get(voice_id)
    if voice is None or voice.language != lang:
        raise TTSError(
            "voice.unknown",
            f"no voice {voice_id!r} for language {lang!r} here"
            " (a downloaded voice removed since the job was created?)",
        )
    return voice
