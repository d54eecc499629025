"""HLS playlists dubflow writes itself: the master playlist and the WebVTT subtitle playlists.

The master lists one video rendition shared by every language, plus one audio and one subtitle
rendition per finished language; it is rewritten each time a language finishes, so it grows.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

AUDIO_GROUP = "audio"
SUBTITLE_GROUP = "subs"
# Every audio rendition is AAC-LC (RFC 6381 codec string).
AAC_LC = "mp4a.40.2"


@dataclass(frozen=True)
class VideoRendition:
    uri: str
    bandwidth: int
    codecs: str  # video and audio codecs, RFC 6381 (e.g. "avc1.64001f,mp4a.40.2")
    width: int
    height: int


@dataclass(frozen=True)
class LanguageTracks:
    lang: str
    name: str
    audio_uri: str
    audio_bandwidth: int
    subtitles_uri: str | None


def _quoted(value: str) -> str:
    return '"' + value.replace('"', "'") + '"'


def master_playlist(video: VideoRendition, languages: Sequence[LanguageTracks]) -> str:
    if not languages:
        raise ValueError("a master playlist needs at least one audio language")
    has_subtitles = any(track.subtitles_uri for track in languages)
    lines = ["#EXTM3U", "#EXT-X-VERSION:4", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for position, track in enumerate(languages):
        default = "YES" if position == 0 else "NO"
        lines.append(
            f"#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID={_quoted(AUDIO_GROUP)},LANGUAGE={_quoted(track.lang)},"
            f"NAME={_quoted(track.name)},DEFAULT={default},AUTOSELECT=YES,"
            f"URI={_quoted(track.audio_uri)}"
        )
    for track in languages:
        if track.subtitles_uri:
            lines.append(
                f"#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID={_quoted(SUBTITLE_GROUP)},"
                f"LANGUAGE={_quoted(track.lang)},NAME={_quoted(track.name)},DEFAULT=NO,"
                f"AUTOSELECT=YES,FORCED=NO,URI={_quoted(track.subtitles_uri)}"
            )
    bandwidth = video.bandwidth + max(track.audio_bandwidth for track in languages)
    attributes = [
        f"BANDWIDTH={bandwidth}",
        f"CODECS={_quoted(video.codecs)}",
        f"RESOLUTION={video.width}x{video.height}",
        f"AUDIO={_quoted(AUDIO_GROUP)}",
    ]
    if has_subtitles:
        attributes.append(f"SUBTITLES={_quoted(SUBTITLE_GROUP)}")
    lines += ["#EXT-X-STREAM-INF:" + ",".join(attributes), video.uri]
    return "\n".join(lines) + "\n"


def subtitle_playlist(vtt_uri: str, duration: float) -> str:
    """A single-segment VOD playlist over the whole WebVTT file."""
    target = max(1, math.ceil(duration))
    return (
        "#EXTM3U\n#EXT-X-VERSION:3\n"
        f"#EXT-X-TARGETDURATION:{target}\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n"
        f"#EXTINF:{duration:.3f},\n{vtt_uri}\n#EXT-X-ENDLIST\n"
    )
