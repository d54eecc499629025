"""The dub mix: the original ducked over the units' speech, the dub on top, then brought to the
loudness target with one measured gain.

Ducking follows a gain envelope drawn from the units (`resources/ffmpeg/ducking.py`), not the dub's
own level: the original is down by exactly the preset's depth over the whole span of every
sentence, however short its dub, and at its own level between sentences.

Loudness: one analysis pass (ebur128: integrated loudness and true peak) gives the gain to the
target; the gain and, only when the peaks would then pass the ceiling, a limiter are applied while
encoding (the loudness a limiter takes off is made up once). Unlike loudnorm's dynamic mode this
holds on clips under 3 s (loudnorm never converges there), and it costs one light pass where
loudnorm took two passes at 192 kHz. The encoded mix is measured again; out of range is an error
(`mix.loudness_out_of_range`), never a silent success.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from resources.ffmpeg import ducking
from resources.ffmpeg.audio import duration
from resources.ffmpeg.errors import MediaError
from resources.ffmpeg.run import run_args

# The mix is always AAC (HLS and MP4 take it as it is).
MIX_CODEC = "aac"
LOUDNESS_TOLERANCE_LU = 1.0
LOUDNESS_OUT_OF_RANGE = "mix.loudness_out_of_range"
# The limiter works on samples, not true peaks, and AAC encoding moves peaks too: it holds the
# peaks this far under the ceiling (0.5 dB let a mix that removes the original under the dub
# reach -1.4 dBTP against a -1.5 ceiling).
_CODEC_HEADROOM_DB = 1.0
# A gain larger than this would only amplify noise: the mix is (nearly) silent.
_MAX_GAIN_DB = 40.0
# A limiter that took more than this off is made up for with a second encode.
_MAKE_UP_LU = 0.2
_STEREO = "aresample=48000,aformat=sample_fmts=flt:channel_layouts=stereo"


@dataclass(frozen=True)
class MixReport:
    integrated_lufs: float
    true_peak: float
    duration_s: float
    gain_db: float  # applied to reach the target
    limited: bool  # a limiter held the peaks under the ceiling
    # ebur128's momentary loudness every 100 ms, (block end s, LUFS): the loudness of any span.
    momentary: tuple[tuple[float, float], ...]


def _graph(background_gain_db: float, length: float, tail: str) -> str:
    """Inputs: 0 the original, 1 the dubbed speech, 2 the duck envelope. Every branch is padded
    (silence) and cut to `length`, so the mix is as long as the video whatever its audio."""
    fit = f"apad=whole_dur={length:.3f},atrim=end={length:.3f}"
    return (
        f"[0:a]{_STEREO},volume={background_gain_db}dB,{fit}[bg];"
        # The envelope is a gain: copied to both channels as it is (an upmix would scale it).
        f"[2:a]aresample=48000,aformat=sample_fmts=flt,pan=stereo|c0=c0|c1=c0,{fit}[gain];"
        "[bg][gain]amultiply[ducked];"
        f"[1:a]{_STEREO},{fit}[voice];"
        "[ducked][voice]amix=inputs=2:normalize=0:duration=first[mixed];"
        f"[mixed]{tail}[out]"
    )


def _inputs(background: Path, speech: Path, envelope: Path) -> list[str]:
    raw = ["-f", "f32le", "-ar", str(ducking.ENVELOPE_RATE), "-ac", "1"]
    return ["-i", str(background), "-i", str(speech), *raw, "-i", str(envelope)]


def mix_dub(
    background: Path,
    speech: Path,
    dst: Path,
    *,
    duck_spans: Sequence[tuple[float, float]],
    length: float,
    duck_db: float = 12.0,
    background_gain_db: float = 0.0,
    target_lufs: float = -16.0,
    true_peak_db: float = -1.5,
) -> MixReport:
    """Mix `speech` over `background` into an AAC `.m4a` of `length` seconds, the original ducked
    by `duck_db` over `duck_spans`, at `target_lufs` (within 1 LU) with true peaks under
    `true_peak_db`."""
    envelope = dst.with_name(dst.name + ".envelope.f32")
    gain = ducking.envelope(duck_spans, length + 1.0, duck_db)
    envelope.write_bytes(gain.astype("<f4").tobytes())
    try:
        return _mix_at_target(
            _inputs(background, speech, envelope),
            dst,
            length=length,
            background_gain_db=background_gain_db,
            target_lufs=target_lufs,
            true_peak_db=true_peak_db,
        )
    finally:
        envelope.unlink()


def _mix_at_target(
    inputs: list[str],
    dst: Path,
    *,
    length: float,
    background_gain_db: float,
    target_lufs: float,
    true_peak_db: float,
) -> MixReport:
    analysis = _graph(background_gain_db, length, "ebur128=peak=true")
    _, stderr = run_args(["-v", "info", *inputs, "-filter_complex", analysis,
                          "-map", "[out]", "-f", "null", "-"])  # fmt: skip
    measured = _summary(stderr)
    gain_db = round(min(target_lufs - measured["integrated_lufs"], _MAX_GAIN_DB), 2)
    ceiling = true_peak_db - _CODEC_HEADROOM_DB
    limited = measured["true_peak"] + gain_db > ceiling
    limit = ceiling if limited else None
    result, momentary = _encode(inputs, dst, background_gain_db, length, gain_db, limit)
    # The limiter takes some loudness off with the peaks it holds (0.3-0.5 LU on synthetic
    # speech): made up once, with the same limiter.
    if limited and abs(result["integrated_lufs"] - target_lufs) > _MAKE_UP_LU:
        gain_db = round(gain_db + target_lufs - result["integrated_lufs"], 2)
        result, momentary = _encode(inputs, dst, background_gain_db, length, gain_db, limit)
    report = MixReport(
        integrated_lufs=result["integrated_lufs"],
        true_peak=result["true_peak"],
        duration_s=round(duration(dst), 3),
        gain_db=gain_db,
        limited=limited,
        momentary=tuple(momentary),
    )
    if (
        abs(report.integrated_lufs - target_lufs) > LOUDNESS_TOLERANCE_LU
        or report.true_peak > true_peak_db
    ):
        raise MediaError(
            LOUDNESS_OUT_OF_RANGE,
            f"the mix measures {report.integrated_lufs} LUFS, true peak {report.true_peak} dBTP; "
            f"the target is {target_lufs} +-{LOUDNESS_TOLERANCE_LU} LU under {true_peak_db} dBTP",
        )
    return report


def _encode(
    inputs: list[str],
    dst: Path,
    background_gain_db: float,
    length: float,
    gain_db: float,
    limit_db: float | None,
) -> tuple[dict[str, float], list[tuple[float, float]]]:
    """Mix, apply the gain (and the limiter), encode; returns the encoded mix's measurements."""
    tail = f"volume={gain_db}dB"
    if limit_db is not None:
        tail += f",alimiter=limit={10 ** (limit_db / 20):.4f}:level=false:latency=true"
    run_args(
        [
            "-v", "error", *inputs, "-filter_complex",
            _graph(background_gain_db, length, f"{tail},{_STEREO}"),
            "-map", "[out]", "-c:a", MIX_CODEC, "-b:a", "160k", "-ar", "48000",
            "-movflags", "+faststart", str(dst),
        ]
    )  # fmt: skip
    return _ebur128(dst)


