"""Sentence-level dubbing units from Whisper's word timestamps.

Whisper's segments are cut where its 30 s decoding windows and its own heuristics fall: one segment
often spans several utterances, or starts mid-sentence. The translator then gets fragments, and a
dub placed at a segment's start sounds over the pauses between utterances. A unit instead is one
sentence (or one utterance between pauses) of the source:

- a unit ends at sentence punctuation, or where the speaker pauses for `pause` seconds or more
  (in the audio, or between the words' timestamps when no audio is given);
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
from dataclasses import dataclass, replace
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
    # The language spoken (a code-switching source has units in several), "" when not known.
    language: str = ""

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
            "language": self.language,
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
    silent: Sequence[tuple[float, float]] | None = None,
    pause: float = PAUSE_SECONDS,
    max_seconds: float = 12.0,
    min_words: int = 2,
    min_seconds: float = 0.8,
    max_merge_gap: float = 0.8,
    language: str = "",
) -> list[Unit]:
    """Sentence-level units from the ASR segments' word timestamps (see the module's doc), all in
    `language`. `silent`: the pauses the audio holds (`silences`). When given, they alone decide
    where the speaker paused: Whisper's word times run on across real pauses and open gaps where
    there is none. Without them, gaps of `pause` seconds between the words' timestamps do."""
    words = words_of(segments)
    audio = silent is not None
    paused = _paused_boundaries(words, silent or [])
    groups: list[list[Word]] = []
    current: list[Word] = []
    for position, word in enumerate(words):
        current.append(word)
        following = words[position + 1] if position + 1 < len(words) else None
        if (
            following is None
            or _ends_sentence(word)
            or (position in paused if audio else following.start - word.end >= pause)
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
        Unit(index, group[0].start, max(word.end for word in group), tuple(group), language)
        for index, group in enumerate(groups)
    ]


def _runs(active: np.ndarray) -> list[tuple[int, int]]:
    """The runs of speech, as (first frame, frame after the last)."""
    padded = np.concatenate([[False], active.astype(bool), [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def snap_to_speech(
    units: Sequence[Unit], active: np.ndarray, frame_seconds: float, *, reach: float = 0.3
) -> list[Unit]:
    """Move each unit's edges onto the speech in the audio: `active` says, per frame of
    `frame_seconds`, whether the source holds speech there.

    A unit starts where a run of speech starts: the run its start falls in, when that run began
    at most `reach` seconds earlier and after the previous unit's end; otherwise (its start falls
    in silence, or in the tail of the previous unit's speech, as when Whisper opens a unit a second
    or more early) the first run that starts inside the unit. Its end, likewise, is where the
    run its end falls in stops (at most `reach` later, before the next unit), or else the end of
    the last run inside the unit."""
    count = len(active)
    runs = _runs(active)
    if not runs:
        return list(units)
    within = round(reach / frame_seconds)
    spans = [
        (min(round(u.start / frame_seconds), count - 1), min(round(u.end / frame_seconds), count))
        for u in units
    ]
    starts = []
    for position, (first, last) in enumerate(spans):
        floor = spans[position - 1][1] if position else 0
        holding = [run for run in runs if run[0] <= first < run[1]]
        if holding and floor <= holding[0][0] and first - holding[0][0] <= within:
            starts.append(holding[0][0])
        else:
            inside = [run for run in runs if first <= run[0] < last]
            starts.append(inside[0][0] if inside else first)
    snapped = []
    for position, (unit, start, (_, last)) in enumerate(zip(units, starts, spans, strict=True)):
        ceiling = starts[position + 1] if position + 1 < len(starts) else count
        last = max(last, start + 1)
        holding = [run for run in runs if run[0] < last <= run[1]]
        if holding and holding[0][1] <= ceiling and holding[0][1] - last <= within:
            end = holding[0][1]
        else:
            inside = [run for run in runs if start < run[1] <= last]
            end = inside[-1][1] if inside else last
        snapped.append(
            replace(unit, start=round(start * frame_seconds, 3), end=round(end * frame_seconds, 3))
        )
    return snapped


def in_order(*groups: Sequence[Unit]) -> list[Unit]:
    """The units of several transcriptions (one per language heard) as one list in time order,
    numbered again from 0."""
    ordered = sorted((unit for group in groups for unit in group), key=lambda unit: unit.start)
    return [replace(unit, index=index) for index, unit in enumerate(ordered)]


def windows(
    pauses: Sequence[tuple[float, float]], duration: float, longest: float
) -> list[tuple[float, float]]:
    """`duration` seconds cut into windows (start, end) of at most `longest` seconds, each cut in
    the middle of the longest of the `pauses` in the second half of its window (at `longest`
    when none is there): a window ends between words."""
    cuts: list[tuple[float, float]] = []
    start = 0.0
    while duration - start > longest:
        earliest, latest = start + longest / 2, start + longest
        overlaps = [(max(a, earliest), min(b, latest)) for a, b in pauses]
        inside = [(a, b) for a, b in overlaps if b > a]
        if inside:
            a, b = max(inside, key=lambda pause: pause[1] - pause[0])
            cut = round((a + b) / 2, 3)
        else:
            cut = latest
        cuts.append((start, cut))
        start = cut
    return [*cuts, (start, duration)]
