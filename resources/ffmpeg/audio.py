"""Audio extraction, decoding, time-stretching and silence trimming."""

from pathlib import Path

import ffmpeg
import numpy as np

from resources.ffmpeg.run import run_stream

# atempo accepts 0.5..2.0 per instance; larger factors chain several.
_ATEMPO_MAX = 2.0
_FRAME_SECONDS = 0.01


def extract_speech_audio(src: Path, dst: Path) -> None:
    """16 kHz mono 16-bit WAV: what Whisper works on."""
    stream = ffmpeg.input(str(src)).output(
        str(dst), map="0:a:0", ac=1, ar=16000, acodec="pcm_s16le", vn=None
    )
    run_stream(stream)


def extract_full_audio(src: Path, dst: Path) -> None:
    """48 kHz stereo 16-bit WAV: the original kept at mixing quality."""
    stream = ffmpeg.input(str(src)).output(
        str(dst), map="0:a:0", ac=2, ar=48000, acodec="pcm_s16le", vn=None
    )
    run_stream(stream)


def read_wav_mono(path: Path, sample_rate: int) -> np.ndarray:
    """Any audio file decoded to mono float32 at `sample_rate`."""
    stream = ffmpeg.input(str(path)).output("pipe:", format="f32le", ac=1, ar=sample_rate)
    return np.frombuffer(run_stream(stream), dtype="<f4").copy()


def decode_mono(src: Path, dst: Path, sample_rate: int) -> None:
    """Any audio file decoded to raw mono float32 at `sample_rate` in `dst`: what
    `read_wav_mono` returns, written to a file instead of held in memory."""
    run_stream(ffmpeg.input(str(src)).output(str(dst), format="f32le", ac=1, ar=sample_rate))


def duration(path: Path) -> float:
    return float(ffmpeg.probe(str(path))["format"]["duration"])


def _atempo_chain(ratio: float) -> list[float]:
    factors = []
    while ratio > _ATEMPO_MAX:
        factors.append(_ATEMPO_MAX)
        ratio /= _ATEMPO_MAX
    while ratio < 1 / _ATEMPO_MAX:
        factors.append(1 / _ATEMPO_MAX)
        ratio *= _ATEMPO_MAX
    return [*factors, ratio]


def time_stretch(samples: np.ndarray, sample_rate: int, ratio: float) -> np.ndarray:
    """Speed audio up by `ratio` (> 1 is shorter) keeping its pitch (ffmpeg atempo)."""
    if len(samples) == 0 or abs(ratio - 1.0) < 1e-6:
        return samples
    stream = ffmpeg.input("pipe:", format="f32le", ac=1, ar=sample_rate)
    for factor in _atempo_chain(ratio):
        stream = stream.filter("atempo", factor)
    output = stream.output("pipe:", format="f32le", ac=1, ar=sample_rate)
    stdout = run_stream(output, stdin=samples.astype("<f4").tobytes())
    return np.frombuffer(stdout, dtype="<f4").copy()


def trim_silence(
    samples: np.ndarray, sample_rate: int, threshold_db: float = -45.0
) -> tuple[np.ndarray, float]:
    """Drop leading and trailing silence (10 ms frames under `threshold_db` RMS); returns the
    trimmed samples and the seconds removed at the start."""
    frame = max(1, round(_FRAME_SECONDS * sample_rate))
    count = len(samples) // frame
    if count == 0:
        return samples, 0.0
    frames = samples[: count * frame].reshape(count, frame).astype(np.float64)
    loud = np.flatnonzero(20 * np.log10(np.sqrt((frames**2).mean(axis=1)) + 1e-12) > threshold_db)
    if len(loud) == 0:
        return samples[:0], 0.0
    first, last = loud[0] * frame, min((loud[-1] + 1) * frame, len(samples))
    return samples[first:last], first / sample_rate
