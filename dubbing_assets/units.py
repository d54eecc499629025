"""Sentence-level dubbing units from Whisper's word timestamps.

Whisper's segments are cut where its 30 s decoding windows and its own heuristics fall: one segment
often spans several utterances, or starts mid-sentence. The translator then gets fragments, and a
dub placed at a segment's start sounds over the pauses between utterances. A unit instead is one
sentence (or one utterance between pauses) of the source:

- a unit ends at sentence punctuation, or where the speaker pauses for `pause` seconds or more
  (between the words' timestamps, or in the audio);
- a unit longer than `max_seconds` is split at its widest pause (or a clause comma) inside;
- a fragment (fewer than `min_words` words, or shorter than `min_seconds`) joins the sentence it
  belongs to (the unfinished one before it, or the one it leads into) across the shorter gap,
  when that gap is under `max_merge_gap` and the result stays in the cap; a short sentence of its
  own stays a unit.

Each unit spans its first word's onset to its last word's end: the dub starts at the onset and the
original is ducked over the whole span. `snap_to_speech` then moves both edges onto the speech the
audio really holds, since Whisper's word times are often 100-300 ms off.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

# Sentence ends and clause marks in Latin, CJK (full-width) and Arabic script.
SENTENCE_END = (".", "!", "?", "\u2026", "\u3002", "\uff01", "\uff1f", ";", "\u061f")
# A pause this long ends a unit.
PAUSE_SECONDS = 0.3
CLAUSE_END = (",", ":", "\uff0c", "\u3001")
_CLOSING_QUOTES = "\"')]\u00bb\u201d\u2019"


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Unit:
    index: int
    start: float
    end: float
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(" ".join(word.text for word in self.words).split())

    @property
    def duration(self) -> float:
        return self.end - self.start

    def to_segment(self) -> dict[str, Any]:
        """The transcript's segment form: what translation, speech and subtitles read."""
        return {
            "id": self.index,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "text": self.text,
            "words": [{"start": w.start, "end": w.end, "word": w.text} for w in self.words],
        }


def words_of(segments: Iterable[dict[str, Any]]) -> list[Word]:
    """Every word of the ASR segments in time order; a segment without word timestamps counts
    as one word spanning the segment."""
    words: list[Word] = []
    for segment in segments:
        timed = segment.get("words") or [
            {"start": segment["start"], "end": segment["end"], "word": segment["text"]}
        ]
        for word in timed:
            text = str(word["word"]).strip()
            if text:
                start = float(word["start"])
                words.append(Word(start, max(float(word["end"]), start), text))
    return sorted(words, key=lambda word: word.start)


def _ends_sentence(word: Word) -> bool:
    return word.text.rstrip(_CLOSING_QUOTES).endswith(SENTENCE_END)


def _split_long(words: list[Word], max_seconds: float) -> list[list[Word]]:
    """Split a run of words longer than `max_seconds` at its widest pause, preferring a clause
    comma when the pauses are alike, until every part fits."""
    if len(words) < 2 or words[-1].end - words[0].start <= max_seconds:
        return [words]

    def score(position: int) -> float:
        gap = words[position + 1].start - words[position].end
        clause = 0.15 if words[position].text.endswith(CLAUSE_END) else 0.0
        # Prefer cuts near the middle so both parts shrink.
        balance = -0.001 * abs(position - len(words) / 2)
        return gap + clause + balance

    cut = max(range(len(words) - 1), key=score)
    return _split_long(words[: cut + 1], max_seconds) + _split_long(words[cut + 1 :], max_seconds)


def _is_fragment(words: Sequence[Word], min_words: int, min_seconds: float) -> bool:
    return len(words) < min_words or words[-1].end - words[0].start < min_seconds


def _merge_fragments(
    groups: list[list[Word]],
    *,
    min_words: int,
    min_seconds: float,
    max_seconds: float,
    max_merge_gap: float,
) -> list[list[Word]]:
    merged = [list(group) for group in groups]
    changed = True
    while changed:
        changed = False
        for position, group in enumerate(merged):
            if not _is_fragment(group, min_words, min_seconds):
                continue
            # A short sentence of its own ("Yes.") stays a unit; a fragment joins the sentence
            # it belongs to: the one before if that did not end, or the one it leads into.
            candidates = []
            if position > 0 and not _ends_sentence(merged[position - 1][-1]):
                before = merged[position - 1]
                candidates.append((group[0].start - before[-1].end, position - 1))
            if position + 1 < len(merged) and not _ends_sentence(group[-1]):
                after = merged[position + 1]
                candidates.append((after[0].start - group[-1].end, position + 1))
            for gap, other in sorted(candidates):
                first, second = sorted((position, other))
                span = merged[second][-1].end - merged[first][0].start
                if gap <= max_merge_gap and span <= max_seconds:
                    merged[first : second + 1] = [merged[first] + merged[second]]
                    changed = True
                    break
            if changed:
                break
    return merged


