"""TTS resource: piper voices where one is installed, espeak-ng for every other language.

`synthesize(text, lang, voice, rate)` speaks `text` faster by `rate` with the engine's own rate
control (piper `length_scale`, espeak-ng words per minute); the timing fit decides the rate.
"""

import io
import shutil
import subprocess
import wave
from functools import lru_cache
from importlib.metadata import version as distribution_version
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
import numpy as np

from dubbing_core.voices import VOICES, TTSError, Voice, catalogue
from resources.models import ModelRegistry

# piper (and onnxruntime) is imported where a voice is loaded: every run worker imports the code
# location, and only dub runs with a piper voice synthesize with it.
if TYPE_CHECKING:
    from piper import PiperVoice

ESPEAK_WORDS_PER_MINUTE = 165


@lru_cache(maxsize=4)
def _load_piper(model_dir: str, onnx_name: str) -> "PiperVoice":
    from piper import PiperVoice

    onnx = Path(model_dir) / onnx_name
    return PiperVoice.load(onnx, config_path=onnx.with_suffix(".onnx.json"))


def installed_voices(models_dir: Path, espeak_binary: str = "espeak-ng") -> dict[str, Voice]:
    """The voices that can speak here: espeak-ng's when the program is installed, piper's when its
    model is (packaged, or downloaded into the models directory)."""
    registry = ModelRegistry(models_dir)
    espeak = shutil.which(espeak_binary) is not None
    return {
        voice.id: voice
        for voice in catalogue(models_dir).values()
        if (espeak if voice.engine == "espeak-ng" else registry.installed(voice.model))
    }


class TTS(dg.ConfigurableResource):
    """Speech synthesis; piper voices are loaded once per process."""

    models_dir: str = "data/models"
    espeak_binary: str = "espeak-ng"

    def version(self) -> str:
        # piper has no __version__; the installed distribution's metadata does.
        return f"piper-{distribution_version('piper-tts')}:espeak-ng:{'+'.join(sorted(VOICES))}"

    def voices(self) -> dict[str, Voice]:
        """Every voice this resource knows: the built-in ones and the downloaded piper voices."""
        return catalogue(Path(self.models_dir))

    def installed_voices(self) -> dict[str, Voice]:
        return installed_voices(Path(self.models_dir), self.espeak_binary)

    def _piper(self, voice: Voice) -> "PiperVoice":
        registry = ModelRegistry(Path(self.models_dir))
        spec = registry.spec(voice.model)
        return _load_piper(str(registry.resolve(voice.model)), spec.weights_file)

    def synthesize(self, text: str, voice: Voice, rate: float = 1.0) -> np.ndarray:
        """Mono float32 samples at `voice.sample_rate`."""
        if voice.engine == "piper":
            return self._synthesize_piper(text, voice, rate)
        return self._synthesize_espeak(text, voice, rate)

    def _synthesize_piper(self, text: str, voice: Voice, rate: float) -> np.ndarray:
        from piper import SynthesisConfig

        config = SynthesisConfig(length_scale=1.0 / rate)
        chunks = [chunk.audio_float_array for chunk in self._piper(voice).synthesize(text, config)]
        return np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)

    def _synthesize_espeak(self, text: str, voice: Voice, rate: float) -> np.ndarray:
        words_per_minute = round(ESPEAK_WORDS_PER_MINUTE * rate)
        try:
            completed = subprocess.run(
                [self.espeak_binary, "-v", voice.model, "-s", str(words_per_minute), "--stdout"],
                input=text.encode(),
                capture_output=True,
                check=True,
                timeout=120,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
            raise TTSError("tts.engine_failed", f"espeak-ng failed: {error}") from error
        with wave.open(io.BytesIO(completed.stdout)) as wav:
            frames = wav.readframes(wav.getnframes())
            if wav.getframerate() != voice.sample_rate:
                raise TTSError("tts.engine_failed", f"espeak-ng gave {wav.getframerate()} Hz")
        return np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0
