import shutil

import pytest

from resources.models import ModelError, ModelRegistry


def test_packaged_models_resolve_and_verify(models_dir):
    registry = ModelRegistry(models_dir)
    base = registry.resolve("whisper-base")
    assert (base / "model.bin").stat().st_size == 2 * 72_608_766
    assert (registry.resolve("piper-en_US-joe-medium") / "en_US-joe-medium.onnx").exists()
    status = {s.spec.id: s for s in registry.status()}
    assert status["whisper-tiny.en"].installed and status["whisper-tiny.en"].verified
    assert not status["nllb-200-distilled-600M"].installed
    assert "not installed" in status["whisper-small"].detail
    # Without checking weights (what `GET /v1/voices` asks on every request).
    assert registry.installed("piper-en_US-joe-medium")
    assert not registry.installed("nllb-200-distilled-600M")


def test_a_corrupted_join_is_detected(tmp_path, models_dir):
    registry = ModelRegistry(tmp_path)
    joined = registry.resolve("whisper-base")
    with (joined / "model.bin").open("r+b") as weights:
        weights.seek(1000)
        weights.write(b"\0\0\0\0")
    with pytest.raises(ModelError) as error:
        registry.resolve("whisper-base")
    assert error.value.code == "model.checksum_mismatch"
    shutil.rmtree(joined)


def test_unknown_model(tmp_path):
    with pytest.raises(ModelError) as error:
        ModelRegistry(tmp_path).resolve("gpt-9")
    assert error.value.code == "model.unknown"
