"""docs/coverage.md is generated from the schema declaration and must not drift."""

from __future__ import annotations

from app.docs import COVERAGE, coverage_markdown
from graph.schema import SCHEMA


def test_coverage_md_matches_the_schema_declaration() -> None:
    assert COVERAGE.read_text() == coverage_markdown(), "run `make docs` and commit docs/coverage.md"


def test_coverage_lists_every_kind_and_relationship() -> None:
    text = coverage_markdown()
    for kind in SCHEMA.nodes:
        assert f"| {kind.label}" in text
    for rel in SCHEMA.relationships:
        assert f"`{rel.type}` → {rel.target}" in text
