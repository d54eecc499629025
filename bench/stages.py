"""Stage overhead: each stage as dubflow runs it (one Dagster step, see `bench.inprocess`)
against the bare library or tool doing the same work on the same input with the same settings.

Both sides are warm: models are loaded before anything is timed (their load times are figures of
their own), and each side ran once already. "The same work" means the same engine calls: the TTS
baseline makes the calls dubflow's timing fit made (natural rate, then the engine rate it chose,
then atempo where it stretched), read back from the stage's timing report; the mix baseline runs
the same ffmpeg passes (analysis, gain while encoding, measurement of the result) over the same
duck envelope. Whatever dubflow does beyond that (storage, progress rows, hashing the artifact,
trimming silence, the quality report, the Dagster step) is the overhead the ratio shows.

The loudness figure compares the mix's two ways to the target on the same inputs, bare ffmpeg on
both sides: loudnorm in two passes (measure, then apply linearly: the mix as it was) against one
ebur128 analysis and a gain (as it is), with where each landed.
"""

import io
import json
import re
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from bench.core import Figure, alternate, ffmpeg, median, ratio_figure, repeats, run, timed
from bench.inprocess import InProcessJob
from dubbing_core import keys
from dubbing_core.languages import get_language
from dubbing_core.voices import Voice, get_voice
from resources.ffmpeg import ducking
from resources.models import ModelRegistry
from resources.tts import ESPEAK_WORDS_PER_MINUTE

FAMILY = "1 stage overhead"
LIMIT = 1.10
# The language whose translation, mix and packaging are compared (all languages' TTS is).
LANG = "es"

Call = Callable[[], object]


def _faster_whisper(inprocess: InProcessJob) -> tuple[float, Call]:
    """faster-whisper loaded on its own with dubflow's settings: (load seconds, a transcribe
    call that consumes every segment, as dubflow does)."""
    from faster_whisper import WhisperModel

    asr = inprocess.resources["asr"]
    started = time.perf_counter()
    model = WhisperModel(
        str(asr.model_path()),
        device=asr.device,
        compute_type=asr.compute_type,
        cpu_threads=asr.cpu_threads,
    )
    load = time.perf_counter() - started
    speech = str(inprocess.path(keys.speech_audio(inprocess.job)))

    def transcribe() -> None:
        segments, _ = model.transcribe(
            speech,
            language="en",
            beam_size=asr.beam_size,
            vad_filter=asr.vad_filter,
            word_timestamps=True,
            condition_on_previous_text=False,
        )
        list(segments)

    return load, transcribe


def _apertium(inprocess: InProcessJob, lang: str) -> Call:
    segments = inprocess.store.read_json(keys.transcript(inprocess.job))["segments"]
    lines = ("\n".join(" ".join(s["text"].split()) for s in segments) + "\n").encode()
    mode = f"{get_language('en').iso639_2}-{get_language(lang).iso639_2}"
    return lambda: run(["apertium", "-u", mode], input=lines)


def _espeak(voice: Voice) -> Callable[[str, float], np.ndarray]:
    def synthesize(text: str, rate: float) -> np.ndarray:
        words_per_minute = str(round(ESPEAK_WORDS_PER_MINUTE * rate))
        command = ["espeak-ng", "-v", voice.model, "-s", words_per_minute, "--stdout"]
        with wave.open(io.BytesIO(run(command, input=text.encode()).stdout)) as reader:
            return np.frombuffer(reader.readframes(reader.getnframes()), "<i2") / 32768.0

    return synthesize


def _piper(inprocess: InProcessJob, voice: Voice) -> tuple[float, Callable[[str, float], Any]]:
    from piper import PiperVoice, SynthesisConfig

    registry = ModelRegistry(Path(inprocess.resources["tts"].models_dir))
    weights = registry.resolve(voice.model) / registry.spec(voice.model).weights_file
    loaded: list[PiperVoice] = []
    load = timed(
        lambda: loaded.append(
            PiperVoice.load(weights, config_path=weights.with_suffix(".onnx.json"))
        )
    )

    def synthesize(text: str, rate: float) -> np.ndarray:
        config = SynthesisConfig(length_scale=1.0 / rate)
        return np.concatenate([c.audio_float_array for c in loaded[0].synthesize(text, config)])

    return load, synthesize


