"""Translation resource: NLLB-200 through transformers, or Apertium where it covers the pair.

Every engine translates a job's segments in one batched call and returns one text per segment.
The engine is chosen per language pair: NLLB when its weights are configured (it covers every
supported language), Apertium for the pairs it has installed, and a clear error otherwise.
"""

import hashlib
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import dagster as dg

from dubbing_core.errors import CodedError
from dubbing_core.glossary import GlossaryTerm, protect, restore
from dubbing_core.languages import LANGUAGES, get_language, to_nllb
from dubbing_core.settings import DubflowSettings


class TranslationError(CodedError, RuntimeError):
    pass


class Engine(Protocol):
    name: str

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]: ...


def _one_per_input(texts: Sequence[str], result: list[str], engine: str) -> list[str]:
    if len(result) != len(texts):
        raise TranslationError(
            "translation.engine_failed", f"{engine} returned {len(result)} texts for {len(texts)}"
        )
    return result


class IdentityEngine:
    """Source and target are the same language: the transcript is the translation."""

    name = "identity"

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        return list(texts)


@lru_cache(maxsize=1)
def apertium_pairs() -> frozenset[tuple[str, str]]:
    """Installed Apertium pairs, as ISO 639-1 codes (e.g. ("en", "es"))."""
    try:
        listed = subprocess.run(
            ["apertium", "-l"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except OSError:
        return frozenset()
    by_apertium_code = {language.iso639_2: code for code, language in LANGUAGES.items()}
    pairs = set()
    for mode in listed.split():
        source, _, target = mode.partition("-")
        if source in by_apertium_code and target in by_apertium_code:
            pairs.add((by_apertium_code[source], by_apertium_code[target]))
    return frozenset(pairs)


class ApertiumEngine:
    name = "apertium"

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        mode = f"{get_language(source).iso639_2}-{get_language(target).iso639_2}"
        # One segment per line: Apertium keeps line breaks, so one call does the whole job.
        batch = "\n".join(" ".join(text.split()) for text in texts) + "\n"
        try:
            completed = subprocess.run(
                ["apertium", "-u", mode],
                input=batch,
                capture_output=True,
                text=True,
                timeout=600,
                check=True,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
            raise TranslationError(
                "translation.engine_failed", f"apertium {mode}: {error}"
            ) from error
        lines = completed.stdout.rstrip("\n").split("\n") if texts else []
        return _one_per_input(texts, [line.strip() for line in lines], f"apertium {mode}")


@lru_cache(maxsize=2)
def _load_nllb(model_path: str, device: str) -> tuple[Any, Any]:
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_path)
    model = AutoModelForSeq2SeqLM.from_pretrained(model_path).to(device).eval()
    return tokenizer, model


class NllbEngine:
    name = "nllb"

    def __init__(
        self,
        model_path: str,
        device: str = "cpu",
        num_beams: int = 1,
        batch_size: int = 16,
        max_new_tokens: int = 256,
    ) -> None:
        self.model_path = model_path
        self.device = device
        self.num_beams = num_beams
        self.batch_size = batch_size
        self.max_new_tokens = max_new_tokens

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        import torch

        tokenizer, model = _load_nllb(self.model_path, self.device)
        tokenizer.src_lang = to_nllb(source)
        target_id = tokenizer.convert_tokens_to_ids(to_nllb(target))
        result: list[str] = []
        with torch.inference_mode():
            for first in range(0, len(texts), self.batch_size):
                batch = tokenizer(
                    list(texts[first : first + self.batch_size]),
                    return_tensors="pt",
                    padding=True,
                    truncation=True,
                ).to(self.device)
                generated = model.generate(
                    **batch,
                    forced_bos_token_id=target_id,
                    num_beams=self.num_beams,
                    max_new_tokens=self.max_new_tokens,
                )
                result += tokenizer.batch_decode(generated, skip_special_tokens=True)
        return _one_per_input(texts, [text.strip() for text in result], "nllb")


def choose_engine(
    source: str,
    target: str,
    *,
    nllb_model_path: str | None,
    prefer: str = "auto",
    device: str = "cpu",
    num_beams: int = 1,
) -> Engine:
    for language in (source, target):
        if language not in LANGUAGES:
            raise TranslationError(
                "translation.unsupported_pair", f"dubflow does not support language {language!r}"
            )
    if source == target:
        return IdentityEngine()
    if nllb_model_path and prefer in ("auto", "nllb"):
        return NllbEngine(nllb_model_path, device=device, num_beams=num_beams)
    if prefer in ("auto", "apertium") and (source, target) in apertium_pairs():
        return ApertiumEngine()
    raise TranslationError(
        "translation.unsupported_pair",
        f"no installed engine translates {source}->{target}: configure NLLB-200 weights "
        "(DUBFLOW_NLLB_MODEL_PATH) or install the Apertium pair",
    )


@dataclass(frozen=True)
class TranslationResult:
    texts: list[str]
    engine: str
    # Positions of the texts whose translation lost a glossary placeholder: translated again
    # without the glossary.
    glossary_missed: list[int] = field(default_factory=list)


def _nllb_fingerprint(model_path: str) -> str:
    config = Path(model_path) / "config.json"
    digest = hashlib.sha256(config.read_bytes()).hexdigest()[:10] if config.exists() else "missing"
    return f"{Path(model_path).name}-{digest}"


class Translation(dg.ConfigurableResource):
    """Machine translation; the NLLB model is loaded once per process."""

    nllb_model_path: str | None = None
    engine: str = "auto"
    device: str = "cpu"
    num_beams: int = 1

    @classmethod
    def from_settings(cls, settings: DubflowSettings) -> "Translation":
        return cls(
            nllb_model_path=settings.resolved_nllb_model_path, engine=settings.translation_engine
        )

    def version(self) -> str:
        nllb = _nllb_fingerprint(self.nllb_model_path) if self.nllb_model_path else "none"
        return f"mt:{self.engine}:nllb-{nllb}:beams{self.num_beams}:apertium"

    def _engine(self, source: str, target: str) -> Engine:
        return choose_engine(
            source,
            target,
            nllb_model_path=self.nllb_model_path,
            prefer=self.engine,
            device=self.device,
            num_beams=self.num_beams,
        )

    def covers(self, source: str, target: str) -> bool:
        try:
            self._engine(source, target)
        except TranslationError:
            return False
        return True

    def check_pairs(self, source: str, targets: Sequence[str]) -> None:
        """Every target reachable from `source`, or one `translation.unsupported_pair` error that
        names all the unreachable ones (checked before any language's dub starts)."""
        unreachable = [target for target in targets if not self.covers(source, target)]
        if unreachable:
            pairs = ", ".join(f"{source}->{target}" for target in unreachable)
            raise TranslationError(
                "translation.unsupported_pair",
                f"no installed engine translates {pairs}: configure NLLB-200 weights "
                "(DUBFLOW_NLLB_MODEL_PATH), install the Apertium pair, or drop the language",
            )

    def translate(
        self,
        texts: Sequence[str],
        source: str,
        target: str,
        glossary: Sequence[GlossaryTerm] = (),
    ) -> TranslationResult:
        """One translation per text; the glossary's terms kept verbatim or translated its way
        (`dubbing_core.glossary`), whichever engine translates."""
        engine = self._engine(source, target)
        if not glossary:
            return TranslationResult(engine.translate(texts, source, target), engine.name)
        protected = protect(texts, glossary)
        translated, missed = restore(
            engine.translate(protected.texts, source, target), protected, glossary, target
        )
        if missed:
            again = engine.translate([texts[i] for i in missed], source, target)
            for position, text in zip(missed, again, strict=True):
                translated[position] = text
        return TranslationResult(translated, engine.name, missed)
