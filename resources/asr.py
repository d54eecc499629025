"""ASR resource: faster-whisper (CTranslate2) with weights resolved by the model registry."""

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dagster as dg
import numpy as np

from dubbing_core.errors import CodedError
from dubbing_core.languages import SUPPORTED
from resources.models import ModelRegistry
from resources.wav import Samples

# faster-whisper (and PyAV, tokenizers) is imported where a model is loaded: the code location is
# imported by every run worker, and only the ingest run transcribes.
if TYPE_CHECKING:
    from faster_whisper import WhisperModel


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    word: str
    probability: float


@dataclass(frozen=True)
class Segment:
    id: int
    start: float
    end: float
    text: str
    confidence: float  # exp(avg_logprob): the mean token probability
    no_speech_prob: float
    words: list[Word] = field(default_factory=list)


@dataclass(frozen=True)
class Transcript:
    language: str
    language_probability: float
    duration: float
    segments: list[Segment]
    model: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class LanguageUncertain(CodedError, ValueError):
    """Whisper could not tell which of the languages dubflow handles is spoken."""

    def __init__(self, message: str) -> None:
        super().__init__("source.language_uncertain", message)


@dataclass(frozen=True)
class DetectedLanguage:
    language: str
    probability: float  # Whisper's own probability of that language
    share: float  # its share of the probability of the languages dubflow handles
    heard: list[tuple[str, float]]  # Whisper's most likely languages, any language, best first


def choose_language(
    probabilities: Sequence[tuple[str, float]],
    supported: Sequence[str],
    *,
    min_probability: float,
    min_share: float,
) -> DetectedLanguage:
    """The spoken language among `supported`, from Whisper's probability of every language.

    Whisper picks among ~100 languages and on a short or unclear clip its first choice may be
    one dubflow cannot dub from (a clear French sentence came out as Hebrew at p = 0.26), so the
    choice is restricted to `supported`: the best of them wins when it holds `min_share` of their
    probability and at least `min_probability` itself (not merely the least unlikely of them).
    Otherwise `LanguageUncertain`, naming what was heard."""
    ranked = sorted(probabilities, key=lambda pair: pair[1], reverse=True)
    heard = [(language, round(p, 3)) for language, p in ranked[:3]]
    candidates = [(language, p) for language, p in ranked if language in supported]
    total = sum(p for _, p in candidates)
    if candidates and total > 0:
        language, probability = candidates[0]
        share = probability / total
        if probability >= min_probability and share >= min_share:
            return DetectedLanguage(language, round(probability, 4), round(share, 4), heard)
    described = ", ".join(f"{language} ({p:.0%})" for language, p in heard)
    raise LanguageUncertain(
        f"could not tell the spoken language among {', '.join(supported)}: Whisper heard "
        f"{described}; pass the source language (sourceLanguage in the API, --from in the CLI)"
    )


# Whisper hears 16 kHz.
RATE = 16_000

# Where the language is detected: the first 30 s of speech are in the first minutes of any
# recording worth dubbing, and the whole of a long one would be decoded into memory for it.
DETECTION_SECONDS = 300.0

# faster-whisper's default schedule of decoding temperatures.
TEMPERATURES = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]


@lru_cache(maxsize=4)
def _load(path: str, device: str, compute_type: str, cpu_threads: int) -> "WhisperModel":
    from faster_whisper import WhisperModel

    return WhisperModel(path, device=device, compute_type=compute_type, cpu_threads=cpu_threads)


