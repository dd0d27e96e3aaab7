"""The committed GraphQL schema matches the code, and its docs come from the schema declaration."""

from __future__ import annotations

from app.api.schema import SCHEMA_FILE, export_sdl
from graph.schema import SCHEMA


def test_committed_schema_graphql_has_not_drifted() -> None:
    assert SCHEMA_FILE.read_text() == export_sdl(), "run `make schema` and commit app/api/schema.graphql"


def test_every_declared_kind_and_property_is_documented_in_graphql() -> None:
    sdl = " ".join(export_sdl().split())  # long descriptions are wrapped into block strings
    for kind in SCHEMA.nodes:
        at = sdl.index(f"type {kind.label} implements")
        assert sdl[:at].rstrip().removesuffix('"""').rstrip().endswith(kind.description), kind.label
        for prop in kind.properties:
            if prop.name == "id" or prop.secret:  # GraphNode.id documents every id; secrets are never exposed
                continue
            assert prop.description in sdl, f"{kind.label}.{prop.name} lacks its description"
