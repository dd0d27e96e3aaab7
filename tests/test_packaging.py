"""The wheel holds the product and nothing else: the six packages app, web, ingest, queries, graph and core.

The development clouds (``devclouds``: moto, the local Azure and GCP servers, the estate generators, the
scripted LLM server), the tests and the benchmarks stay in the source checkout. The wheel is built the way
the Makefile installs the project (``pip wheel --no-deps --no-build-isolation``), from a copy of the
checkout, so no ``build/`` directory left by an earlier build can add or hide a file.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = {"app", "core", "graph", "ingest", "queries", "web"}
_EVERYWHERE = shutil.ignore_patterns("*.egg-info", "node_modules", "__pycache__", ".*_cache")
_AT_ROOT = {".git", ".data", ".venv", "build", "dist"}  # web/static/dist (the viewer bundle) is product


def not_copied(directory: str, names: list[str]) -> set[str]:
    """Leave out the checkout's data, virtualenv and build output; keep everything a build reads."""
    skipped = set(_EVERYWHERE(directory, names))
    return skipped | (_AT_ROOT & set(names)) if Path(directory) == ROOT else skipped


@pytest.fixture(scope="module")
def wheel_files(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "src"
    shutil.copytree(ROOT, source, ignore=not_copied)
    out = tmp / "out"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", ".", "-w", str(out)],
        cwd=source,
        check=True,
        capture_output=True,
        timeout=240,
    )
    (wheel,) = out.glob("aidiscover-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        return zf.namelist()


def top_level(name: str) -> str:
    return name.split("/", 1)[0]


def test_the_wheel_ships_only_the_six_product_packages(wheel_files: list[str]) -> None:
    counts = Counter(top_level(n) for n in wheel_files)
    print("\nwheel files per top-level entry:", dict(sorted(counts.items())))
    packages = {top for top in counts if not top.endswith(".dist-info")}
    assert packages == PRODUCT
    assert all(counts[p] > 0 for p in PRODUCT)


def test_the_wheel_holds_no_emulator_estate_or_test_module(wheel_files: list[str]) -> None:
    words = ("devclouds", "emulator", "estate", "moto_server", "llm_server", "conftest", "tests/", "bench/")
    leaked = sorted(n for n in wheel_files if any(w in n for w in words))
    assert leaked == [], f"development modules in the wheel: {leaked}"
    assert not any(n.startswith("test_") or "/test_" in n for n in wheel_files)
