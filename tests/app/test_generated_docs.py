"""The documentation: generated pages must not drift, and the README and docs/ must hold together.

docs/coverage.md and docs/configuration.md are generated (``python -m app.docs``); the README is a short page
for a newcomer that links every page under docs/, and every relative link and image in them must resolve.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.docs import CONFIGURATION, COVERAGE, configuration_markdown, coverage_markdown
from core.settings import ENV_NAMES, PROJECT_ROOT
from graph.schema import SCHEMA

README = PROJECT_ROOT / "README.md"
DOCS = PROJECT_ROOT / "docs"
PAGES = (README, *sorted(DOCS.glob("*.md")))
# [text](target) and ![alt](target); a target with a scheme (https:, mailto:) is not a file of the repository
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def test_coverage_md_matches_the_schema_declaration() -> None:
    assert COVERAGE.read_text() == coverage_markdown(), "run `make docs` and commit docs/coverage.md"


def test_coverage_lists_every_kind_and_relationship() -> None:
    text = coverage_markdown()
    for kind in SCHEMA.nodes:
        assert f"| {kind.label}" in text
    for rel in SCHEMA.relationships:
        assert f"`{rel.type}` → {rel.target}" in text


def test_configuration_md_has_one_row_per_setting() -> None:
    rows = [line for line in configuration_markdown().splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == list(ENV_NAMES.values())
    assert CONFIGURATION.read_text() == configuration_markdown(), "run `make docs` and commit docs/configuration.md"


def test_readme_is_a_short_page_without_the_configuration_table() -> None:
    text = README.read_text()
    assert len(text.splitlines()) < 150
    assert "| `AIDISCOVER_DATA_DIR` |" not in text, "the configuration table lives in docs/configuration.md"
    assert "(docs/configuration.md)" in text


def test_readme_links_every_page_under_docs() -> None:
    linked = set(LINK.findall(README.read_text()))
    missing = [page.name for page in DOCS.glob("*.md") if f"docs/{page.name}" not in linked]
    assert not missing, f"link these pages from the README's 'Where to read on': {missing}"


def _anchors(page: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    headings = re.findall(r"^#+ (.+)$", page.read_text(), re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_every_relative_link_and_image_resolves(page: Path) -> None:
    broken = []
    for target in LINK.findall(page.read_text()):
        if re.match(r"^[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        missing_anchor = bool(anchor) and file.suffix == ".md" and file.exists() and anchor not in _anchors(file)
        if not file.exists() or missing_anchor:
            broken.append(target)
    assert not broken, f"{page.name}: links to nothing: {broken}"