def _atempo(samples: np.ndarray, sample_rate: int, ratio: float) -> np.ndarray:
    raw = ["-f", "f32le", "-ar", str(sample_rate), "-ac", "1"]
    stretched = ffmpeg(
        "-v", "error", *raw, "-i", "pipe:", "-af", f"atempo={ratio}", *raw, "pipe:",
        input=samples.astype("<f4").tobytes(),
    )  # fmt: skip
    return np.frombuffer(stretched.stdout, "<f4")


def _tts(inprocess: InProcessJob, lang: str, work: Path) -> tuple[float, Call, int]:
    """The engine calls dubflow's fit made for `lang`, made directly, and the timeline written
    as a WAV: (voice load seconds, the call, how many engine calls it makes)."""
    voice = get_voice(None, lang)
    job, store = inprocess.job, inprocess.store
    texts = [s["text"] for s in store.read_json(keys.translation(job, lang))["segments"]]
    fits = store.read_json(keys.timing_report(job, lang))["segments"]
    duration = store.read_json(keys.source_probe(job))["duration"]
    load, synthesize = (
        _piper(inprocess, voice) if voice.engine == "piper" else (0.0, _espeak(voice))
    )

    def dub() -> None:
        timeline = np.zeros(round(duration * voice.sample_rate), np.float32)
        for fit in fits:
            text = texts[fit["index"]]
            audio = synthesize(text, 1.0)
            if fit["engine_rate"] > 1:
                audio = synthesize(text, fit["engine_rate"])
            if fit["stretch"] > 1:
                audio = _atempo(audio, voice.sample_rate, fit["stretch"])
            first = round(fit["start"] * voice.sample_rate)
            placed = audio[: len(timeline) - first]
            timeline[first : first + len(placed)] += placed
        with wave.open(str(work / f"speech-{lang}.wav"), "wb") as writer:
            writer.setnchannels(1)
            writer.setsampwidth(2)
            writer.setframerate(voice.sample_rate)
            writer.writeframes((np.clip(timeline, -1, 1) * 32767).astype("<i2").tobytes())

    calls = sum(1 + (fit["engine_rate"] > 1) for fit in fits)
    return load, dub, calls


def _mix_inputs(inprocess: InProcessJob, lang: str, work: Path) -> tuple[list[str], float]:
    """ffmpeg's inputs for the mix (original, dub, the default preset's duck envelope drawn from
    the stage's timing report) and the mix's length."""
    job, store = inprocess.job, inprocess.store
    units = store.read_json(keys.timing_report(job, lang))["segments"]
    spans = [(u["source_start"], u["source_end"]) for u in units]
    spans += [(u["dub_start"], u["dub_end"]) for u in units if u["dub_start"] is not None]
    length = store.read_json(keys.source_probe(job))["duration"]
    envelope = work / f"envelope-{lang}.f32"
    envelope.write_bytes(ducking.envelope(spans, length + 1.0, 12.0).astype("<f4").tobytes())
    raw = ["-f", "f32le", "-ar", str(ducking.ENVELOPE_RATE), "-ac", "1"]
    inputs = [
        "-i", str(inprocess.path(keys.full_audio(job))),
        "-i", str(inprocess.path(keys.speech(job, lang))),
        *raw, "-i", str(envelope),
    ]  # fmt: skip
    return inputs, length


def _ducked_graph(length: float, tail: str) -> str:
    stereo = "aresample=48000,aformat=sample_fmts=flt:channel_layouts=stereo"
    fit = f"apad=whole_dur={length:.3f},atrim=end={length:.3f}"
    return (
        f"[0:a]{stereo},volume=0dB,{fit}[bg];"
        f"[2:a]aresample=48000,aformat=sample_fmts=flt,pan=stereo|c0=c0|c1=c0,{fit}[gain];"
        f"[bg][gain]amultiply[ducked];[1:a]{stereo},{fit}[voice];"
        f"[ducked][voice]amix=inputs=2:normalize=0:duration=first[mixed];[mixed]{tail}[out]"
    )


