"""Generated documentation, kept in the repository and checked for drift by tests.

python -m app.docs      (or `make docs`) rewrites:
  docs/configuration.md every setting: its environment variable, default and description
  docs/coverage.md      every kind and relationship type per provider, from the schema declaration
  app/api/schema.graphql the GraphQL schema
  web/bloom/ai-discover.json  the Neo4j Bloom perspective
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from app.api.schema import SCHEMA_FILE, export_sdl
from core.settings import AREAS, PROJECT_ROOT, DataDirSettings, settings_table
from graph.schema import SCHEMA, Schema
from web.perspective import PERSPECTIVE_FILE, render

CONFIGURATION = PROJECT_ROOT / "docs" / "configuration.md"
COVERAGE = PROJECT_ROOT / "docs" / "coverage.md"
PROVIDER_NAMES = {"aws": "AWS", "azure": "Azure", "gcp": "GCP", "any": "Any provider"}


def config_table() -> str:
    """One table per settings area, headed by its attribute on ``Settings`` and what the area covers."""
    lines: list[str] = []
    area_of_row = None
    for row in settings_table():
        if row.area != area_of_row:
            area_of_row = row.area
            cls = AREAS[row.area] if row.area else DataDirSettings
            summary = (cls.__doc__ or "").strip().splitlines()[0]
            attribute = f"settings.{row.area}" if row.area else "settings.data_dir"
            if lines:
                lines.append("")
            lines += [f"## `{attribute}` ({cls.__name__})", "", summary, ""]
            lines += ["| Variable | Default | What it does |", "|---|---|---|"]
        default = f"`{row.default}`" if row.default else ""
        lines.append(f"| `{row.env}` | {default} | {row.description} |")
    return "\n".join(lines) + "\n"


def configuration_markdown() -> str:
    """docs/configuration.md: how settings are read, then one table per settings area (``core.settings``)."""
    lines = [
        "# Configuration",
        "",
        "Generated from the settings declared in `core/settings/` by `make docs`; a test fails when it drifts.",
        "Every setting is an environment variable, read when a process starts; `aidiscover config` prints them",
        "with their defaults. A malformed value stops the process with one line naming the variable and what it",
        "accepts. Names are `AIDISCOVER_<FIELD>`, except the variables other tools share (`NEO4J_*`, `REDIS_URL`,",
        "`JAVA_HOME` and boto3's `AWS_*`). In Python the settings are grouped by area, one model each",
        "(`settings.neo4j.uri`, `settings.llm.model`); code takes the area it reads, not the whole `Settings`.",
        "",
    ]
    return "\n".join(lines) + "\n" + config_table()


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
    for path, text in ((CONFIGURATION, configuration_markdown()), (COVERAGE, coverage_markdown())):
        target = root / path.relative_to(PROJECT_ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    SCHEMA_FILE.write_text(export_sdl())
    bloom = root / PERSPECTIVE_FILE.relative_to(PROJECT_ROOT)
    bloom.parent.mkdir(parents=True, exist_ok=True)
    bloom.write_text(render())


if __name__ == "__main__":
    write_all()
