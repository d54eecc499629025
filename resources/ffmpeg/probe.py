"""Probing and validating a source: what it holds, and whether the pipeline can use it."""

import re
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import ffmpeg

from resources.ffmpeg.errors import MediaError
from resources.ffmpeg.run import run_args

# ffprobe's words for a recognised container whose data stops early or is damaged.
_TRUNCATION_HINTS = ("moov atom not found", "partial file", "truncat", "end of file")
_H264_PROFILES = {
    "baseline": "42e0",
    "constrained baseline": "42e0",
    "main": "4d40",
    "extended": "5800",
    "high": "6400",
}


@dataclass(frozen=True)
class VideoStream:
    codec: str
    profile: str | None
    level: int | None
    width: int
    height: int
    fps: float
    bit_rate: int | None


@dataclass(frozen=True)
class AudioStream:
    codec: str
    sample_rate: int
    channels: int


@dataclass(frozen=True)
class MediaInfo:
    duration: float
    format_name: str
    size_bytes: int
    video: VideoStream | None
    audio: AudioStream | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _fps(rate: str | None) -> float:
    try:
        return round(float(Fraction(rate or "0")), 3)
    except (ValueError, ZeroDivisionError):
        return 0.0


def probe(path: Path) -> MediaInfo:
    size = path.stat().st_size
    if size == 0:
        raise MediaError("source.empty", "the file is empty")
    try:
        data = ffmpeg.probe(str(path))
    except ffmpeg.Error as error:
        stderr = (error.stderr or b"").decode(errors="replace").lower()
        if any(hint in stderr for hint in _TRUNCATION_HINTS):
            raise MediaError("source.truncated", "the media file is truncated") from error
        raise MediaError("source.not_media", "not a media file ffprobe recognises") from error
    streams = data.get("streams", [])
    video = next((s for s in streams if s.get("codec_type") == "video" and not _is_cover(s)), None)
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    duration = float(data.get("format", {}).get("duration") or 0.0)
    if not streams or duration <= 0:
        raise MediaError("source.not_media", "no playable streams")
    return MediaInfo(
        duration=round(duration, 3),
        format_name=data["format"].get("format_name", ""),
        size_bytes=size,
        video=VideoStream(
            codec=video["codec_name"],
            profile=video.get("profile"),
            level=_int(video.get("level")),
            width=int(video["width"]),
            height=int(video["height"]),
            fps=_fps(video.get("avg_frame_rate")),
            bit_rate=_int(video.get("bit_rate")),
        )
        if video
        else None,
        audio=AudioStream(
            codec=audio["codec_name"],
            sample_rate=int(audio.get("sample_rate", 0)),
            channels=int(audio.get("channels", 0)),
        )
        if audio
        else None,
    )


def _is_cover(stream: dict[str, Any]) -> bool:
    return bool(stream.get("disposition", {}).get("attached_pic"))


def _readable_seconds(path: Path) -> float:
    """How far the streams can actually be read: demuxed (stream copy to null, no decoding),
    so it costs a read of the file, not a decode, and scales to long sources."""
    _, stderr = run_args(
        [
            "-v",
            "error",
            "-stats",
            "-i",
            str(path),
            "-map",
            "0:v:0?",
            "-map",
            "0:a:0?",
            "-c",
            "copy",
            "-f",
            "null",
            "-",
        ]
    )
    text = stderr.decode(errors="replace")
    if any(hint in text.lower() for hint in _TRUNCATION_HINTS):
        return 0.0
    times = re.findall(r"time=(\d+):(\d+):(\d+(?:\.\d+)?)", text)
    if not times:
        return 0.0
    hours, minutes, seconds = times[-1]
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def validate_source(path: Path, max_duration_s: float) -> MediaInfo:
    """Probe and refuse what the pipeline cannot dub, each with its own stable code."""
    info = probe(path)
    if info.video is None:
        raise MediaError("source.no_video", "the file has no video stream")
    if info.audio is None:
        raise MediaError("source.no_audio", "the file has no audio stream to dub")
    if info.duration > max_duration_s:
        raise MediaError(
            "source.too_long", f"{info.duration:.0f} s is over the limit of {max_duration_s:.0f} s"
        )
    readable = _readable_seconds(path)
    if readable < info.duration - max(1.0, 0.02 * info.duration):
        raise MediaError(
            "source.truncated",
            f"the file declares {info.duration:.1f} s but only {readable:.1f} s can be read",
        )
    return info


def h264_codec_string(profile: str | None, level: int | None) -> str:
    """RFC 6381 `avc1.PPCCLL` for an H.264 stream (profile, constraints, level)."""
    profile_bytes = _H264_PROFILES.get((profile or "high").lower(), "6400")
    return f"avc1.{profile_bytes}{(level or 31):02x}"
