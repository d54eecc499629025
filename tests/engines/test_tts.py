import numpy as np
import pytest

from dubbing_core.voices import TTSError, get_voice
from resources.tts import TTS


@pytest.fixture(scope="module")
def tts(models_dir):
    return TTS(models_dir=str(models_dir))


SENTENCES = {
    "en": "Permission is hereby granted, free of charge, to any person.",
    "es": "El permiso es concedido, gratis, a cualquier persona.",
    "ca": "El permís és concedit, gratuïtament, a qualsevol persona.",
}


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_voices_speak_for_a_plausible_time(tts, lang):
    voice = get_voice(None, lang)
    samples = tts.synthesize(SENTENCES[lang], voice)
    seconds = len(samples) / voice.sample_rate
    # ~9-10 words: a human reads them in roughly 2.5-5 s.
    assert 1.8 < seconds < 7.0, seconds
    assert np.abs(samples).max() > 0.05


def test_english_uses_the_packaged_piper_voice(tts):
    assert get_voice(None, "en").engine == "piper"
    assert get_voice(None, "es").engine == "espeak-ng"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_engine_rate_control_shortens_speech(tts, lang):
    voice = get_voice(None, lang)
    normal = len(tts.synthesize(SENTENCES[lang], voice, 1.0))
    fast = len(tts.synthesize(SENTENCES[lang], voice, 1.3))
    assert 0.6 < fast / normal < 0.9


def test_unknown_voice_is_refused():
    with pytest.raises(TTSError) as error:
        get_voice("en_US-joe-medium", "es")
    assert error.value.code == "voice.unknown"
