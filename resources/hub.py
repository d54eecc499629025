"""Installing piper voices, NLLB-200 and Whisper from a model hub (`dubflow models download`).

Files are fetched from `<hub>/<repo>/resolve/main/<path>`, the Hugging Face hub's layout; the hub
may be an `http(s)://` URL, a `file://` URL or a local directory laid out the same way (a mirror
for machines without a network). Nothing here runs in the pipeline: weights are installed ahead of
time into the models directory, where `ModelRegistry` and the engines find them.

A download is staged in a hidden directory beside its target and renamed into place at the end:
an interrupted or failed download leaves nothing the loading code could mistake for a model.
"""

import re
import shutil
import urllib.error
import urllib.request
from pathlib import Path

from dubbing_core.errors import CodedError

PIPER_REPO = "rhasspy/piper-voices"

# A transformers snapshot of an NLLB checkpoint: what `AutoModelForSeq2SeqLM` and
# `AutoTokenizer.from_pretrained` read (the fast tokenizer); the sentencepiece model (for the slow
# tokenizer), its special tokens and the generation defaults when the repository has them.
NLLB_FILES = ("config.json", "tokenizer.json", "tokenizer_config.json")
NLLB_OPTIONAL_FILES = (
    "generation_config.json",
    "sentencepiece.bpe.model",
    "special_tokens_map.json",
)
# The weights, in the first format the repository has: facebook's NLLB-200 repositories publish
# PyTorch pickles, re-uploads often safetensors.
NLLB_WEIGHTS = ("model.safetensors", "pytorch_model.bin")
# A CTranslate2 conversion of Whisper (the Systran/faster-whisper-* repositories): what
# faster-whisper's `WhisperModel` reads from a directory; the vocabulary comes as .txt or .json.
WHISPER_FILES = ("config.json", "model.bin", "tokenizer.json")
WHISPER_VOCABULARY = ("vocabulary.txt", "vocabulary.json")
WHISPER_OPTIONAL_FILES = ("preprocessor_config.json",)
# `<lang>_<REGION>-<name>-<quality>`, as piper names its voices (e.g. es_ES-davefx-medium).
_PIPER_VOICE = re.compile(
    r"^(?P<lang>[a-z]{2,3})_[A-Z]{2}-(?P<name>[A-Za-z0-9_]+)-(?P<quality>x_low|low|medium|high)$"
)
_CHUNK = 1 << 20


class HubError(CodedError, RuntimeError):
    pass


def piper_model_id(voice: str) -> str:
    """The models directory entry (and registry id) of a downloaded piper voice."""
    return f"piper-{voice}"


def piper_voice_files(voice: str) -> list[str]:
    """The voice's paths in the piper-voices repository: its ONNX model and its config."""
    match = _PIPER_VOICE.match(voice)
    if match is None:
        raise HubError(
            "models.unknown_voice",
            f"{voice!r} is not a piper voice name (<lang>_<REGION>-<name>-<quality>,"
            " e.g. es_ES-davefx-medium)",
        )
    region = voice.split("-", 1)[0]
    folder = f"{match['lang']}/{region}/{match['name']}/{match['quality']}"
    return [f"{folder}/{voice}.onnx", f"{folder}/{voice}.onnx.json"]


def _base_url(hub_url: str) -> str:
    if "://" in hub_url:
        return hub_url.rstrip("/")
    return Path(hub_url).resolve().as_uri()


def _fetch(url: str, destination: Path) -> None:
    try:
        with urllib.request.urlopen(url, timeout=60) as response, destination.open("wb") as out:
            shutil.copyfileobj(response, out, _CHUNK)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            raise HubError("models.not_found", f"{url} does not exist on the hub") from None
        raise HubError("models.download_failed", f"{url}: HTTP {error.code}") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, FileNotFoundError):
            raise HubError("models.not_found", f"{url} does not exist on the hub") from None
        raise HubError("models.download_failed", f"{url}: {error.reason}") from None
    except OSError as error:
        raise HubError("models.download_failed", f"{url}: {error}") from None


def download(
    hub_url: str,
    repo: str,
    paths: list[str],
    target: Path,
    optional: tuple[str, ...] = (),
    one_of: tuple[str, ...] = (),
) -> Path:
    """Fetch `paths` of `repo` into `target` (flat: each file by its name), all or nothing;
    the `optional` ones when the repository has them, and the first of `one_of` it has."""
    base = _base_url(hub_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        for path in [*paths, *optional]:
            try:
                _fetch(f"{base}/{repo}/resolve/main/{path}", staging / Path(path).name)
            except HubError as error:
                if error.code != "models.not_found" or path not in optional:
                    raise
        for index, path in enumerate(one_of):
            try:
                _fetch(f"{base}/{repo}/resolve/main/{path}", staging / Path(path).name)
                break
            except HubError as error:
                if error.code != "models.not_found" or index == len(one_of) - 1:
                    raise
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
