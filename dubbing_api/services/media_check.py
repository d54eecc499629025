"""A quick acceptance check of a completed upload: is it media at all?

The pipeline's `source_video` stage does the full validation (streams, truncation, duration
limit); the API only refuses what is plainly not media, before a job is created on it.
"""

from pathlib import Path
from typing import Any

import ffmpeg

from dubbing_api.schemas import MediaSummary


def media_summary(path: Path) -> MediaSummary | None:
    """What the file holds, or None when ffprobe does not recognise it as media."""
    try:
        data: dict[str, Any] = ffmpeg.probe(str(path))
    except ffmpeg.Error:
        return None
    streams = data.get("streams", [])
    duration = float(data.get("format", {}).get("duration") or 0)
    if not streams or duration <= 0:
        return None
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    return MediaSummary(
        duration_seconds=round(duration, 3),
        video_codec=video.get("codec_name") if video else None,
        audio_codec=audio.get("codec_name") if audio else None,
        width=video.get("width") if video else None,
        height=video.get("height") if video else None,
    )
