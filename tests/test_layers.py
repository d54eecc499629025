"""The layers import one way (docs/architecture.md, "Layers"): walked from the source with `ast`,
so a forbidden import fails here even if nothing runs it."""

import ast
from pathlib import Path

import pytest

from testing.media import ROOT

# Each top-level package and the first-party packages it may import (itself included).
ALLOWED: dict[str, set[str]] = {
    "dubbing_core": {"dubbing_core"},
    "resources": {"dubbing_core", "resources"},
    "dubbing_assets": {"dubbing_core", "resources", "dubbing_assets"},
    "dubbing_api": {"dubbing_core", "resources", "dubbing_api"},
    "dubflow_cli": {"dubbing_core", "resources", "dubbing_assets", "dubbing_api", "dubflow_cli"},
    "testing": {"dubbing_core", "resources", "dubbing_assets", "dubbing_api", "dubflow_cli"}
    | {"testing"},
    "bench": {"dubbing_core", "resources", "dubbing_assets", "dubbing_api", "dubflow_cli"}
    | {"testing", "bench"},
}
FIRST_PARTY = {*ALLOWED, "tests", "scripts"}
# Engines only behind resources: the assets reach ffmpeg through the Media resource; they may
# still catch its error type.
FORBIDDEN_MODULES: dict[str, tuple[str, ...]] = {"dubbing_assets": ("resources.ffmpeg",)}
ALLOWED_MODULES: dict[str, tuple[str, ...]] = {"dubbing_assets": ("resources.ffmpeg.errors",)}


def imported_modules(source: str) -> set[str]:
    """Every module a file imports, at any depth (also inside functions and TYPE_CHECKING)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from a.b import c` as a.b.c: c may be a module (resources.ffmpeg.audio) or a name.
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == prefix or module.startswith(f"{prefix}.") for prefix in prefixes)


def violations(package: str, source: str) -> list[str]:
    def forbidden(module: str) -> bool:
        top = module.split(".")[0]
        if top in FIRST_PARTY and top not in ALLOWED[package]:
            return True
        return _within(module, FORBIDDEN_MODULES.get(package, ())) and not _within(
            module, ALLOWED_MODULES.get(package, ())
        )

    return sorted(module for module in imported_modules(source) if forbidden(module))


def _sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_packages_import_only_the_layers_below(package: str):
    assert _sources(package), f"no sources under {package}/"
    found = {
        str(path.relative_to(ROOT)): wrong
        for path in _sources(package)
        if (wrong := violations(package, path.read_text()))
    }
    assert found == {}


@pytest.mark.parametrize(
    ("package", "line"),
    [
        ("dubbing_core", "from dubbing_api.schemas import Job"),
        ("dubbing_core", "from resources.storage import MediaStore"),
        ("dubbing_core", "import dubbing_assets.definitions"),
        ("resources", "from dubbing_assets.partitions import job_partitions"),
        ("dubbing_api", "from dubbing_assets.definitions import defs"),
        ("dubbing_api", "from dubflow_cli.admin import create_user"),
        ("dubbing_assets", "from dubbing_api.db import models"),
        ("dubbing_assets", "from resources.ffmpeg import audio"),
        ("bench", "from tests.conftest import ROOT"),
    ],
)
def test_a_forbidden_import_is_caught(package: str, line: str):
    source = f"import os\n\n\ndef later() -> None:\n    {line}\n"
    assert violations(package, source), line


def test_allowed_imports_pass():
    assert violations("dubbing_assets", "from resources.ffmpeg.errors import MediaError") == []
    assert violations("dubbing_api", "from resources.ffmpeg.probe import probe") == []
    assert violations("dubflow_cli", "from dubbing_assets.definitions import defs") == []