def silences(
    active: np.ndarray, frame_seconds: float, min_seconds: float
) -> list[tuple[float, float]]:
    """The runs of at least `min_seconds` without speech in a per-frame activity mask."""
    padded = np.concatenate([[True], active.astype(bool), [True]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    runs = zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True)
    return [
        (round(first * frame_seconds, 3), round(last * frame_seconds, 3))
        for first, last in runs
        if (last - first) * frame_seconds >= min_seconds - 1e-9
    ]


def _paused_boundaries(words: Sequence[Word], silent: Iterable[tuple[float, float]]) -> set[int]:
    """The word boundaries (after word i) where the audio pauses, Whisper's word times aside:
    each silence goes to the boundary nearest its middle among those it can lie in (between the
    start of the word before and the end of the word after)."""
    boundaries = set()
    for start, end in silent:
        middle = (start + end) / 2
        candidates = [
            position
            for position in range(len(words) - 1)
            if words[position].start <= middle <= words[position + 1].end
        ]
        if candidates:
            boundaries.add(
                min(
                    candidates,
                    key=lambda p: abs(middle - (words[p].end + words[p + 1].start) / 2),
                )
            )
    return boundaries


def build_units(
    segments: Iterable[dict[str, Any]],
    *,
    silent: Iterable[tuple[float, float]] = (),
    pause: float = PAUSE_SECONDS,
    max_seconds: float = 12.0,
    min_words: int = 3,
    min_seconds: float = 0.8,
    max_merge_gap: float = 0.8,
) -> list[Unit]:
    """Sentence-level units from the ASR segments' word timestamps (see the module's doc).
    `silent`: pauses the audio holds (`silences`), which end units even where Whisper's word
    times run on across them."""
    words = words_of(segments)
    paused = _paused_boundaries(words, silent)
    groups: list[list[Word]] = []
    current: list[Word] = []
    for position, word in enumerate(words):
        current.append(word)
        following = words[position + 1] if position + 1 < len(words) else None
        if (
            following is None
            or _ends_sentence(word)
            or following.start - word.end >= pause
            or position in paused
        ):
            groups.extend(_split_long(current, max_seconds))
            current = []
    groups = _merge_fragments(
        groups,
        min_words=min_words,
        min_seconds=min_seconds,
        max_seconds=max_seconds,
        max_merge_gap=max_merge_gap,
    )
    return [
        Unit(index, group[0].start, max(word.end for word in group), tuple(group))
        for index, group in enumerate(groups)
    ]


def snap_to_speech(
    units: Sequence[Unit], active: np.ndarray, frame_seconds: float, *, reach: float = 0.3
) -> list[Unit]:
    """Move each unit's edges onto the speech in the audio: `active` says, per frame of
    `frame_seconds`, whether the source holds speech there. An onset inside speech moves back to
    where that speech starts, an onset in silence forward to the first speech; the end likewise
    outwards to where the speech stops. No edge moves more than `reach` seconds or past a
    neighbouring unit's edge, except an edge in silence, which moves inwards as far as the unit's
    speech (Whisper often opens a unit, or closes it, a second or more into the silence)."""
    count = len(active)
    if count == 0:
        return list(units)
    snapped: list[Unit] = []
    for position, unit in enumerate(units):
        floor = snapped[-1].end if snapped else 0.0
        ceiling = units[position + 1].start if position + 1 < len(units) else count * frame_seconds
        start_frame = min(round(unit.start / frame_seconds), count - 1)
        end_frame = min(max(round(unit.end / frame_seconds) - 1, start_frame), count - 1)
        lowest = max(round(max(unit.start - reach, floor) / frame_seconds), 0)
        highest = min(round(min(unit.end + reach, ceiling) / frame_seconds), count) - 1
        start, end = start_frame, end_frame
        if active[start]:
            while start - 1 >= lowest and active[start - 1]:
                start -= 1
        else:
            # Whisper often opens a unit in the silence before it, by a second or more: the
            # speech starts at the first active frame inside the unit.
            while start < end_frame and not active[start]:
                start += 1
            if not active[start]:
                start = start_frame
        if active[end]:
            while end + 1 <= highest and active[end + 1]:
                end += 1
        else:
            while end > start and not active[end]:
                end -= 1
            if not active[end]:
                end = end_frame
        snapped.append(
            Unit(
                unit.index,
                round(start * frame_seconds, 3),
                round(max(end + 1, start + 1) * frame_seconds, 3),
                unit.words,
            )
        )
    return snapped
