"""Speech the transcription left out: voiced regions of the source that no unit covers.

Whisper transcribes a job in one language; a passage in another language (a code-switching source,
a quote, a second speaker) often comes back as nothing at all, so it has no unit, no dub and no
ducking, and the original is heard as it was. Each such region is listened to again on its own:
Whisper detects its language and transcribes it in that language. Whisper also does the opposite:
told the job's language, it renders a passage in another language as a made-up translation
(German read as "Each of these software and the available documentation data is divided").
Those segments are decoded with little confidence; `foreign_segments` checks their language, and
a passage in another language is dropped from the transcript, so it is uncovered speech too.

- When Whisper finds words in it (its own no-speech and log-probability tests, not energy: music and
  effects are loud too) in a language every target can be translated from, its words become units
  like any other, carrying their own source language.
- When it finds words but the language is uncertain or cannot be translated, the region is flagged
  (`UNTRANSLATABLE`, `UNCERTAIN`): the mix ducks it like a unit's span and the quality report lists
  it, so the original is neither heard at full level nor silently dropped.
- When it finds no words, the region is not speech and stays as it is.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dubbing_assets import units
from resources.asr import ASR, Segment
from resources.wav import Samples

# Speech this close to a unit is that unit's (its edges are snapped to the speech already).
UNIT_MARGIN_SECONDS = 0.15
# Uncovered speech runs closer than this are one passage (one language, one Whisper call).
BRIDGE_SECONDS = 1.0
# A passage needs this much speech to be listened to again: a breath or a click is not a sentence.
MIN_SPEECH_SECONDS = 0.5
# Audio kept around a passage for Whisper, so its first and last syllables are whole.
CONTEXT_SECONDS = 0.2
# Whisper's own defaults (no_speech_threshold, log_prob_threshold): a segment holds words when it is
# likely speech and decoded with a mean token log-probability of at least -1.
NO_SPEECH_MAX = 0.6
MIN_CONFIDENCE = math.exp(-1.0)
# A passage's language is trusted from this probability on (a clear 8 s German passage: 0.998).
MIN_LANGUAGE_PROBABILITY = 0.5

# A segment whose words Whisper is this unsure of, on average, may be another language rendered in
# the job's (real English: >= 0.70 per segment on the test recordings; German read as English:
# 0.41-0.50).
DOUBTFUL_WORD_PROBABILITY = 0.6

UNTRANSLATABLE = "untranslatable"
UNCERTAIN = "uncertain_language"


@dataclass(frozen=True)
class Region:
    start: float
    end: float
    speech_seconds: float


def uncovered_regions(
    active: np.ndarray,
    frame_seconds: float,
    spans: Sequence[tuple[float, float]],
    *,
    margin: float = UNIT_MARGIN_SECONDS,
    bridge: float = BRIDGE_SECONDS,
    min_speech: float = MIN_SPEECH_SECONDS,
) -> list[Region]:
    """The passages of speech (`active`, per frame of `frame_seconds`) outside every unit's span
    (widened by `margin`): runs closer than `bridge` joined, passages with less than `min_speech`
    seconds of speech left out."""
    left = active.astype(bool).copy()
    for start, end in spans:
        first = max(round((start - margin) / frame_seconds), 0)
        left[first : max(round((end + margin) / frame_seconds), first)] = False
    padded = np.concatenate([[False], left, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    runs = list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))
    joined: list[list[int]] = []
    for first, last in runs:
        if joined and (first - joined[-1][1]) * frame_seconds < bridge:
            joined[-1][1] = last
        else:
            joined.append([first, last])
    regions = []
    for first, last in joined:
        spoken = float(left[first:last].sum()) * frame_seconds
        if spoken >= min_speech - 1e-9:
            regions.append(
                Region(
                    round(first * frame_seconds, 3),
                    round(last * frame_seconds, 3),
                    round(spoken, 3),
                )
            )
    return regions


def _doubtful(segment: Segment) -> bool:
    if not segment.words:
        return False
    mean = sum(word.probability for word in segment.words) / len(segment.words)
    return mean < DOUBTFUL_WORD_PROBABILITY


def foreign_segments(
    segments: Sequence[Segment], samples: Samples, rate: int, asr: ASR, language: str
) -> set[int]:
    """The ids of the segments Whisper transcribed in `language` though another is spoken there:
    each run of doubtful segments (`DOUBTFUL_WORD_PROBABILITY`) is one passage whose language
    Whisper detects; it is foreign when another language wins with `MIN_LANGUAGE_PROBABILITY`."""
    passages: list[list[Segment]] = []
    for position, segment in enumerate(segments):
        if not _doubtful(segment):
            continue
        if passages and passages[-1][-1].id == segments[position - 1].id:
            passages[-1].append(segment)
        else:
            passages.append([segment])
    foreign: set[int] = set()
    for passage in passages:
        first = max(round(passage[0].start * rate), 0)
        audio = samples[first : round(passage[-1].end * rate)]
        heard, probability = asr.language_probabilities(audio)[0]
        if heard != language and probability >= MIN_LANGUAGE_PROBABILITY:
            foreign.update(segment.id for segment in passage)
    return foreign


def holds_words(segment: Segment) -> bool:
    """Whisper heard words, not noise, in `segment`."""
    return (
        bool(segment.words)
        and segment.no_speech_prob <= NO_SPEECH_MAX
        and segment.confidence >= MIN_CONFIDENCE
    )


def verdict(language: str, probability: float, can_dub: Callable[[str], bool]) -> str | None:
    """Why a passage heard in `language` (at `probability`) cannot be dubbed, or None when it
    can: its language must be trusted and translatable into every target."""
    if probability < MIN_LANGUAGE_PROBABILITY:
        return UNCERTAIN
    if not can_dub(language):
        return UNTRANSLATABLE
    return None


@dataclass(frozen=True)
class HeardRegion:
    """A passage listened to again: the words Whisper found (absolute times) in its language."""

    region: Region
    language: str
    probability: float
    segments: list[dict[str, Any]] = field(default_factory=list)
    reason: str | None = None  # why it is not dubbed (a flagged region), None when it is

    @property
    def text(self) -> str:
        return " ".join(segment["text"] for segment in self.segments)

    def flag(self) -> dict[str, Any]:
        """The region as the transcript, the mix and the quality report list it."""
        return {
            "start": self.region.start,
            "end": self.region.end,
            "speech_seconds": self.region.speech_seconds,
            "language": self.language,
            "probability": round(self.probability, 4),
            "reason": self.reason,
            "text": self.text,
        }


def _shifted(segment: Segment, offset: float) -> dict[str, Any]:
    return {
        "start": round(segment.start + offset, 3),
        "end": round(segment.end + offset, 3),
        "text": segment.text,
        "words": [
            {"start": round(w.start + offset, 3), "end": round(w.end + offset, 3), "word": w.word}
            for w in segment.words
        ],
    }


def hear(
    region: Region,
    samples: Samples,
    rate: int,
    asr: ASR,
    can_dub: Callable[[str], bool],
) -> HeardRegion | None:
    """Detect the language of `region` of `samples` and transcribe it in that language; None when
    Whisper finds no words there (not speech)."""
    first = max(round((region.start - CONTEXT_SECONDS) * rate), 0)
    last = min(round((region.end + CONTEXT_SECONDS) * rate), len(samples))
    passage = samples[first:last]
    language, probability = asr.language_probabilities(passage)[0]
    # Greedy only: the question is whether Whisper hears words at all, and on music the fallback
    # to higher temperatures is what invents them (and takes seconds per passage).
    heard = asr.transcribe(passage, language=language, fallback=False)
    offset = first / rate
    segments = [_shifted(s, offset) for s in heard.segments if holds_words(s)]
    if not segments:
        return None
    return HeardRegion(
        region, language, probability, segments, verdict(language, probability, can_dub)
    )


@dataclass(frozen=True)
class ListenedAgain:
    units: list[units.Unit]  # the dubbable passages' units, on the speech, in time order
    heard: list[HeardRegion]  # every passage with words: dubbed (`reason` None) or flagged
    not_speech: list[Region]  # passages without words

    @property
    def flagged(self) -> list[dict[str, Any]]:
        return [heard.flag() for heard in self.heard if heard.reason is not None]


def listen_again(
    covered: Sequence[units.Unit],
    active: np.ndarray,
    frame_seconds: float,
    samples: Samples,
    rate: int,
    asr: ASR,
    can_dub: Callable[[str], bool],
) -> ListenedAgain:
    """Every passage of speech (`active`) outside the `covered` units, heard again (`hear`): the
    units of those Whisper hears words in, in a language `can_dub` accepts, and the rest."""
    pauses = units.silences(active, frame_seconds, units.PAUSE_SECONDS)
    spans = [(unit.start, unit.end) for unit in covered]
    recovered: list[list[units.Unit]] = []
    heard_regions: list[HeardRegion] = []
    not_speech: list[Region] = []
    for region in uncovered_regions(active, frame_seconds, spans):
        heard = hear(region, samples, rate, asr, can_dub)
        if heard is None:
            not_speech.append(region)
            continue
        heard_regions.append(heard)
        if heard.reason is None:
            recovered.append(
                units.build_units(heard.segments, silent=pauses, language=heard.language)
            )
    snapped = units.snap_to_speech(units.in_order(*recovered), active, frame_seconds)
    return ListenedAgain(snapped, heard_regions, not_speech)
