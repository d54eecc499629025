import re

import pytest

from resources.asr import ASR
from testing.media import MEDIA


def word_error_rate(reference: str, hypothesis: str) -> float:
    def words(text: str) -> list[str]:
        return re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split()

    ref, hyp = words(reference), words(hypothesis)
    previous = list(range(len(hyp) + 1))
    for i, ref_word in enumerate(ref, start=1):
        current = [i]
        for j, hyp_word in enumerate(hyp, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref_word != hyp_word))
            )
        previous = current
    return previous[-1] / len(ref)


@pytest.fixture(scope="module")
def english_part(tmp_path_factory):
    import subprocess

    path = tmp_path_factory.mktemp("asr") / "english.wav"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-i",
            str(MEDIA / "multilingual.mp3"),
            "-t",
            "29.5",
            "-ar",
            "16000",
            "-ac",
            "1",
            str(path),
        ],
        check=True,
    )
    return path


def test_whisper_base_transcribes_the_english_reading(models_dir, english_part):
    asr = ASR(model="whisper-base", models_dir=str(models_dir))
    fractions: list[float] = []
    transcript = asr.transcribe(english_part, language=None, on_progress=fractions.append)
    assert transcript.language == "en"
    text = " ".join(segment.text for segment in transcript.segments)
    wer = word_error_rate((MEDIA / "multilingual.en.txt").read_text(), text)
    print(f"whisper-base WER on the English part: {wer:.3f}")
    assert wer <= 0.25
    starts = [segment.start for segment in transcript.segments]
    assert starts == sorted(starts) and transcript.segments[0].words
    assert fractions and fractions[-1] > 0.9


def test_whisper_tiny_en_loads_from_its_package(models_dir, english_part):
    transcript = ASR(model="whisper-tiny.en", models_dir=str(models_dir)).transcribe(
        english_part, language="en"
    )
    assert "permission" in transcript.segments[0].text.lower()


def test_word_error_rate_counts_edits():
    assert word_error_rate("a b c d", "a x c") == 0.5
