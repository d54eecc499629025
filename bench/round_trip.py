"""Round-trip intelligibility: each language's dubbed speech alone and its final mix, transcribed
by Whisper in the target language, scored by word error rate (WER) against the translation the
dub speaks. The dub alone measures the voice and Whisper; the mix adds the original audio under
it: a mix much worse than the dub alone means the original speech is heard (the issue's target:
mix <= 1.2 x the dub alone).

Measured on the demo clip (English, then German: the German cannot be dubbed with the installed
engines, so it is ducked, not replaced) and on a clip in one language; each figure names its clip,
and its detail lists the words the mix adds to what the dub alone was heard to say."""

import re
import time
from collections import Counter
from pathlib import Path

from bench.core import Figure
from bench.inprocess import InProcessJob, prepare
from dubbing_core import keys
from testing.clips import sentences_with_pauses

FAMILY = "8 round trip"
LIMIT = 1.2
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


def words(text: str) -> list[str]:
    """Lower-case words without punctuation (letters and digits of any script; "l'aigua" is one
    word)."""
    return _WORD.findall(text.lower())


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / reference words: the word-level edit
    distance."""
    ref, hyp = words(reference), words(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    previous = list(range(len(hyp) + 1))
    for i, ref_word in enumerate(ref, start=1):
        current = [i]
        for j, hyp_word in enumerate(hyp, start=1):
            current.append(
                min(
                    previous[j] + 1,  # deletion
                    current[j - 1] + 1,  # insertion
                    previous[j - 1] + (ref_word != hyp_word),  # substitution or match
                )
            )
        previous = current
    return previous[-1] / len(ref)


def added_words(dub_heard: str, mix_heard: str) -> list[str]:
    """The words heard in the mix more often than in the dub alone: what the original adds."""
    return sorted((Counter(words(mix_heard)) - Counter(words(dub_heard))).elements())


def one_language_job(work: Path, langs: list[str], source_language: str) -> InProcessJob:
    """Three speakers' English sentences with pauses (testing/clips.py), every stage run."""
    pieces = work / "one-language-clip"
    pieces.mkdir(parents=True, exist_ok=True)
    clip = sentences_with_pauses(pieces)
    return prepare(work / "one-language", clip, langs, source_language)


def run_family(inprocess: InProcessJob, clip: str) -> list[Figure]:
    asr = inprocess.resources["asr"]
    job, store = inprocess.job, inprocess.store
    figures = []
    for lang in inprocess.langs:
        reference = " ".join(
            segment["text"] for segment in store.read_json(keys.translation(job, lang))["segments"]
        )
        heard: dict[str, str] = {}
        started = time.perf_counter()
        for name, key in (("dub", keys.speech(job, lang)), ("mix", keys.mix(job, lang))):
            transcript = asr.transcribe(inprocess.path(key), language=lang)
            heard[name] = " ".join(segment.text for segment in transcript.segments)
        dub_wer = word_error_rate(reference, heard["dub"])
        mix_wer = word_error_rate(reference, heard["mix"])
        # A perfect dub alone (WER 0) would make any ratio infinite: one word is the floor.
        floor = 1 / max(len(words(reference)), 1)
        figures.append(
            Figure(
                FAMILY,
                f"WER of the mix / of the dub alone ({lang}, {clip})",
                round(mix_wer / max(dub_wer, floor), 3),
                "x",
                limit=LIMIT,
                note=f"against the translation ({len(words(reference))} words): mix "
                f"{mix_wer:.1%}, dub alone {dub_wer:.1%}; {asr.model}, language {lang}",
                detail={
                    "reference": reference,
                    "dub_heard": heard["dub"],
                    "mix_heard": heard["mix"],
                    "dub_wer": round(dub_wer, 4),
                    "mix_wer": round(mix_wer, 4),
                    "mix_adds": added_words(heard["dub"], heard["mix"]),
                    "seconds": round(time.perf_counter() - started, 2),
                },
            )
        )
    return figures
