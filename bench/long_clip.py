"""Long clips: a clip of real speech with pauses over a background bed, built at bench time from
media/ (nothing large is committed), dubbed end to end through the stack and by the baseline
script, one after the other, for each length: the ratio, the RTF, and the peak RSS of every
process; how much each process's peak grows per minute of media, and its peak for a 1-hour input,
on the line through the two longest lengths.

Lengths in minutes from BENCH_LONG_MINUTES (`make bench`: 2.5 and 10; `make bench-long`: 10 and
30), language counts from BENCH_LONG_LANGUAGES (default "1,3"; the counts after the first are
measured on the 10-minute clip only, the length the issue sets targets for: they cost several
times the one-language run)."""

import os
from pathlib import Path

from bench import baseline, end_to_end
from bench.core import DEMO_AUDIO, ROOT, Figure, ffmpeg, say
from bench.live import FollowedJob, live_stack
from resources.ffmpeg.audio import duration
from testing.media import make_video

FAMILY = "11 long clip"
RATIO_LIMIT = 1.15
RTF_LIMIT = 0.25
RTF_LIMIT_MINUTES = 10.0
# Bounded memory: a process holding the whole media decoded would grow at least by the speech
# track Whisper hears, 16 kHz mono float32, per minute of media (3.66 MiB); a process that
# streams stays under it.
GROWTH_LIMIT_MIB_PER_MINUTE = round(16_000 * 4 * 60 / 2**20, 2)
SOURCE = "en"
# The English reading of the demo recording (its German part would be another language), then
# the two English speakers of the second recording: a unit of real speech with pauses, looped.
ENGLISH_SECONDS = 29.0
SECOND_SPEAKERS = ROOT / "media" / "stereo_diarization.wav"
PAUSES = (3.0, 2.0)
# A low, steady background (brown noise under 800 Hz, ~-30 dBFS): the mix must keep it.
BED = "anoisesrc=r=48000:color=brown:amplitude=0.05,lowpass=f=800"


BASELINE = "baseline script"


def lengths() -> list[float]:
    return sorted(float(m) for m in os.environ.get("BENCH_LONG_MINUTES", "2.5,10").split(","))


def language_counts() -> list[int]:
    return [int(n) for n in os.environ.get("BENCH_LONG_LANGUAGES", "1,3").split(",")]


def plan() -> dict[float, list[int]]:
    """The language counts measured at each length: every count at 10 minutes (at the first
    length when 10 is not among them), the first count elsewhere."""
    minutes, counts = lengths(), language_counts()
    every = RTF_LIMIT_MINUTES if RTF_LIMIT_MINUTES in minutes else minutes[0]
    return {length: counts if length == every else counts[:1] for length in minutes}


def long_clip(dst: Path, minutes: float) -> Path:
    """An H.264/AAC MP4 of `minutes`: real English speech with pauses over a background bed."""
    seconds = minutes * 60
    audio = dst.with_suffix(".wav")
    first, second = PAUSES
    graph = (
        f"[0:a]atrim=0:{ENGLISH_SECONDS},aresample=48000,aformat=channel_layouts=mono,"
        "asetpts=N/SR/TB[en];"
        "[1:a]aresample=48000,pan=mono|c0=0.5*c0+0.5*c1,asetpts=N/SR/TB[pair];"
        f"anullsrc=r=48000:cl=mono,atrim=0:{first}[p1];"
        f"anullsrc=r=48000:cl=mono,atrim=0:{second}[p2];"
        "[en][p1][pair][p2]concat=n=4:v=0:a=1[unit];"
        f"[unit]aloop=loop=-1:size={2**31 - 1},atrim=0:{seconds}[speech];"
        f"{BED},atrim=0:{seconds}[bed];"
        "[speech][bed]amix=inputs=2:normalize=0:duration=first[out]"
    )
    ffmpeg("-i", DEMO_AUDIO, "-i", SECOND_SPEAKERS, "-filter_complex", graph, "-map", "[out]",
           "-ac", "1", audio)  # fmt: skip
    make_video(dst, audio, seconds=seconds)
    audio.unlink()
    return dst


def _langs(count: int) -> list[str]:
    return end_to_end.ONE_LANGUAGE if count == 1 else end_to_end.THREE_LANGUAGES[:count]


