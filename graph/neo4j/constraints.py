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
    """Create every constraint and index of ``schema`` that is missing; return how many statements ran."""
    statements = schema_statements(schema)
    for statement in statements:
        # Labels and property names come from the declared schema, checked to be plain identifiers.
        graph.write(statement)
    graph.write("CALL db.awaitIndexes(300)")
    log.info("schema ensured: %s constraints and indexes", len(statements))
    return len(statements)
