"""GraphQL object types generated from the schema declaration: one per node kind.

Each kind's type implements ``Resource`` (or only ``GraphNode`` for parts of resources) and gets a
typed, documented field for every declared property; descriptions come from the declaration, so the
GraphQL docs never drift from the graph.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from app.api.types import GraphNode, Resource, Tag
from graph.schema import SCHEMA, NodeKind, PropType
from queries.records import NodeRecord

_GQL_TYPES: dict[PropType, object] = {
    "string": str | None,
    "int": int | None,
    "float": float | None,
    "bool": bool | None,
    "string[]": list[str] | None,
    "datetime": datetime | None,
}
_BASE_FIELDS = {"id", "kind", "provider", "account", "region", "name", "tags", "first_seen", "last_seen"}


def _make_type(kind: NodeKind) -> type:
    base: type = Resource if kind.resource else GraphNode
    annotations: dict[str, object] = {}
    namespace: dict[str, Any] = {}
    for prop in kind.properties:
        if prop.secret or (prop.name in _BASE_FIELDS and (kind.resource or prop.name in {"id", "kind"})):
            continue
        annotations[prop.name] = _GQL_TYPES[prop.type]
        namespace[prop.name] = strawberry.field(default=None, description=prop.description)
    namespace["__annotations__"] = annotations
    namespace["__module__"] = __name__
    cls = type(kind.label, (base,), namespace)
    return strawberry.type(cls, description=kind.description)


NODE_TYPES: dict[str, type] = {kind.label: _make_type(kind) for kind in SCHEMA.nodes}


def to_graphql(record: NodeRecord) -> GraphNode:
    """Build the typed GraphQL object for a node read from the graph."""
    cls = NODE_TYPES.get(record.kind)
    if cls is None:
        raise LookupError(f"no GraphQL type for label {record.kind!r}; declare it in graph/schema")
    kind = SCHEMA.node(record.kind)
    hidden = {p.name for p in kind.properties if p.secret}  # ciphertext never leaves the server
    raw = {k: v for k, v in record.properties.items() if k not in hidden}
    values: dict[str, object] = {"id": strawberry.ID(record.id), "kind": record.kind, "raw": raw}
    if kind.resource:
        values.update(
            provider=record.str_prop("provider") or "",
            account=record.str_prop("account") or "",
            region=record.str_prop("region") or "",
            name=record.str_prop("name") or record.id,
            tags=[Tag(key=k, value=v) for k, v in record.tags],
            first_seen=record.time_prop("first_seen"),
            last_seen=record.time_prop("last_seen"),
        )
    for prop in kind.properties:
        if prop.name not in values and prop.name != "raw" and not prop.secret:
            value = record.properties.get(prop.name)
            values[prop.name] = list(value) if isinstance(value, tuple) else value
    node: GraphNode = cls(**values)
    return node