def measure(work: Path, minutes: float, counts: list[int], models: tuple[Path, Path]) -> dict:
    """One length: each language count dubbed by the baseline script and through the stack."""
    clip = long_clip(work / f"long-{minutes:g}.mp4", minutes)
    media_s = duration(clip)
    whisper, piper = models
    measured: dict = {"media_s": media_s, "runs": {}}
    for count in counts:
        langs = _langs(count)
        say(f"11: {minutes:g} min, {','.join(langs)}: the baseline script")
        script = baseline.run_baseline(
            clip, work / f"baseline-{minutes:g}-{count}", langs, SOURCE, whisper, piper
        )
        say(f"11: {minutes:g} min, {','.join(langs)}: through the stack")
        with live_stack(work / f"stack-{minutes:g}-{count}") as live:
            # Generous: an RTF of 10 per language, on a machine others share.
            followed: FollowedJob = live.dub(clip, langs, SOURCE, timeout=media_s * 10 * count)
            live.memory.sample()
            workers: dict[str, set[int]] = {"ingest": set(), "dub": set()}
            for span in followed.spans():
                workers["dub" if span.lang else "ingest"] |= span.workers
            peaks = {role: mib for role, mib in live.memory.peaks_by_role().items()
                     if role != "other"}  # fmt: skip
            peaks |= {f"{kind} run worker": live.memory.peak_mib(pids=pids)
                      for kind, pids in workers.items()}  # fmt: skip
            # The rest are the run workers' children: ffmpeg, espeak-ng.
            children = {
                pid for pid in live.memory.peak_kib if live.memory.role(pid) == "other"
            } - set().union(*workers.values())
            peaks["largest engine child (ffmpeg, espeak-ng)"] = live.memory.peak_mib(pids=children)
        peaks[BASELINE] = script.peak_mib
        measured["runs"][count] = {"baseline_s": script.seconds, "dubflow_s": followed.wall_s,
                                   "peaks_mib": peaks}  # fmt: skip
    return measured


def figures(by_length: dict[float, dict]) -> list[Figure]:
    result = []
    for minutes, measured in by_length.items():
        media_s = measured["media_s"]
        for count, run in measured["runs"].items():
            langs = f"{count} language{'s' * (count > 1)}"
            limited = minutes == RTF_LIMIT_MINUTES
            result.append(Figure(
                FAMILY, f"dubflow end to end / baseline script, {minutes:g} min, {langs}",
                round(run["dubflow_s"] / run["baseline_s"], 3), "x",
                RATIO_LIMIT if limited else None,
                note=f"baseline {run['baseline_s']:.0f} s, dubflow {run['dubflow_s']:.0f} s, "
                "one after the other",
            ))  # fmt: skip
            result.append(Figure(
                FAMILY, f"RTF, {minutes:g} min, {langs}", round(run["dubflow_s"] / media_s, 3),
                "x", RTF_LIMIT if limited and count == 1 else None,
                note=f"{run['dubflow_s']:.0f} s for {media_s:.0f} s, Whisper base",
            ))  # fmt: skip
        one = measured["runs"].get(1) or next(iter(measured["runs"].values()))
        for role, mib in sorted(one["peaks_mib"].items()):
            result.append(Figure(FAMILY, f"peak RSS, {role}, {minutes:g} min", mib, "MiB",
                                 note="VmHWM, sampled every 0.25 s"))  # fmt: skip
    result += _extrapolated(by_length)
    return result


def _extrapolated(by_length: dict[float, dict]) -> list[Figure]:
    """Per process, on the line through the two longest lengths' peaks: the growth per minute of
    media (dubflow's processes against the bounded-memory limit; the baseline script for
    comparison) and the peak at 60 minutes."""
    if len(by_length) < 2:
        return []
    (short, a), (long, b) = sorted(by_length.items())[-2:]
    first = a["runs"].get(1) or next(iter(a["runs"].values()))
    second = b["runs"].get(1) or next(iter(b["runs"].values()))
    result = []
    for role in sorted(set(first["peaks_mib"]) & set(second["peaks_mib"])):
        low, high = first["peaks_mib"][role], second["peaks_mib"][role]
        slope = (high - low) / (long - short)
        result.append(Figure(
            FAMILY, f"peak RSS growth, {role}", round(slope, 2), "MiB/min",
            None if role == BASELINE else GROWTH_LIMIT_MIB_PER_MINUTE,
            note=f"per minute of media, {short:g} -> {long:g} min; the limit is the decoded "
            "16 kHz speech track's size per minute",
        ))  # fmt: skip
        result.append(Figure(
            FAMILY, f"peak RSS, {role}, 1 hour (extrapolated)",
            round(high + slope * (60 - long), 1), "MiB",
            note=f"linear from {short:g} min ({low:.0f} MiB) and {long:g} min ({high:.0f} MiB): "
            f"{slope:+.1f} MiB per minute",
        ))  # fmt: skip
    return result
