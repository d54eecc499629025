"""Videos for the tests and benchmarks, cut from the real recordings in `media/`, each made to
exercise one listening problem: sentences separated by pauses, a clip under 3 s, audio shorter
than its video, speech over a tone bed (a music-like background that must stay audible between
the units), and (`code_switching`, apart from `CLIPS`) a second language and a melody."""

import subprocess
from pathlib import Path

from testing.media import MEDIA

# (source, channel, start, end) pieces and the silences between them, in seconds.
_LEFT, _RIGHT = "c0", "c1"


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def _piece(dst: Path, src: Path, start: float, end: float, channel: str = _LEFT) -> Path:
    _ffmpeg(
        "-ss", str(start), "-to", str(end), "-i", str(src),
        "-af", f"pan=mono|c0={channel}", "-ar", "48000", "-c:a", "pcm_s16le", str(dst),
    )  # fmt: skip
    return dst


def _silence(dst: Path, seconds: float) -> Path:
    _ffmpeg(
        "-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-t", str(seconds),
        "-c:a", "pcm_s16le", str(dst),
    )  # fmt: skip
    return dst


def _concat(dst: Path, parts: list[Path]) -> Path:
    listing = dst.with_suffix(".txt")
    listing.write_text("".join(f"file '{part}'\n" for part in parts))
    _ffmpeg("-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", str(dst))
    return dst


def _video(dst: Path, audio: Path, video_seconds: float, audio_seconds: float) -> Path:
    """H.264 (with B-frames, as cameras and encoders make them) + AAC in MP4."""
    _ffmpeg(
        "-f", "lavfi", "-i", f"testsrc2=size=320x180:rate=25:duration={video_seconds}",
        "-i", str(audio), "-map", "0:v", "-map", "1:a", "-t", str(video_seconds),
        "-af", f"atrim=end={audio_seconds}",
        "-c:v", "libx264", "-preset", "ultrafast", "-bf", "2", "-pix_fmt", "yuv420p", "-g", "50",
        "-c:a", "aac", "-ar", "48000", str(dst),
    )  # fmt: skip
    return dst


def sentences_with_pauses(work: Path) -> Path:
    """Three speakers' sentences with 0.8-1.2 s pauses between them (~17 s)."""
    multilingual, stereo = MEDIA / "multilingual.mp3", MEDIA / "stereo_diarization.wav"
    parts = [
        _silence(work / "s0.wav", 0.6),
        _piece(work / "p1.wav", multilingual, 0.0, 8.7),
        _silence(work / "s1.wav", 1.2),
        _piece(work / "p2.wav", stereo, 0.0, 4.8, _LEFT),
        _silence(work / "s2.wav", 1.0),
        _piece(work / "p3.wav", stereo, 0.25, 2.55, _RIGHT),
        _silence(work / "s3.wav", 0.8),
    ]
    audio = _concat(work / "sentences.wav", parts)
    return _video(work / "sentences.mp4", audio, 17.0, 17.0)


def short_utterance(work: Path) -> Path:
    """One sentence, 2.4 s in all: loudnorm's dynamic mode does not converge this short."""
    audio = _piece(work / "short.wav", MEDIA / "stereo_diarization.wav", 0.15, 2.55, _RIGHT)
    return _video(work / "short.mp4", audio, 2.4, 2.4)


def audio_shorter_than_video(work: Path) -> Path:
    """12.96 s of picture, 11.0 s of sound: every output must still be 12.96 s long."""
    audio = _piece(work / "shorter.wav", MEDIA / "multilingual.mp3", 0.0, 11.0)
    return _video(work / "shorter.mp4", audio, 12.96, 11.0)


def over_tone_bed(work: Path) -> Path:
    """Speech over a quiet, steady chord (a music-like bed, ~-33 dBFS RMS) that must stay at its
    level where nobody speaks: 1.5 s of bed alone, ~12 s of speech, 1.5 s of bed alone."""
    speech = _concat(
        work / "bed-speech.wav",
        [
            _silence(work / "bed-s0.wav", 1.5),
            _piece(work / "bed-p1.wav", MEDIA / "multilingual.mp3", 9.0, 20.9),
            _silence(work / "bed-s1.wav", 1.5),
        ],
    )
    bed = work / "bed.wav"
    _ffmpeg(
        "-i", str(speech),
        "-f", "lavfi", "-i", "sine=frequency=220:sample_rate=48000",
        "-f", "lavfi", "-i", "sine=frequency=330:sample_rate=48000",
        "-filter_complex",
        "[1:a]volume=0.25[a];[2:a]volume=0.18[b];[0:a][a][b]amix=inputs=3:normalize=0:duration=first",
        "-c:a", "pcm_s16le", str(bed),
    )  # fmt: skip
    return _video(work / "bed.mp4", bed, 14.9, 14.9)


def code_switching(work: Path) -> Path:
    """Two languages and a melody (~27 s): an English sentence, a German one, then a tune of
    changing notes. In an English job Whisper skips the German sentence (no words at all), and
    the melody is as loud and as unsteady as speech: only Whisper can tell it is not."""
    multilingual = MEDIA / "multilingual.mp3"
    melody = work / "cs-melody.wav"
    _ffmpeg(
        "-f", "lavfi",
        "-i", "aevalsrc='0.3*sin(2*PI*(440+220*mod(floor(t*4),5))*t)*(0.5+0.5*sin(4*PI*t))'"
        ":s=48000:d=4",
        "-c:a", "pcm_s16le", str(melody),
    )  # fmt: skip
    parts = [
        _silence(work / "cs-s0.wav", 0.6),
        _piece(work / "cs-en.wav", multilingual, 0.0, 8.7),
        _silence(work / "cs-s1.wav", 1.2),
        _piece(work / "cs-de.wav", multilingual, 30.9, 42.0),
        _silence(work / "cs-s2.wav", 1.2),
        melody,
        _silence(work / "cs-s3.wav", 1.2),
    ]
    audio = _concat(work / "code-switching.wav", parts)
    return _video(work / "code-switching.mp4", audio, 28.0, 28.0)


CLIPS = {
    "sentences": sentences_with_pauses,
    "short": short_utterance,
    "shorter_audio": audio_shorter_than_video,
    "tone_bed": over_tone_bed,
}
