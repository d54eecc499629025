"""The dubbing script a user would write with the same libraries, models and settings as dubflow:
extract the audio, transcribe (faster-whisper), translate (Apertium), synthesize (piper for
English, espeak-ng otherwise), mix over the ducked original, package HLS. Plain and sequential.

What it leaves out, and dubflow does: fitting speech to its time slot (each segment is placed at
its start at the natural rate, overlapping the next when longer), the measuring pass of a two-pass
loudness normalization, subtitles, the MP4 download, progress, retries, tracking, the API.

    python -m bench.baseline_script VIDEO OUT --to es,ca,en --whisper DIR --piper VOICE.onnx
"""

import argparse
import io
import subprocess
import wave
from pathlib import Path

import numpy as np
from faster_whisper import WhisperModel
from piper import PiperVoice

SAMPLE_RATE = 22050
ESPEAK_VOICES = {"es": "es", "ca": "ca"}
APERTIUM_CODES = {"en": "eng", "es": "spa", "ca": "cat"}


def ffmpeg(*args: str | Path) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *map(str, args)], check=True)


def synthesize(text: str, lang: str, piper_voice: PiperVoice | None) -> np.ndarray:
    if piper_voice is not None and lang == "en":
        return np.concatenate([c.audio_float_array for c in piper_voice.synthesize(text)])
    wav = subprocess.run(
        ["espeak-ng", "-v", ESPEAK_VOICES[lang], "--stdout"],
        input=text.encode(),
        capture_output=True,
        check=True,
    ).stdout
    with wave.open(io.BytesIO(wav)) as reader:
        return np.frombuffer(reader.readframes(reader.getnframes()), "<i2") / 32768.0


def dub(video: Path, out: Path, langs: list[str], source: str, whisper: Path, piper: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    speech, original = out / "speech16k.wav", out / "audio48k.wav"
    ffmpeg("-i", video, "-vn", "-ac", "1", "-ar", "16000", speech)
    ffmpeg("-i", video, "-vn", "-ac", "2", "-ar", "48000", original)
    model = WhisperModel(str(whisper), device="cpu", compute_type="int8", cpu_threads=2)
    segments, info = model.transcribe(
        str(speech),
        language=source,
        beam_size=1,
        word_timestamps=True,
        condition_on_previous_text=False,
    )
    lines = [(s.start, s.text.strip()) for s in segments if s.text.strip()]
    (out / "video").mkdir(exist_ok=True)
    hls = ["-f", "hls", "-hls_time", "6", "-hls_playlist_type", "vod"]
    ffmpeg("-i", video, "-an", "-c:v", "copy", *hls, out / "video" / "index.m3u8")
    voice = PiperVoice.load(piper) if "en" in langs else None
    master = ["#EXTM3U"]
    for lang in langs:
        texts = [text for _, text in lines]
        if lang != source:
            mode = f"{APERTIUM_CODES[source]}-{APERTIUM_CODES[lang]}"
            texts = subprocess.run(
                ["apertium", "-u", mode],
                input="\n".join(texts) + "\n",
                capture_output=True,
                text=True,
                check=True,
            ).stdout.splitlines()
        timeline = np.zeros(round(info.duration * SAMPLE_RATE), np.float32)
        for (start, _), text in zip(lines, texts, strict=True):
            audio = synthesize(text, lang, voice)
            first = round(start * SAMPLE_RATE)
            audio = audio[: len(timeline) - first]
            timeline[first : first + len(audio)] += audio
        dubbed = out / f"{lang}.wav"
        with wave.open(str(dubbed), "wb") as writer:
            writer.setnchannels(1)
            writer.setsampwidth(2)
            writer.setframerate(SAMPLE_RATE)
            writer.writeframes((np.clip(timeline, -1, 1) * 32767).astype("<i2").tobytes())
        ffmpeg(
            "-i", original, "-i", dubbed, "-filter_complex",
            "[1:a]aresample=48000,aformat=channel_layouts=stereo,asplit=2[side][voice];"
            "[0:a][side]sidechaincompress=threshold=0.015:ratio=2.852[ducked];"
            "[ducked][voice]amix=inputs=2:normalize=0:duration=first,"
            "loudnorm=I=-16:TP=-1.5:LRA=11,aresample=48000,aformat=channel_layouts=stereo",
            "-c:a", "aac", "-b:a", "160k", out / f"{lang}.m4a",
        )  # fmt: skip
        (out / lang).mkdir(exist_ok=True)
        ffmpeg("-i", out / f"{lang}.m4a", "-c:a", "copy", *hls, out / lang / "index.m3u8")
        master.append(
            f'#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="{lang}",NAME="{lang}",'
            f'URI="{lang}/index.m3u8"'
        )
    master += ['#EXT-X-STREAM-INF:BANDWIDTH=1000000,AUDIO="audio"', "video/index.m3u8"]
    (out / "master.m3u8").write_text("\n".join(master) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("video", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--to", required=True)
    parser.add_argument("--source", default="en")
    parser.add_argument("--whisper", type=Path, required=True)
    parser.add_argument("--piper", type=Path, required=True)
    args = parser.parse_args()
    dub(args.video, args.out, args.to.split(","), args.source, args.whisper, args.piper)


if __name__ == "__main__":
    main()
