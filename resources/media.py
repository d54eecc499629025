"""Media resource: the ffmpeg/ffprobe operations of the pipeline, with their settings.

The work itself is in plain functions (`resources.ffmpeg`), testable without Dagster; this
resource carries the configuration and the version string that feeds the assets' code versions
(configuration only: an ffmpeg upgrade alone does not mark partitions stale).
"""

from collections.abc import Sequence
from pathlib import Path

import dagster as dg
import numpy as np

from resources.ffmpeg import audio, hls, mix, probe
from resources.wav import FloatTrack


class Media(dg.ConfigurableResource):
    max_source_seconds: float = 3 * 3600.0
    hls_segment_seconds: float = 6.0
    target_lufs: float = -16.0

    def version(self) -> str:
        # From the configuration alone: the code location is loaded by every process (and the
        # assets' code versions with it), so running ffmpeg here would cost each of them.
        return f"ffmpeg:hls{self.hls_segment_seconds}:lufs{self.target_lufs}"

    @property
    def mix_codec(self) -> str:
        """The codec `mix` encodes to, so packaging can copy the mixed stream as it is."""
        return mix.MIX_CODEC

    def validate_source(self, path: Path) -> probe.MediaInfo:
        return probe.validate_source(path, self.max_source_seconds)

    def extract_audio(self, source: Path, speech_16k: Path, full_48k: Path) -> None:
        audio.extract_speech_audio(source, speech_16k)
        audio.extract_full_audio(source, full_48k)

    def decode_track(self, path: Path, dst: Path, sample_rate: int) -> FloatTrack:
        """Any audio file decoded to mono float32 at `sample_rate`, in a file (`dst`) read by
        slice: for tracks as long as the media."""
        audio.decode_mono(path, dst, sample_rate)
        return FloatTrack(dst, sample_rate)

    def trim_silence(self, samples: np.ndarray, sample_rate: int) -> np.ndarray:
        return audio.trim_silence(samples, sample_rate)[0]

    def time_stretch(self, samples: np.ndarray, sample_rate: int, ratio: float) -> np.ndarray:
        return audio.time_stretch(samples, sample_rate, ratio)

    def mix(
        self,
        background: Path,
        speech: Path,
        dst: Path,
        *,
        duck_spans: Sequence[tuple[float, float]],
        length: float,
        duck_db: float,
        background_gain_db: float,
        target_lufs: float | None = None,
    ) -> mix.MixReport:
        """`target_lufs`: a preset's own loudness target; None for the installation's."""
        return mix.mix_dub(
            background,
            speech,
            dst,
            duck_spans=duck_spans,
            length=length,
            duck_db=duck_db,
            background_gain_db=background_gain_db,
            target_lufs=self.target_lufs if target_lufs is None else target_lufs,
        )

    def package_video(self, source: Path, out_dir: Path) -> hls.VideoPackage:
        return hls.package_video_hls(source, out_dir, segment_seconds=self.hls_segment_seconds)

    def package_audio(
        self, source: Path, out_dir: Path, codec: str | None = None, start_seconds: float = 0.0
    ) -> hls.AudioPackage:
        return hls.package_audio_hls(
            source,
            out_dir,
            segment_seconds=self.hls_segment_seconds,
            codec=codec,
            start_seconds=start_seconds,
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
