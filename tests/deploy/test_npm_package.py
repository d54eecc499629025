"""deploy/docker/npm-package.py, the web build stage's way to Node and npm: a tarball is
unpacked only when it matches its pinned integrity, and never outside its destination."""

import base64
import hashlib
import importlib.util
import io
import tarfile
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "npm_package", REPO / "deploy/docker/npm-package.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            info.mode = 0o755
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def test_the_package_directory_becomes_the_destination(tmp_path: Path) -> None:
    npm_package = _script()
    data = _tarball({"package/bin/node": b"#!/bin/sh\n", "package/LICENSE": b"MIT"})
    npm_package.check_integrity(data, _integrity(data))
    npm_package.unpack(data, tmp_path / "node")
    assert (tmp_path / "node/LICENSE").read_bytes() == b"MIT"
    assert (tmp_path / "node/bin/node").stat().st_mode & 0o111


def test_a_tarball_that_differs_from_its_pin_is_refused() -> None:
    npm_package = _script()
    data = _tarball({"package/bin/node": b"#!/bin/sh\n"})
    pinned = _integrity(_tarball({"package/bin/node": b"something else"}))
    with pytest.raises(SystemExit, match="expected sha512-"):
        npm_package.check_integrity(data, pinned)


def test_a_path_leaving_the_destination_is_refused(tmp_path: Path) -> None:
    npm_package = _script()
    data = _tarball({"package/../../outside": b"x"})
    with pytest.raises(SystemExit, match="refusing the path"):
        npm_package.unpack(data, tmp_path / "node")
    assert not (tmp_path.parent / "outside").exists()
