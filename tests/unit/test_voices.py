"""The voice catalogue's choices: a language's default among the installed voices (deterministic,
docs/editing.md "Voices"), and the codes for a voice that is unknown, of another language or not
installed here."""

import json
from pathlib import Path

import pytest

from dubbing_core.presets import PRESETS
from dubbing_core.requests import choose_voice
from dubbing_core.voices import (
    VOICES,
    InvalidVoice,
    catalogue,
    check_voice,
    default_voice,
    installed_voice,
)


def _download(models: Path, *voices: str) -> dict:
    for voice in voices:
        folder = models / f"piper-{voice}"
        folder.mkdir(parents=True)
        (folder / f"{voice}.onnx").write_bytes(b"onnx")
        (folder / f"{voice}.onnx.json").write_text(json.dumps({"audio": {"sample_rate": 16000}}))
    return catalogue(models)


def test_the_default_is_the_best_piper_voice_then_espeak(tmp_path):
    assert default_voice("es", VOICES).id == "espeak-es"  # type: ignore[union-attr]
    assert default_voice("en", VOICES).id == "en_US-joe-medium"  # type: ignore[union-attr]
    known = _download(
        tmp_path, "es_ES-sharvard-medium", "es_ES-davefx-medium", "es_MX-ald-x_low", "en_GB-a-low"
    )
    # Quality first, then the first id; the order files were found in does not matter.
    assert default_voice("es", known).id == "es_ES-davefx-medium"  # type: ignore[union-attr]
    # A downloaded voice of lower quality does not replace the packaged one...
    assert default_voice("en", known).id == "en_US-joe-medium"  # type: ignore[union-attr]
    # ...one of equal quality neither (the packaged one first), a better one does.
    known = _download(tmp_path / "more", "en_AU-aaa-medium", "en_GB-zed-high")
    assert default_voice("en", known).id == "en_GB-zed-high"  # type: ignore[union-attr]
    assert default_voice("en", {k: v for k, v in known.items() if "zed" not in k}).id == (  # type: ignore[union-attr]
        "en_US-joe-medium"
    )
    assert default_voice("fr", {}) is None


@pytest.mark.parametrize(
    ("voice", "lang", "code"),
    [
        ("no-such-voice", "es", "job.unknown_voice"),
        ("xx_XX-someone-medium", "es", "job.unknown_voice"),  # not a language dubflow speaks
        ("espeak-fr", "es", "job.voice_language"),
        ("fr_FR-siwis-medium", "es", "job.voice_language"),
    ],
)
def test_voices_that_cannot_speak_the_language(voice, lang, code):
    with pytest.raises(InvalidVoice) as error:
        check_voice(voice, lang, "job")
    assert error.value.code == code


def test_a_voice_not_installed_names_the_download():
    with pytest.raises(InvalidVoice) as error:
        installed_voice("es_ES-davefx-medium", VOICES, "preset")
    assert error.value.code == "preset.voice_not_installed"
    assert "`dubflow models download piper es_ES-davefx-medium`" in error.value.message
    check_voice("es_ES-davefx-medium", "es", "preset")  # a well-formed name: not "unknown"


def test_a_choice_records_who_made_it(tmp_path):
    known = _download(tmp_path, "es_ES-davefx-medium")
    preset = PRESETS["default"]
    assert choose_voice("es", None, preset, known).chosen_by == "default"  # type: ignore[union-attr]
    chosen = choose_voice("es", "espeak-es", preset, known)
    assert chosen is not None and (chosen.id, chosen.chosen_by) == ("espeak-es", "job")
    assert choose_voice("fr", None, preset, {}) is None  # nothing speaks it: the run will say so
