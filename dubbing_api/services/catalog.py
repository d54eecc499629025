"""What the installed engines and voices can do, and validation of a job's choices against it."""

from collections.abc import Mapping, Sequence

from dubbing_api.core.problems import Problem
from dubbing_api.schemas import InstalledVoice, LanguageInfo, PresetInfo, TargetSpec, VoiceInfo
from dubbing_core.languages import LANGUAGES, SUPPORTED
from dubbing_core.presets import PRESETS, CustomPresetUse
from dubbing_core.requests import TargetRequest, choose_voice
from dubbing_core.settings import DubflowSettings
from dubbing_core.voices import (
    SUGGESTED_DOWNLOADS,
    InvalidVoice,
    Voice,
    default_voice,
)
from resources.translation import Translation, TranslationError
from resources.tts import installed_voices

# One per configuration, built on first use: constructing a Dagster resource takes milliseconds,
# and every job created validates its targets with one.
_TRANSLATIONS: dict[tuple[str | None, str], Translation] = {}


def _translation(settings: DubflowSettings) -> Translation:
    key = (settings.resolved_nllb_model_path, settings.translation_engine)
    if key not in _TRANSLATIONS:
        _TRANSLATIONS[key] = Translation.from_settings(settings)
    return _TRANSLATIONS[key]


def languages(settings: DubflowSettings) -> list[LanguageInfo]:
    """Every language with the voices installed for it (a piper voice downloaded with
    `dubflow models download` included) and the languages it is reachable from."""
    translation = _translation(settings)
    here = voices(settings, None)
    return [
        LanguageInfo(
            code=code,
            name=language.name,
            native_name=language.native_name,
            voices=[VoiceInfo(id=v.id, engine=v.engine) for v in here if v.language == code],
            translatable_from=[s for s in SUPPORTED if s != code and translation.covers(s, code)],
            suggested_download=None
            if any(v.language == code and v.engine == "piper" for v in here)
            else SUGGESTED_DOWNLOADS.get(code),
        )
        for code, language in LANGUAGES.items()
    ]


def installed(settings: DubflowSettings) -> dict[str, Voice]:
    """The voices the TTS resource can speak with here (`resources.tts.installed_voices`)."""
    return installed_voices(settings.models_dir)


def voices(settings: DubflowSettings, language: str | None) -> list[InstalledVoice]:
    here = installed(settings)
    defaults = {lang: default_voice(lang, here) for lang in LANGUAGES}
    return [
        InstalledVoice(
            id=voice.id,
            language=voice.language,
            engine=voice.engine,  # type: ignore[arg-type]
            quality=voice.quality,
            licence=voice.licence,
            default=defaults[voice.language] == voice,
        )
        for voice in here.values()
        if language is None or voice.language == language
    ]


def presets() -> list[PresetInfo]:
    return [
        PresetInfo(
            name=p.name,
            description=p.description,
            max_engine_rate=p.max_engine_rate,
            max_stretch=p.max_stretch,
            duck_db=p.duck_db,
            background_gain_db=p.background_gain_db,
            subtitle_max_chars=p.subtitle_max_chars,
            subtitle_max_lines=p.subtitle_max_lines,
            loudness_lufs=p.loudness_lufs,
            voices=p.voices,
        )
        for p in PRESETS.values()
    ]


def validate_targets(
    settings: DubflowSettings,
    source_language: str,
    targets: list[TargetSpec],
    existing: Sequence[str] = (),
    custom_presets: Mapping[str, CustomPresetUse] | None = None,
) -> list[TargetRequest]:
    """The targets as pipeline requests, or a problem naming the first thing wrong.
    `custom_presets`: the caller's own presets by name, recorded in the requests that use one."""
    custom_presets = custom_presets or {}
    if not targets:
        raise Problem(422, "job.no_targets", "give at least one target language")
    if source_language != "auto" and source_language not in LANGUAGES:
        raise Problem(422, "language.unsupported", f"unsupported source {source_language!r}")
    # Linear in the number of targets (a set, not a count per target); and the request's
    # size is bounded by the schema in the first place.
    seen = set(existing)
    duplicates = set()
    for target in targets:
        if target.language in seen:
            duplicates.add(target.language)
        seen.add(target.language)
    if duplicates:
        raise Problem(422, "job.duplicate_language", f"languages given twice: {sorted(duplicates)}")
    # A target equal to the source language is allowed on purpose: it re-voices the video (the
    # transcript passes through untranslated, docs/api.md "Re-voicing").
    translation = _translation(settings)
    here = installed(settings)
    requests = []
    for target in targets:
        if target.language not in LANGUAGES:
            raise Problem(
                422,
                "language.unsupported",
                f"unsupported language {target.language!r}; supported: {', '.join(SUPPORTED)}",
            )
        if target.preset not in PRESETS and target.preset not in custom_presets:
            raise Problem(422, "preset.unknown", f"unknown preset {target.preset!r}")
        request = TargetRequest(
            lang=target.language,
            preset=target.preset,
            custom_preset=custom_presets.get(target.preset),
        )
        try:
            request.voice = choose_voice(
                target.language, target.voice, request.resolved_preset(), here
            )
        except InvalidVoice as error:
            raise Problem(422, error.code, f"{target.language}: {error.message}") from error
        requests.append(request)
    if source_language != "auto":
        try:
            translation.check_pairs(source_language, [target.lang for target in requests])
        except TranslationError as error:
            raise Problem(422, error.code, str(error)) from error
    return requests