# ffmpeg's ebur128 summary (printed at the end, at -v info), e.g. "I: -16.2 LUFS".
_SUMMARY = {
    "integrated_lufs": r"\bI:\s+(-?[\d.]+) LUFS",
    "range_lu": r"\bLRA:\s+(-?[\d.]+) LU\b",
    "true_peak": r"\bPeak:\s+(-?[\d.]+|-inf) dBFS",
}


def _summary(stderr: bytes) -> dict[str, float]:
    text = stderr.decode(errors="replace")
    summary = text[text.rfind("Summary:") :]
    found = {name: re.search(pattern, summary) for name, pattern in _SUMMARY.items()}
    missing = [name for name, match in found.items() if match is None]
    if missing:
        raise MediaError("media.ffmpeg_failed", f"ebur128 printed no {', '.join(missing)}")
    return {name: float(match.group(1)) for name, match in found.items() if match}


# One line of ebur128's frame log, every 100 ms: "t: 0.4  TARGET:-23 LUFS  M: -25.1 S: ...".
# Digital silence reads "-inf" or "nan": no loudness at all.
_MOMENTARY = re.compile(r"\bt:\s*([\d.]+)\s+TARGET:\S+ LUFS\s+M:\s*(-?[\d.]+|-inf|nan)")


def _ebur128(path: Path) -> tuple[dict[str, float], list[tuple[float, float]]]:
    _, stderr = run_args(
        # The frame log (momentary loudness every 100 ms) is printed at the verbose level.
        ["-v", "verbose", "-i", str(path), "-af", "ebur128=peak=true:framelog=verbose",
         "-f", "null", "-"]
    )  # fmt: skip
    momentary = [
        (float(t), float(lufs) if lufs not in ("-inf", "nan") else -120.0)
        for t, lufs in _MOMENTARY.findall(stderr.decode(errors="replace"))
    ]
    return _summary(stderr), momentary


def measure(path: Path) -> dict[str, float]:
    """EBU R128 figures of a file: integrated loudness, loudness range and true peak.

    ffmpeg's ebur128 filter (true peak 4x oversampled, as loudnorm measures it) rather than a
    loudnorm pass: the same figures, to 0.1, in a fifth of the time (loudnorm resamples the
    whole file to 192 kHz)."""
    return _ebur128(path)[0]


def measure_loudness(path: Path) -> float:
    return measure(path)["integrated_lufs"]
