"""Constraints and indexes generated from the schema, created idempotently at start-up.

Every label gets a uniqueness constraint on ``id`` (without it each MERGE scans the label); the
``Resource`` label gets one too, plus indexes on the common properties used for filtering; each
property declared ``indexed`` gets a range index on its label.
"""

from __future__ import annotations

import logging

from graph.neo4j.client import Graph
from graph.schema import RESOURCE_LABEL, Schema

log = logging.getLogger(__name__)


def schema_statements(schema: Schema) -> list[str]:
    """The DDL for ``schema``, each statement idempotent (IF NOT EXISTS)."""
    statements = [
        f"CREATE CONSTRAINT {RESOURCE_LABEL.lower()}_id IF NOT EXISTS FOR (n:{RESOURCE_LABEL}) REQUIRE n.id IS UNIQUE"
    ]
    for prop in schema.common:
        if prop.indexed and prop.name != "id":
            statements.append(
                f"CREATE INDEX {RESOURCE_LABEL.lower()}_{prop.name} IF NOT EXISTS "
                f"FOR (n:{RESOURCE_LABEL}) ON (n.{prop.name})"
            )
    for kind in schema.nodes:
        base = kind.label.lower()
        statements.append(f"CREATE CONSTRAINT {base}_id IF NOT EXISTS FOR (n:{kind.label}) REQUIRE n.id IS UNIQUE")
        for prop in kind.properties:
            if prop.indexed and prop.name != "id":
                statements.append(
                    f"CREATE INDEX {base}_{prop.name} IF NOT EXISTS FOR (n:{kind.label}) ON (n.{prop.name})"
                )
    return statements


def ensure_schema(graph: Graph, schema: Schema) -> int:
    """Create every constraint and index of ``schema`` that is missing; return how many statements ran.
    One round trip when nothing is missing (every discovery and API start calls this)."""
    existing = {r["name"] for r in graph.read("SHOW CONSTRAINTS YIELD name")}
    existing |= {r["name"] for r in graph.read("SHOW INDEXES YIELD name")}
    missing = [s for s in schema_statements(schema) if s.split()[2] not in existing]
    for statement in missing:
        # Labels and property names come from the declared schema, checked to be plain identifiers.
        graph.write(statement)
    if missing:
        graph.write("CALL db.awaitIndexes(300)")
    log.info("schema ensured: %s constraints and indexes created", len(missing))
    return len(missing)
