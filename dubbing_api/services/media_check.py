"""A quick acceptance check of a completed upload: is it media at all?

The pipeline's `source_video` stage does the full validation (streams, truncation, duration
limit) starting from the same probe; the API only refuses what is plainly not media, before a job
is created on it.
"""

from pathlib import Path

from dubbing_api.schemas import MediaSummary
from resources.ffmpeg.errors import MediaError
from resources.ffmpeg.probe import probe


def media_summary(path: Path) -> MediaSummary | None:
    """What the file holds, or None when ffprobe does not recognise it as media."""
    try:
        info = probe(path)
    except MediaError:
        return None
    return MediaSummary(
        duration_seconds=info.duration,
        video_codec=info.video.codec if info.video else None,
        audio_codec=info.audio.codec if info.audio else None,
        width=info.video.width if info.video else None,
        height=info.video.height if info.video else None,
    )
