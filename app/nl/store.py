"""LlamaIndex's ``Neo4jPropertyGraphStore`` without APOC, its schema filled from ``graph.schema``.

Built with ``refresh_schema=False`` (its refresh calls ``apoc.meta.data``, which Community Edition here
does not have) and ``create_indexes=False`` (it would create constraints of its own). The only query it
runs when built is ``CALL dbms.components()`` (its version check). ``structured_schema`` is then set
from our declaration, without the labels natural-language questions may not read, so LlamaIndex
components (e.g. a ``TextToCypherRetriever``) see the same schema our prompt does. Queries our
pipeline runs never go through the store: they go through ``app.nl.gate``.
"""

from __future__ import annotations

from llama_index.graph_stores.neo4j import Neo4jPropertyGraphStore

from app.nl.scope import HIDDEN_LABELS
from core.settings import Settings
from graph.schema import SCHEMA, Schema
from graph.schema.types import PROP_TYPES

_TYPES = {name: mapping.neo4j for name, mapping in PROP_TYPES.items()}


def structured_schema(schema: Schema = SCHEMA) -> dict[str, object]:
    """The store's schema shape: node_props, rel_props, relationships (and no metadata)."""
    node_props = {
        kind.label: [{"property": p.name, "type": _TYPES[p.type]} for p in schema.properties_of(kind.label)]
        for kind in schema.nodes
        if kind.label not in HIDDEN_LABELS
    }
    rel_props: dict[str, list[dict[str, str]]] = {}
    for rel in schema.relationships:
        if rel.properties:
            rel_props[rel.type] = [{"property": p.name, "type": _TYPES[p.type]} for p in rel.properties]
    relationships = [
        {"start": rel.source, "type": rel.type, "end": rel.target}
        for rel in schema.relationships
        if rel.source not in HIDDEN_LABELS and rel.target not in HIDDEN_LABELS
    ]
    return {"node_props": node_props, "rel_props": rel_props, "relationships": relationships, "metadata": {}}


def property_graph_store(settings: Settings) -> Neo4jPropertyGraphStore:
    store = Neo4jPropertyGraphStore(
        username=settings.neo4j.user,
        password=settings.neo4j.password,
        url=settings.neo4j.uri,
        database=settings.neo4j.database,
        refresh_schema=False,
        create_indexes=False,
        timeout=settings.llm.query_timeout,
    )
    store.structured_schema = structured_schema(SCHEMA)
    return store
