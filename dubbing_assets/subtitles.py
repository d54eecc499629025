"""Subtitle cues from translated segments, written as WebVTT (for HLS) and SRT (for download)."""

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    lines: tuple[str, ...]


def _chunks(text: str, max_chars: int, max_lines: int) -> list[list[str]]:
    """Wrap `text` into lines of `max_chars`, grouped into cues of at most `max_lines` lines."""
    lines = textwrap.wrap(" ".join(text.split()), width=max_chars, break_long_words=True)
    return [lines[i : i + max_lines] for i in range(0, len(lines), max_lines)]


def cues_for(
    segments: Sequence[tuple[float, float, str]], *, max_chars: int = 42, max_lines: int = 2
) -> list[Cue]:
    """One or more cues per segment; a long segment's time is shared between its cues in
    proportion to their length, so a reader sees each part while it is spoken."""
    cues: list[Cue] = []
    for start, end, text in segments:
        chunks = _chunks(text, max_chars, max_lines)
        total = sum(len(" ".join(chunk)) for chunk in chunks)
        cursor = start
        for chunk in chunks:
            share = (end - start) * len(" ".join(chunk)) / total
            cues.append(Cue(round(cursor, 3), round(cursor + share, 3), tuple(chunk)))
            cursor += share
    return cues


def _timestamp(seconds: float, separator: str) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


# MPEG-TS timestamps count a 90 kHz clock.
_MPEGTS_HZ = 90000


def to_webvtt(cues: Sequence[Cue], start_seconds: float = 0.0) -> str:
    """`start_seconds`: the MPEG-TS timestamp where the media playlists start (the video's first
    picture, see resources/ffmpeg/hls.py); HLS players line cue time 0 up with it through the
    X-TIMESTAMP-MAP header."""
    mpegts = round(start_seconds * _MPEGTS_HZ)
    blocks = [f"WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:{mpegts},LOCAL:00:00:00.000"]
    for cue in cues:
        timing = f"{_timestamp(cue.start, '.')} --> {_timestamp(cue.end, '.')}"
        blocks.append(timing + "\n" + "\n".join(cue.lines))
    return "\n\n".join(blocks) + "\n"


def to_srt(cues: Sequence[Cue]) -> str:
    blocks = []
    for number, cue in enumerate(cues, start=1):
        timing = f"{_timestamp(cue.start, ',')} --> {_timestamp(cue.end, ',')}"
        blocks.append(f"{number}\n{timing}\n" + "\n".join(cue.lines))
    return "\n\n".join(blocks) + "\n"
