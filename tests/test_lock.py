"""The lock files agree with pyproject.toml: every dependency pinned, hashed, inside its range, and the
lock made from these very dependency tables (no services needed).

`make lock` writes requirements.lock (runtime and the dev extra) and requirements-runtime.lock (runtime,
for the Docker images) from uv.lock, each headed by `# pyproject-sha256: <digest>` of pyproject.toml's
dependency tables; the digest here is computed exactly as the Makefile's PYPROJECT_DIGEST computes it.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
LOCK = ROOT / "requirements.lock"
RUNTIME_LOCK = ROOT / "requirements-runtime.lock"
UV_LOCK = ROOT / "uv.lock"
FIX = "run `make lock` and commit uv.lock, requirements.lock and requirements-runtime.lock"

# Development tools that must never reach the runtime lock (and so the Docker images).
DEV_ONLY = ("pytest", "ruff", "mypy", "moto", "playwright", "schemathesis", "boto3-stubs")

_PIN = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)\s*(?:;\s*(?P<marker>[^\\]+?))?\s*\\?$"
)
_HASH = re.compile(r"^\s+--hash=(?P<hash>sha256:[0-9a-f]{64})\s*\\?$")
_DIGEST = re.compile(r"^# pyproject-sha256: (?P<digest>[0-9a-f]{64})$")


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    marker: str | None
    hashes: frozenset[str]


@dataclass(frozen=True)
class LockFile:
    digest: str | None
    pins: dict[str, Pin]


def pyproject_digest(pyproject_text: str) -> str:
    """sha256 of the canonical JSON of [project]'s requires-python, dependencies and optional-dependencies."""
    project = tomllib.loads(pyproject_text)["project"]
    tables = {key: project.get(key) for key in ("requires-python", "dependencies", "optional-dependencies")}
    return hashlib.sha256(json.dumps(tables, sort_keys=True).encode()).hexdigest()


def parse_lock(text: str) -> LockFile:
    """A requirements file as `uv export --format requirements-txt` writes it: `name==version ; marker \\`
    followed by `--hash=` lines."""
    digest: str | None = None
    pins: dict[str, Pin] = {}
    name = version = ""
    marker: str | None = None
    hashes: set[str] = set()

    def flush() -> None:
        if name:
            pins[canonicalize_name(name)] = Pin(name, version, marker, frozenset(hashes))

    for line in text.splitlines():
        if found := _DIGEST.match(line):
            digest = found["digest"]
        elif found := _PIN.match(line):
            flush()
            name, version, marker, hashes = found["name"], found["version"], found["marker"], set()
        elif found := _HASH.match(line):
            hashes.add(found["hash"])
        elif line.strip() and not line.lstrip().startswith("#"):
            raise ValueError(f"unexpected line in a lock file: {line!r}")
    flush()
    return LockFile(digest, pins)


def requirements(pyproject_text: str, extras: tuple[str, ...]) -> list[Requirement]:
    project = tomllib.loads(pyproject_text)["project"]
    declared: list[str] = list(project.get("dependencies", []))
    for extra in extras:
        declared += project.get("optional-dependencies", {}).get(extra, [])
    return [Requirement(text) for text in declared]


def disagreements(pyproject_text: str, lock_text: str, extras: tuple[str, ...]) -> list[str]:
    """Every way the lock fails to install what pyproject.toml declares; empty when they agree."""
    lock = parse_lock(lock_text)
    problems: list[str] = []
    expected = pyproject_digest(pyproject_text)
    if lock.digest != expected:
        problems.append(f"the lock was made from other dependencies (pyproject-sha256 {lock.digest}, now {expected})")
    for requirement in requirements(pyproject_text, extras):
        pin = lock.pins.get(canonicalize_name(requirement.name))
        if pin is None:
            problems.append(f"{requirement.name} is declared in pyproject.toml but not pinned in the lock")
        elif not requirement.specifier.contains(Version(pin.version), prereleases=True):
            problems.append(f"{pin.name}=={pin.version} is outside pyproject.toml's {requirement}")
    problems += [f"{pin.name}=={pin.version} has no --hash" for pin in lock.pins.values() if not pin.hashes]
    return problems


