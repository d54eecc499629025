"""The API image's venv (deploy/docker/api-requirements.txt): small, yet enough for every import
the API can reach, walked from the source like tests/test_layers.py (function-level imports too)."""

import re
import sys
from importlib.metadata import distribution, packages_distributions
from pathlib import Path

from fsspec.registry import known_implementations
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.test_layers import imported_modules

REPO = Path(__file__).resolve().parents[2]
API_REQUIREMENTS = REPO / "deploy/docker/api-requirements.txt"
# The API's own code and the first-party packages it may import (tests/test_layers.py).
API_PACKAGES = ("dubbing_api", "dubbing_core", "resources")
# Imported only where the API never goes: NLLB's libraries when an NLLB model directory is
# configured, which no image carries (the images translate with Apertium), and piper when
# resources.tts synthesizes (the pipeline does; the API only lists the voices).
NOT_IN_THE_API = {"torch", "transformers", "piper-tts"}
# resources.storage opens `s3://` roots through fsspec, which imports the protocol's
# implementation by name: an import no walk of the source sees.
STORAGE_PROTOCOLS = ("s3",)
# The speech engines, which the API must never carry.
ENGINES = {"faster-whisper", "ctranslate2", "piper-tts", "onnxruntime", "av"}


def _module_file(module: str) -> Path | None:
    base = REPO.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def api_third_party_modules() -> set[str]:
    """Top-level third-party modules of every module the API imports, transitively through the
    first-party ones (`from a.b import c`: c may be a module or a name, so a.b is walked too)."""
    pending = [
        ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
        for path in (REPO / "dubbing_api").rglob("*.py")
    ]
    seen: set[str] = set()
    third_party: set[str] = set()
    while pending:
        module = pending.pop()
        if module in seen:
            continue
        seen.add(module)
        parts = module.split(".")
        pending.extend(".".join(parts[:depth]) for depth in range(1, len(parts)))
        source = _module_file(module)
        if source is None:
            continue
        for imported in imported_modules(source.read_text()):
            top = imported.split(".")[0]
            if top in API_PACKAGES:
                pending.append(imported)
            elif top not in sys.stdlib_module_names:
                third_party.add(top)
    return third_party


def _requirements() -> list[Requirement]:
    lines = API_REQUIREMENTS.read_text().splitlines()
    return [Requirement(line) for line in lines if line.strip() and not line.startswith("#")]


def installed_closure(requirements: list[Requirement]) -> set[str]:
    """The distributions pip installs for these requirements (markers and extras evaluated)."""
    found: set[str] = set()
    visited: set[tuple[str, frozenset[str]]] = set()
    pending = list(requirements)
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        extras = frozenset(requirement.extras)
        if (name, extras) in visited:
            continue
        visited.add((name, extras))
        found.add(name)
        for line in distribution(name).requires or []:
            dependency = Requirement(line)
            if dependency.marker is None or any(
                dependency.marker.evaluate({"extra": extra}) for extra in {"", *extras}
            ):
                pending.append(dependency)
    return found


def missing_modules(requirements: list[Requirement]) -> dict[str, list[str]]:
    """The API's third-party modules that no distribution these requirements install provides,
    with the distributions that do provide them here."""
    installed = installed_closure(requirements)
    providers = packages_distributions()
    missing: dict[str, list[str]] = {}
    by_name = {known_implementations[p]["class"].split(".")[0] for p in STORAGE_PROTOCOLS}
    for module in api_third_party_modules() | by_name:
        dists = {canonicalize_name(dist) for dist in providers.get(module, [])}
        if not dists & (installed | NOT_IN_THE_API):
            missing[module] = sorted(dists)
    return missing


def test_the_api_venv_covers_every_import_the_api_can_reach() -> None:
    assert missing_modules(_requirements()) == {}


def test_a_missing_requirement_is_caught() -> None:
    without_boto3 = [r for r in _requirements() if r.name != "boto3"]
    assert missing_modules(without_boto3)["boto3"] == ["boto3"]


def test_the_api_venv_carries_no_engine() -> None:
    assert installed_closure(_requirements()) & ENGINES == set()


def test_every_api_requirement_is_pinned_by_the_lock() -> None:
    lock = (REPO / "requirements.lock").read_text()
    pinned = {canonicalize_name(name) for name in re.findall(r"^([A-Za-z0-9_.-]+)==", lock, re.M)}
    assert {canonicalize_name(r.name) for r in _requirements()} <= pinned