def _summary(stderr: bytes) -> dict[str, float]:
    text = stderr.decode(errors="replace")
    text = text[text.rfind("Summary:") :]
    lufs = re.search(r"I:\s+(-?[\d.]+) LUFS", text)
    peak = re.search(r"Peak:\s+(-?[\d.]+)", text)
    if lufs is None or peak is None:
        raise RuntimeError("ebur128 printed no summary")
    return {"lufs": float(lufs.group(1)), "peak": float(peak.group(1))}


def _encode(inputs: list[str], graph: str, dst: Path) -> dict[str, float]:
    """Encode the mix to AAC, then measure it (integrated loudness, true peak) as dubflow does."""
    ffmpeg(
        "-v", "error", *inputs, "-filter_complex", graph, "-map", "[out]", "-c:a", "aac",
        "-b:a", "160k", "-ar", "48000", "-movflags", "+faststart", dst,
    )  # fmt: skip
    measured = ffmpeg("-v", "verbose", "-i", dst, "-af", "ebur128=peak=true:framelog=verbose",
                      "-f", "null", "-")  # fmt: skip
    return _summary(measured.stderr)


def _gain_mix(inputs: list[str], length: float, dst: Path) -> dict[str, float]:
    """One ebur128 analysis, then the gain (and a limiter when the peaks need it)."""
    analysis = ffmpeg(*inputs, "-filter_complex", _ducked_graph(length, "ebur128=peak=true"),
                      "-map", "[out]", "-f", "null", "-")  # fmt: skip
    measured = _summary(analysis.stderr)
    gain = -16.0 - measured["lufs"]
    tail = f"volume={gain:.2f}dB"
    if measured["peak"] + gain > -2.0:
        tail += ",alimiter=limit=0.7943:level=false:latency=true"
    return _encode(inputs, _ducked_graph(length, f"{tail},aformat=channel_layouts=stereo"), dst)


def _loudnorm_mix(inputs: list[str], length: float, dst: Path) -> dict[str, float]:
    """loudnorm in two passes: measure, then apply linearly with the measurements."""
    plain = "loudnorm=I=-16:TP=-1.5:LRA=11"
    first = ffmpeg(*inputs, "-filter_complex", _ducked_graph(length, f"{plain}:print_format=json"),
                   "-map", "[out]", "-f", "null", "-")  # fmt: skip
    m = json.loads(re.findall(r"\{[^{}]*\}", first.stderr.decode(errors="replace"))[-1])
    second = (
        f"{plain}:measured_I={m['input_i']}:measured_TP={m['input_tp']}"
        f":measured_LRA={m['input_lra']}:measured_thresh={m['input_thresh']}"
        f":offset={m['target_offset']}:linear=true,aresample=48000,aformat=channel_layouts=stereo"
    )
    return _encode(inputs, _ducked_graph(length, second), dst)


def _mix(inprocess: InProcessJob, lang: str, work: Path) -> Call:
    inputs, length = _mix_inputs(inprocess, lang, work)
    return lambda: _gain_mix(inputs, length, work / f"mix-{lang}.m4a")


def _loudness_figure(inprocess: InProcessJob, lang: str, work: Path) -> Figure:
    inputs, length = _mix_inputs(inprocess, lang, work)
    landed: dict[str, dict[str, float]] = {}

    def variant(name: str, mix: Callable[[list[str], float, Path], dict[str, float]]) -> float:
        started = time.perf_counter()
        landed[name] = mix(inputs, length, work / f"loudness-{name}.m4a")
        return time.perf_counter() - started

    seconds = alternate(
        {
            "loudnorm": lambda: variant("loudnorm", _loudnorm_mix),
            "gain": lambda: variant("gain", _gain_mix),
        }
    )
    return ratio_figure(
        "1 mix loudness",
        f"mix to -16 LUFS: two loudnorm passes / one analysis + gain ({lang})",
        seconds,
        "loudnorm",
        "gain",
        note=f"landed: loudnorm {landed['loudnorm']}, gain {landed['gain']}",
        landed=landed,
    )


