import difflib
import re

import pytest

from dubbing_assets import quality, units
from resources.asr import ASR, RATE
from resources.wav import WavTrack
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


@pytest.fixture(scope="module")
def speech_with_pauses(tmp_path_factory):
    """Real speech with pauses, 79 s: the English reading, 2 s of silence, two other English
    speakers, 3 s of silence, twice; 16 kHz mono 16-bit, as the speech track."""
    import subprocess

    path = tmp_path_factory.mktemp("asr") / "speech-with-pauses.wav"
    graph = (
        "[0:a]atrim=0:29.5,aresample=16000,aformat=channel_layouts=mono,asetpts=N/SR/TB[en];"
        "[1:a]aresample=16000,pan=mono|c0=0.5*c0+0.5*c1,asetpts=N/SR/TB[pair];"
        "anullsrc=r=16000:cl=mono,atrim=0:2[p1];anullsrc=r=16000:cl=mono,atrim=0:3[p2];"
        "[en][p1][pair][p2]concat=n=4:v=0:a=1,aloop=loop=1:size=2000000[out]"
    )
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(MEDIA / "multilingual.mp3"), "-i",
         str(MEDIA / "stereo_diarization.wav"), "-filter_complex", graph, "-map", "[out]",
         "-ar", "16000", "-ac", "1", "-c:a", "pcm_s16le", str(path)],
        check=True,
    )  # fmt: skip
    return path


def test_a_track_heard_in_windows_cut_at_pauses_reads_as_heard_whole(
    models_dir, speech_with_pauses
):
    """Windows cut in the pauses (as the transcript stage cuts them), their offsets added back:
    the same words at the same times as the whole track heard at once, within a tolerance."""
    asr = ASR(model="whisper-base", models_dir=str(models_dir))
    track = WavTrack(speech_with_pauses)
    speaking = quality.speech_activity(quality.foreground_levels(track))
    pauses = units.silences(speaking, quality.FRAME_SECONDS, units.PAUSE_SECONDS)
    windows = units.windows(pauses, len(track) / RATE, 30.0)
    assert len(windows) >= 3
    fractions: list[float] = []
    windowed = asr.transcribe_windows(track, windows, "en", on_progress=fractions.append)
    whole = asr.transcribe(speech_with_pauses, language="en")

    assert [s.id for s in windowed.segments] == list(range(len(windowed.segments)))
    assert windowed.duration == whole.duration
    assert fractions == sorted(fractions) and fractions[-1] > 0.9
    text = " ".join(segment.text for segment in windowed.segments)
    assert word_error_rate(" ".join(s.text for s in whole.segments), text) <= 0.1

    def timed_words(transcript):
        return [
            (re.sub(r"[^a-z0-9']", "", word.word.lower()), word.start, word.end)
            for segment in transcript.segments
            for word in segment.words
        ]

    heard, reference = timed_words(windowed), timed_words(whole)
    matcher = difflib.SequenceMatcher(a=[w for w, *_ in reference], b=[w for w, *_ in heard])
    pairs = [
        (reference[block.a + k], heard[block.b + k])
        for block in matcher.get_matching_blocks()
        for k in range(block.size)
    ]
    assert len(pairs) >= 0.9 * len(reference)
    offsets = sorted(abs(a[1] - b[1]) + abs(a[2] - b[2]) for a, b in pairs)
    assert offsets[len(offsets) // 2] <= 0.1  # start and end together, the median word
    assert offsets[int(0.95 * len(offsets))] <= 0.5
    # The windows end in pauses: no word of the whole track's transcript spans a cut.
    for _, cut in windows[:-1]:
        assert not any(start < cut - 0.2 and end > cut + 0.2 for _, start, end in reference)
