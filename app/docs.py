"""Generated documentation, kept in the repository and checked for drift by tests.

python -m app.docs      (or `make docs`) rewrites:
  README.md             the configuration table, between <!-- config:start --> and <!-- config:end -->
  docs/coverage.md      every kind and relationship type per provider, from the schema declaration
  app/api/schema.graphql the GraphQL schema
  web/bloom/ai-discover.json  the Neo4j Bloom perspective
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from core.settings import PROJECT_ROOT, settings_table
from graph.schema import SCHEMA, Schema

README = PROJECT_ROOT / "README.md"
COVERAGE = PROJECT_ROOT / "docs" / "coverage.md"
CONFIG_START, CONFIG_END = "<!-- config:start -->", "<!-- config:end -->"
PROVIDER_NAMES = {"aws": "AWS", "azure": "Azure", "gcp": "GCP", "any": "Any provider"}


def config_table() -> str:
    lines = ["| Variable | Default | What it does |", "|---|---|---|"]
    for row in settings_table():
        default = f"`{row.default}`" if row.default else ""
        lines.append(f"| `{row.env}` | {default} | {row.description} |")
    return "\n".join(lines) + "\n"


def readme_with_config(text: str) -> str:
    """``text`` with the configuration table between the markers replaced by the current one."""
    start, end = text.index(CONFIG_START), text.index(CONFIG_END)
    return text[: start + len(CONFIG_START)] + "\n" + config_table() + text[end:]


def coverage_markdown(schema: Schema = SCHEMA) -> str:
    lines = [
        "# Coverage",
        "",
        "Generated from the schema declaration in `graph/schema/` by `make docs`; a test fails when it drifts.",
        "Every node kind carries the common `Resource` properties (id, provider, account, region, kind, name, tags,",
        "first_seen, last_seen) unless marked *part*: a part of a resource (a rule, a statement, an entry).",
        "",
    ]
    by_provider: dict[str, list[str]] = defaultdict(list)
    for kind in schema.nodes:
        by_provider[kind.provider].append(kind.label)
    rels_by_source: dict[str, list[str]] = defaultdict(list)
    for rel in schema.relationships:
        rels_by_source[rel.source].append(f"`{rel.type}` → {rel.target}")
    for provider in ("aws", "azure", "gcp", "any"):
        labels = by_provider.get(provider)
        if not labels:
            continue
        kinds = [schema.node(label) for label in labels]
        edges = sum(len(rels_by_source[label]) for label in labels)
        lines += [f"## {PROVIDER_NAMES[provider]}: {len(kinds)} kinds, {edges} relationships (type, from, to)", ""]
        lines += ["| Kind | Service | What it is | Properties | Relationships |", "|---|---|---|---|---|"]
        for kind in kinds:
            part = " *part*" if not kind.resource else ""
            rels = "<br>".join(rels_by_source[kind.label]) or "—"
            lines.append(
                f"| {kind.label}{part} | {kind.service} | {kind.description} | {len(kind.properties)} | {rels} |"
            )
        lines.append("")
    return "\n".join(lines)


def write_all(root: Path = PROJECT_ROOT) -> None:
    from app.api.schema import SCHEMA_FILE, export_sdl

    readme = root / README.relative_to(PROJECT_ROOT)
    readme.write_text(readme_with_config(readme.read_text()))
    coverage = root / COVERAGE.relative_to(PROJECT_ROOT)
    coverage.parent.mkdir(parents=True, exist_ok=True)
    coverage.write_text(coverage_markdown())
    SCHEMA_FILE.write_text(export_sdl())
    from web.perspective import PERSPECTIVE_FILE, render

    bloom = root / PERSPECTIVE_FILE.relative_to(PROJECT_ROOT)
    bloom.parent.mkdir(parents=True, exist_ok=True)
    bloom.write_text(render())


if __name__ == "__main__":
    write_all()
