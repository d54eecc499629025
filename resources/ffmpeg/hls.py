"""HLS packaging (MPEG-TS segments) and the per-language MP4.

Both renditions are cut with `-muxdelay 0 -muxpreload 0`, so their MPEG-TS timestamps start near
0 rather than ffmpeg's default 1.4 s. A video with B-frames still starts later than 0: its first
picture is presented one or two frames after it is decoded (80 ms at 25 fps), and MPEG-TS has no
edit list to hide that. The video's first timestamp (`VideoPackage.start_seconds`) is therefore
the origin of everything: the audio renditions are shifted to start there too, and the WebVTT
renditions map cue time 0 to it (`X-TIMESTAMP-MAP`), so picture, dub and cues line up.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import ffmpeg

from resources.ffmpeg.errors import MediaError
from resources.ffmpeg.probe import h264_codec_string, probe
from resources.ffmpeg.run import run_args

PLAYLIST = "index.m3u8"
SEGMENT_PATTERN = "seg_%05d.ts"
_ZERO_START = ["-muxdelay", "0", "-muxpreload", "0"]


@dataclass(frozen=True)
class VideoPackage:
    stream_copied: bool
    codecs_video: str
    width: int
    height: int
    bandwidth_bps: int
    start_seconds: float  # the first picture's timestamp: where every rendition starts


@dataclass(frozen=True)
class AudioPackage:
    bandwidth_bps: int


def _hls_args(out_dir: Path, segment_seconds: float) -> list[str]:
    return [
        *_ZERO_START,
        "-f", "hls",
        "-hls_time", str(segment_seconds),
        "-hls_playlist_type", "vod",
        "-hls_segment_filename", str(out_dir / SEGMENT_PATTERN),
        str(out_dir / PLAYLIST),
    ]  # fmt: skip


def peak_bandwidth(out_dir: Path) -> int:
    """BANDWIDTH for the master playlist: the peak segment bit rate (RFC 8216 §4.3.4.2)."""
    text = (out_dir / PLAYLIST).read_text()
    entries = re.findall(r"#EXTINF:([\d.]+),\s*\n([^\n#]+)", text)
    rates = [
        (out_dir / name.strip()).stat().st_size * 8 / max(float(seconds), 0.1)
        for seconds, name in entries
    ]
    return round(max(rates, default=0))


def package_video_hls(src: Path, out_dir: Path, *, segment_seconds: float = 6.0) -> VideoPackage:
    """Video-only HLS rendition: H.264 is stream-copied (no quality loss, seconds not minutes);
    anything else is re-encoded to H.264 High with keyframes on segment boundaries."""
    out_dir.mkdir(parents=True, exist_ok=True)
    source = probe(src)
    copy = source.video is not None and source.video.codec == "h264"
    if copy:
        codec = ["-c:v", "copy", "-bsf:v", "h264_mp4toannexb"]
    else:
        codec = [
            "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-pix_fmt", "yuv420p",
            "-force_key_frames", f"expr:gte(t,n_forced*{segment_seconds})", "-sc_threshold", "0",
        ]  # fmt: skip
    run_args(
        [
            "-v",
            "error",
            "-i",
            str(src),
            "-map",
            "0:v:0",
            "-an",
            "-sn",
            *codec,
            *_hls_args(out_dir, segment_seconds),
        ]
    )
    # A stream copy keeps the source's stream: only a re-encoded rendition needs probing (an
    # ffprobe costs ~70 ms, a third of packaging a minute of H.264).
    video = source.video if copy else probe(out_dir / "seg_00000.ts").video
    if video is None:
        raise MediaError("media.ffmpeg_failed", "the video rendition has no video stream")
    return VideoPackage(
        stream_copied=copy,
        codecs_video=h264_codec_string(video.profile, video.level),
        width=video.width,
        height=video.height,
        bandwidth_bps=peak_bandwidth(out_dir),
        start_seconds=_start_time(out_dir / "seg_00000.ts"),
    )


def _start_time(path: Path) -> float:
    return round(float(ffmpeg.probe(str(path))["format"].get("start_time", 0.0)), 6)


def _probed_codec(path: Path, kind: str) -> str | None:
    stream = getattr(probe(path), kind)
    return stream.codec if stream is not None else None


def package_audio_hls(
    src: Path,
    out_dir: Path,
    *,
    segment_seconds: float = 6.0,
    codec: str | None = None,
    start_seconds: float = 0.0,
) -> AudioPackage:
    """Audio-only AAC rendition starting at `start_seconds` (the video rendition's start); AAC
    input (the mix) is stream-copied. `codec` is the source's audio codec when the caller knows
    it (the source is probed otherwise)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    is_aac = (codec or _probed_codec(src, "audio")) == "aac"
    audio = ["-c:a", "copy"] if is_aac else ["-c:a", "aac", "-b:a", "160k", "-ar", "48000"]
    run_args(
        [
            "-v",
            "error",
            "-i",
            str(src),
            "-map",
            "0:a:0",
            "-vn",
            *audio,
            "-output_ts_offset",
            f"{start_seconds:.6f}",
            *_hls_args(out_dir, segment_seconds),
        ]
    )
    return AudioPackage(bandwidth_bps=peak_bandwidth(out_dir))


def mux_mp4(
    video_src: Path, audio_src: Path, dst: Path, language: str, *, video_codec: str | None = None
) -> None:
    """One MP4 per language: the source picture (copied when H.264) with the dubbed audio.
    `language` is an ISO 639-2 code, as MP4 language tags require; `video_codec` is the
    source's when the caller knows it (the source is probed otherwise)."""
    copy = (video_codec or _probed_codec(video_src, "video")) == "h264"
    codec = ["-c:v", "copy"] if copy else ["-c:v", "libx264", "-preset", "veryfast",
                                            "-pix_fmt", "yuv420p"]  # fmt: skip
    run_args(
        [
            "-v",
            "error",
            "-i",
            str(video_src),
            "-i",
            str(audio_src),
            "-map",
            "0:v:0",
            "-map",
            "1:a:0",
            *codec,
            "-c:a",
            "copy",
            "-metadata:s:a:0",
            f"language={language}",
            "-movflags",
            "+faststart",
            "-shortest",
            str(dst),
        ]
    )
