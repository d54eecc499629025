"""ASR resource: faster-whisper (CTranslate2) with weights resolved by the model registry."""

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import dagster as dg
import faster_whisper
from faster_whisper import WhisperModel

from resources.models import ModelRegistry


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


@lru_cache(maxsize=4)
def _load(path: str, device: str, compute_type: str, cpu_threads: int) -> WhisperModel:
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

    def version(self) -> str:
        return (
            f"faster-whisper-{faster_whisper.__version__}:{self.model}:"
            f"{self.compute_type}:beam{self.beam_size}:vad{int(self.vad_filter)}"
        )

    def model_path(self) -> Path:
        return ModelRegistry(Path(self.models_dir)).resolve(self.model)

    def load(self) -> WhisperModel:
        return _load(str(self.model_path()), self.device, self.compute_type, self.cpu_threads)

    def transcribe(
        self,
        audio: Path,
        language: str | None = None,
        on_progress: Callable[[float], None] | None = None,
    ) -> Transcript:
        """Transcribe `audio`; `language=None` detects it. `on_progress` gets the fraction of
        the audio done as segments are decoded."""
        segments, info = self.load().transcribe(
            str(audio),
            language=language,
            beam_size=self.beam_size,
            vad_filter=self.vad_filter,
            word_timestamps=True,
            condition_on_previous_text=False,
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