def _package(inprocess: InProcessJob, lang: str, work: Path) -> Call:
    """The audio rendition and the language's MP4: two stream copies."""
    job = inprocess.job
    mix, source = inprocess.path(keys.mix(job, lang)), inprocess.path(keys.upload(job))
    hls = work / f"hls-{lang}"
    hls.mkdir(exist_ok=True)
    language = f"language={get_language(lang).iso639_2}"

    def package() -> None:
        ffmpeg(
            "-v", "error", "-i", mix, "-map", "0:a:0", "-vn", "-c:a", "copy",
            "-muxdelay", "0", "-muxpreload", "0", "-f", "hls", "-hls_time", "6",
            "-hls_playlist_type", "vod", "-hls_segment_filename", hls / "seg_%05d.ts",
            hls / "index.m3u8",
        )  # fmt: skip
        ffmpeg(
            "-v", "error", "-i", source, "-i", mix, "-map", "0:v:0", "-map", "1:a:0",
            "-c:v", "copy", "-c:a", "copy", "-metadata:s:a:0", language,
            "-movflags", "+faststart", "-shortest", work / f"dubbed-{lang}.mp4",
        )  # fmt: skip

    return package


def run_family(inprocess: InProcessJob, work: Path) -> list[Figure]:
    figures: list[Figure] = []

    def compare(name: str, stage: str, lang: str | None, bare: Call, note: str) -> None:
        seconds = alternate(
            {"dubflow": lambda: inprocess.step_seconds(stage, lang), "bare": lambda: timed(bare)}
        )
        figures.append(
            ratio_figure(FAMILY, name, seconds, "dubflow", "bare", limit=LIMIT, note=note)
        )

    load, transcribe = _faster_whisper(inprocess)
    transcribe()  # the bare side's first call: dubflow's ran when the job was prepared
    figures.append(
        Figure(FAMILY, "whisper-base load", round(load, 3), "s", note="not in the ASR ratio")
    )
    compare(
        "ASR: transcript / faster-whisper",
        "transcript",
        None,
        transcribe,
        "whisper base int8, beam 1, word timestamps; 60 s",
    )
    compare(
        f"MT: translation / apertium ({LANG})",
        "translation",
        LANG,
        _apertium(inprocess, LANG),
        "every segment in one call on each side",
    )
    for lang in inprocess.langs:
        voice = get_voice(None, lang)
        load, dub, calls = _tts(inprocess, lang, work)
        dub()
        if voice.engine == "piper":
            figures.append(
                Figure(FAMILY, "piper voice load", round(load, 3), "s", note="not in the ratio")
            )
        compare(
            f"TTS: dubbed_speech / {voice.engine} ({lang})",
            "dubbed_speech",
            lang,
            dub,
            f"the same {calls} engine calls on each side",
        )
    compare(
        f"mix: dubbed_mix / ffmpeg ({LANG})",
        "dubbed_mix",
        LANG,
        _mix(inprocess, LANG, work),
        "analysis, gain while encoding and a measurement on each side",
    )
    figures.append(_loudness_figure(inprocess, LANG, work))
    compare(
        f"package: audio_rendition / ffmpeg ({LANG})",
        "audio_rendition",
        LANG,
        _package(inprocess, LANG, work),
        "HLS audio copy + MP4 mux on each side",
    )
    # A stage with no engine and next to no work: its step time is what any stage costs.
    floor = median([inprocess.step_seconds("subtitles", LANG) for _ in range(repeats())])
    figures.append(
        Figure(
            FAMILY,
            "fixed cost of a stage (subtitles step)",
            round(floor * 1000, 1),
            "ms",
            note="Dagster step, event log on SQLite, stage rows, storage, hashing",
        )
    )
    figures.append(
        Figure(
            FAMILY,
            "Dagster events of a stage (subtitles step)",
            inprocess.step_events("subtitles", LANG),
            "events",
            note="each a write to the event log: step start, output, materialization, success, "
            "and the stage's own log lines",
        )
    )
    return figures