def _uv_lock_packages() -> list[dict[str, Any]]:
    packages: list[dict[str, Any]] = tomllib.loads(UV_LOCK.read_text())["package"]
    return packages


@pytest.mark.parametrize(("lock_path", "extras"), [(LOCK, ("dev",)), (RUNTIME_LOCK, ())], ids=["dev", "runtime"])
def test_lock_pins_every_pyproject_dependency_with_hashes(lock_path: Path, extras: tuple[str, ...]) -> None:
    problems = disagreements(PYPROJECT.read_text(), lock_path.read_text(), extras)
    assert not problems, f"{lock_path.name} disagrees with pyproject.toml ({FIX}):\n" + "\n".join(problems)


def test_runtime_lock_is_the_dev_lock_without_the_dev_tools() -> None:
    full, runtime = parse_lock(LOCK.read_text()), parse_lock(RUNTIME_LOCK.read_text())
    differing = [name for name, pin in runtime.pins.items() if full.pins.get(name) != pin]
    assert not differing, f"requirements-runtime.lock pins {differing} differently from requirements.lock ({FIX})"
    assert not [name for name in DEV_ONLY if name in runtime.pins]


def test_uv_lock_was_resolved_from_pyproject_and_exported_to_the_lock() -> None:
    packages = _uv_lock_packages()
    (project,) = [package for package in packages if package["name"] == "aidiscover"]
    locked = {
        (entry["name"], entry.get("specifier", ""), tuple(sorted(entry.get("extras", []))), entry.get("marker"))
        for entry in project["metadata"]["requires-dist"]
    }
    pyproject = tomllib.loads(PYPROJECT.read_text())["project"]
    declared = set()
    for extra, texts in [(None, pyproject["dependencies"]), *pyproject.get("optional-dependencies", {}).items()]:
        for requirement in map(Requirement, texts):
            marker = None if extra is None else f"extra == '{extra}'"
            extras = tuple(sorted(requirement.extras))
            declared.add((canonicalize_name(requirement.name), str(requirement.specifier), extras, marker))
    assert locked == declared, f"uv.lock was resolved from other dependencies ({FIX})"
    versions = {package["name"]: package["version"] for package in packages if package["name"] != "aidiscover"}
    exported = {name: pin.version for name, pin in parse_lock(LOCK.read_text()).pins.items()}
    assert exported == versions, f"requirements.lock is not uv.lock's export ({FIX})"


def test_a_dependency_added_without_relocking_is_reported() -> None:
    pyproject = PYPROJECT.read_text().replace("dependencies = [\n", 'dependencies = [\n    "pendulum>=3.0",\n', 1)
    problems = disagreements(pyproject, LOCK.read_text(), ("dev",))
    assert any(problem.startswith("the lock was made from other dependencies") for problem in problems)
    assert "pendulum is declared in pyproject.toml but not pinned in the lock" in problems


def test_a_lock_from_another_pyproject_is_reported() -> None:
    lock = re.sub(r"(?m)^# pyproject-sha256: [0-9a-f]{64}$", "# pyproject-sha256: " + "0" * 64, LOCK.read_text())
    assert disagreements(PYPROJECT.read_text(), lock, ("dev",)) == [
        f"the lock was made from other dependencies (pyproject-sha256 {'0' * 64}, "
        f"now {pyproject_digest(PYPROJECT.read_text())})"
    ]


def test_a_pin_outside_the_declared_range_and_a_pin_without_hash_are_reported() -> None:
    lock = LOCK.read_text()
    redis = parse_lock(lock).pins["redis"]
    pyproject = PYPROJECT.read_text().replace('"redis>=5.0"', '"redis>=99"')
    unhashed = re.sub(r"(?m)^(idna==[^\s]+) \\\n(\s+--hash=.*\n)+", r"\1\n", lock)
    problems = disagreements(pyproject, unhashed, ("dev",))
    assert f"redis=={redis.version} is outside pyproject.toml's redis>=99" in problems
    assert any(problem.startswith("idna==") and problem.endswith("has no --hash") for problem in problems)
