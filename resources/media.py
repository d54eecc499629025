"""Media resource: the ffmpeg/ffprobe operations of the pipeline, with their settings.

The work itself is in plain functions (`resources.ffmpeg`), testable without Dagster; this
resource carries the configuration and the version string that feeds the assets' code versions.
"""

import re
import subprocess
from functools import lru_cache
from pathlib import Path

import dagster as dg

from resources.ffmpeg import audio, hls, mix, probe


@lru_cache(maxsize=1)
def ffmpeg_version() -> str:
    banner = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True, check=True)
    found = re.search(r"ffmpeg version (\S+)", banner.stdout)
    return found.group(1) if found else "unknown"


class Media(dg.ConfigurableResource):
    max_source_seconds: float = 3 * 3600.0
    hls_segment_seconds: float = 6.0
    target_lufs: float = -16.0

    def version(self) -> str:
        return f"ffmpeg-{ffmpeg_version()}:hls{self.hls_segment_seconds}:lufs{self.target_lufs}"

    def validate_source(self, path: Path) -> probe.MediaInfo:
        return probe.validate_source(path, self.max_source_seconds)

    def extract_audio(self, source: Path, speech_16k: Path, full_48k: Path) -> None:
        audio.extract_speech_audio(source, speech_16k)
        audio.extract_full_audio(source, full_48k)

    def mix(
        self,
        background: Path,
        speech: Path,
        dst: Path,
        *,
        duck_db: float,
        background_gain_db: float,
    ) -> mix.MixReport:
        return mix.mix_dub(
            background,
            speech,
            dst,
            duck_db=duck_db,
            background_gain_db=background_gain_db,
            target_lufs=self.target_lufs,
        )

    def package_video(self, source: Path, out_dir: Path) -> hls.VideoPackage:
        return hls.package_video_hls(source, out_dir, segment_seconds=self.hls_segment_seconds)

    def package_audio(
        self, source: Path, out_dir: Path, codec: str | None = None
    ) -> hls.AudioPackage:
        return hls.package_audio_hls(
            source, out_dir, segment_seconds=self.hls_segment_seconds, codec=codec
        )

    def mux_mp4(
        self,
        video: Path,
        audio_track: Path,
        dst: Path,
        language: str,
        video_codec: str | None = None,
    ) -> None:
        hls.mux_mp4(video, audio_track, dst, language, video_codec=video_codec)
