"""Every published payload under tests/fixtures/real names its source and licence in its cloud's SOURCES.md."""

from __future__ import annotations

from pathlib import Path

import pytest

REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real"


@pytest.mark.parametrize("cloud", ["gcp", "aws"])
def test_every_payload_is_listed_with_a_licence(cloud: str) -> None:
    sources = (REAL / cloud / "SOURCES.md").read_text()
    rows = {
        line.split("|")[1].strip(): line for line in sources.splitlines() if line.startswith("| ") and ".json" in line
    }
    files = {str(p.relative_to(REAL / cloud)) for p in (REAL / cloud).glob("*/*.json")}
    assert files
    assert files == set(rows)
    assert all("Apache-2.0" in rows[f] or "CC-BY-4.0" in rows[f] for f in files)
