"""The dub mix: the original ducked under the dubbed speech, then EBU R128 normalized."""

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from resources.ffmpeg.audio import duration
from resources.ffmpeg.errors import MediaError
from resources.ffmpeg.run import run_args

# The side chain (the dub) sits around this level while someone speaks; the compressor's ratio
# is chosen so the original is ducked by about `duck_db` at that level.
_SPEECH_LEVEL_DB = -18.0
_THRESHOLD = 0.015
_LOUDNESS_RANGE = 11.0
# The mix is always AAC (HLS and MP4 take it as it is).
MIX_CODEC = "aac"


@dataclass(frozen=True)
class MixReport:
    integrated_lufs: float
    true_peak: float
    duration_s: float


def _ratio_for(duck_db: float) -> float:
    over = _SPEECH_LEVEL_DB - 20 * math.log10(_THRESHOLD)
    if duck_db >= over * 0.95:
        return 20.0
    return round(1.0 / (1.0 - duck_db / over), 3)


def _graph(duck_db: float, background_gain_db: float, loudnorm: str) -> str:
    return (
        f"[0:a]aresample=48000,aformat=channel_layouts=stereo,volume={background_gain_db}dB[bg];"
        "[1:a]aresample=48000,aformat=channel_layouts=stereo,asplit=2[side][voice];"
        f"[bg][side]sidechaincompress=threshold={_THRESHOLD}:ratio={_ratio_for(duck_db)}"
        ":attack=20:release=350[ducked];"
        "[ducked][voice]amix=inputs=2:normalize=0:duration=first[mixed];"
        f"[mixed]{loudnorm},aresample=48000,aformat=channel_layouts=stereo[out]"
    )


def _loudnorm_json(stderr: bytes) -> dict[str, str]:
    found = re.findall(r"\{[^{}]*\"input_i\"[^{}]*\}", stderr.decode(errors="replace"))
    if not found:
        raise MediaError("media.ffmpeg_failed", "loudnorm printed no measurement")
    return dict(json.loads(found[-1]))


def _loudnorm(target_lufs: float, true_peak_db: float) -> str:
    return f"loudnorm=I={target_lufs}:TP={true_peak_db}:LRA={_LOUDNESS_RANGE}"


def mix_dub(
    background: Path,
    speech: Path,
    dst: Path,
    *,
    duck_db: float = 12.0,
    background_gain_db: float = 0.0,
    target_lufs: float = -16.0,
    true_peak_db: float = -1.5,
) -> MixReport:
    """Mix `speech` over `background` into an AAC `.m4a` as long as `background`.

    Loudness normalization takes two passes: the first measures the mix, the second applies
    `loudnorm` linearly with those measurements, which lands within a fraction of an LU of the
    target where one dynamic pass may miss it by more."""
    inputs = ["-i", str(background), "-i", str(speech)]
    plain = _loudnorm(target_lufs, true_peak_db)
    _, stderr = run_args(
        [
            "-v",
            "info",
            *inputs,
            "-filter_complex",
            _graph(duck_db, background_gain_db, plain + ":print_format=json"),
            "-map",
            "[out]",
            "-f",
            "null",
            "-",
        ]
    )
    measured = _loudnorm_json(stderr)
    second = (
        f"{plain}:measured_I={measured['input_i']}:measured_TP={measured['input_tp']}"
        f":measured_LRA={measured['input_lra']}:measured_thresh={measured['input_thresh']}"
        f":offset={measured['target_offset']}:linear=true"
    )
    run_args(
        [
            "-v",
            "error",
            *inputs,
            "-filter_complex",
            _graph(duck_db, background_gain_db, second),
            "-map",
            "[out]",
            "-c:a",
            MIX_CODEC,
            "-b:a",
            "160k",
            "-ar",
            "48000",
            "-movflags",
            "+faststart",
            str(dst),
        ]
    )
    result = measure(dst)
    return MixReport(
        integrated_lufs=result["integrated_lufs"],
        true_peak=result["true_peak"],
        duration_s=round(duration(dst), 3),
    )


# ffmpeg's ebur128 summary (printed at the end, at -v info), e.g. "I: -16.2 LUFS".
_SUMMARY = {
    "integrated_lufs": r"\bI:\s+(-?[\d.]+) LUFS",
    "range_lu": r"\bLRA:\s+(-?[\d.]+) LU\b",
    "true_peak": r"\bPeak:\s+(-?[\d.]+|-inf) dBFS",
}


def measure(path: Path) -> dict[str, float]:
    """EBU R128 figures of a file: integrated loudness, loudness range and true peak.

    ffmpeg's ebur128 filter (true peak 4x oversampled, as loudnorm measures it) rather than a
    loudnorm pass: the same figures, to 0.1, in a fifth of the time (loudnorm resamples the
    whole file to 192 kHz). The benchmarks found this pass to be a fifth of the mix stage."""
    _, stderr = run_args(
        ["-v", "info", "-i", str(path), "-af", "ebur128=peak=true:framelog=verbose",
         "-f", "null", "-"]
    )  # fmt: skip
    text = stderr.decode(errors="replace")
    summary = text[text.rfind("Summary:") :]
    found = {name: re.search(pattern, summary) for name, pattern in _SUMMARY.items()}
    missing = [name for name, match in found.items() if match is None]
    if missing:
        raise MediaError("media.ffmpeg_failed", f"ebur128 printed no {', '.join(missing)}")
    return {name: float(match.group(1)) for name, match in found.items() if match}


def measure_loudness(path: Path) -> float:
    return measure(path)["integrated_lufs"]