class ASR(dg.ConfigurableResource):
    """Speech recognition with faster-whisper; the model is loaded once per process."""

    model: str = "whisper-base"
    models_dir: str = "data/models"
    device: str = "cpu"
    compute_type: str = "int8"
    cpu_threads: int = 2
    beam_size: int = 1
    vad_filter: bool = False
    # Language detection: see `choose_language`. On real speech a clear sentence of 1 s or more
    # scores >= 0.7 for its language; 0.6 s of German scored 0.32 against English's 0.31.
    language_min_probability: float = 0.2
    language_min_share: float = 0.75

    def version(self) -> str:
        return (
            f"faster-whisper-{version('faster-whisper')}:{self.model}:"
            f"{self.compute_type}:beam{self.beam_size}:vad{int(self.vad_filter)}"
        )

    def model_path(self) -> Path:
        return ModelRegistry(Path(self.models_dir)).resolve(self.model)

    def load(self) -> "WhisperModel":
        return _load(str(self.model_path()), self.device, self.compute_type, self.cpu_threads)

    def detect_language(self, samples: Samples) -> DetectedLanguage:
        """The language spoken in the first 30 s of speech of `samples` (16 kHz mono; looked for
        in its first `DETECTION_SECONDS`), among the languages dubflow handles, or
        `LanguageUncertain`."""
        model = self.load()
        if not model.model.is_multilingual:  # an English-only model hears English
            return DetectedLanguage("en", 1.0, 1.0, [("en", 1.0)])
        # Speech only (Silero VAD, packaged with faster-whisper): leading music or silence would
        # otherwise decide the language.
        _, _, probabilities = model.detect_language(
            audio=samples[: round(DETECTION_SECONDS * RATE)], vad_filter=True
        )
        return choose_language(
            probabilities,
            SUPPORTED,
            min_probability=self.language_min_probability,
            min_share=self.language_min_share,
        )

    def language_probabilities(self, samples: np.ndarray) -> list[tuple[str, float]]:
        """Whisper's probability of every language it knows for `samples` (16 kHz mono, one
        passage of speech), best first."""
        model = self.load()
        if not model.model.is_multilingual:
            return [("en", 1.0)]
        _, _, probabilities = model.detect_language(audio=samples.astype(np.float32))
        return sorted(probabilities, key=lambda pair: pair[1], reverse=True)

    def transcribe(
        self,
        audio: Path | np.ndarray,
        language: str | None = None,
        on_progress: Callable[[float], None] | None = None,
        *,
        fallback: bool = True,
    ) -> Transcript:
        """Transcribe `audio` (a file, or 16 kHz mono samples); `language=None` detects it.
        `on_progress` gets the fraction of the audio done as segments are decoded. `fallback`:
        decode again at higher temperatures where greedy decoding fails Whisper's own tests (what
        recovers hard speech; on music it is what makes Whisper slow and makes words up)."""
        segments, info = self.load().transcribe(
            audio.astype(np.float32) if isinstance(audio, np.ndarray) else str(audio),
            language=language,
            beam_size=self.beam_size,
            vad_filter=self.vad_filter,
            word_timestamps=True,
            condition_on_previous_text=False,
            temperature=TEMPERATURES if fallback else 0.0,
        )
        result: list[Segment] = []
        for segment in segments:
            text = segment.text.strip()
            if not text:
                continue
            words = [
                Word(round(w.start, 3), round(w.end, 3), w.word, round(w.probability, 4))
                for w in segment.words or []
            ]
            result.append(
                Segment(
                    id=len(result),
                    start=round(segment.start, 3),
                    end=round(segment.end, 3),
                    text=text,
                    confidence=round(math.exp(segment.avg_logprob), 4),
                    no_speech_prob=round(segment.no_speech_prob, 4),
                    words=words,
                )
            )
            if on_progress and info.duration:
                on_progress(min(segment.end / info.duration, 1.0))
        return Transcript(
            language=info.language,
            language_probability=round(info.language_probability, 4),
            duration=round(info.duration, 3),
            segments=result,
            model=self.model,
        )

    def transcribe_windows(
        self,
        samples: Samples,
        windows: Sequence[tuple[float, float]],
        language: str,
        on_progress: Callable[[float], None] | None = None,
    ) -> Transcript:
        """`transcribe` each window (start, end seconds) of `samples` (16 kHz mono) on its own,
        as one transcript in the track's time: faster-whisper decodes its whole input and
        computes its features at once (45 MiB per minute of audio), so a long track heard in
        windows needs the memory of one window, not of the track."""
        duration = len(samples) / RATE
        segments: list[Segment] = []
        first: Transcript | None = None
        for start, end in windows:

            def window_progress(fraction: float, start: float = start, end: float = end) -> None:
                if on_progress and duration:
                    on_progress(min((start + fraction * (end - start)) / duration, 1.0))

            part = self.transcribe(
                samples[round(start * RATE) : round(end * RATE)],
                language=language,
                on_progress=window_progress,
            )
            first = first or part
            for segment in part.segments:
                segments.append(_shifted(segment, start, len(segments)))
        return Transcript(
            language=language,
            language_probability=first.language_probability if first else 1.0,
            duration=round(duration, 3),
            segments=segments,
            model=self.model,
        )


def _shifted(segment: Segment, offset: float, number: int) -> Segment:
    """`segment` heard in a window starting `offset` seconds into the track, in the track's time."""
    return Segment(
        id=number,
        start=round(segment.start + offset, 3),
        end=round(segment.end + offset, 3),
        text=segment.text,
        confidence=segment.confidence,
        no_speech_prob=segment.no_speech_prob,
        words=[
            Word(round(w.start + offset, 3), round(w.end + offset, 3), w.word, w.probability)
            for w in segment.words
        ],
    )
