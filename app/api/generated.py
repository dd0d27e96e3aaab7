"""GraphQL object types generated from the schema declaration: one per node kind.

Each kind's type implements ``Resource`` (or only ``GraphNode`` for parts of resources) and gets a
typed, documented field for every declared property; descriptions come from the declaration, so the
GraphQL docs never drift from the graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import strawberry

from app.api.types import GraphNode, Resource, Tag
from graph.schema import SCHEMA, NodeKind, PropType
from graph.schema.types import PROP_TYPES
from queries.records import NodeRecord

_GQL_TYPES: dict[PropType, object] = {name: mapping.graphql for name, mapping in PROP_TYPES.items()}
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


@dataclass(frozen=True)
class _Shape:
    """What building one kind's object needs, worked out once per kind."""

    cls: type
    resource: bool
    hidden: frozenset[str]  # secret properties: ciphertext never leaves the server
    typed: tuple[str, ...]  # declared properties set as typed fields beyond the base ones


def _shape(kind: NodeKind) -> _Shape:
    hidden = frozenset(p.name for p in kind.properties if p.secret)
    base = {"id", "kind", "raw"} | (_BASE_FIELDS if kind.resource else set())
    typed = tuple(p.name for p in kind.properties if p.name not in base and not p.secret)
    return _Shape(NODE_TYPES[kind.label], kind.resource, hidden, typed)


_SHAPES: dict[str, _Shape] = {kind.label: _shape(kind) for kind in SCHEMA.nodes}


def to_graphql(record: NodeRecord) -> GraphNode:
    """Build the typed GraphQL object for a node read from the graph."""
    shape = _SHAPES.get(record.kind)
    if shape is None:
        raise LookupError(f"no GraphQL type for label {record.kind!r}; declare it in graph/schema")
    props = record.properties
    raw = {k: v for k, v in props.items() if k not in shape.hidden} if shape.hidden else dict(props)
    values: dict[str, object] = {"id": strawberry.ID(record.id), "kind": record.kind, "raw": raw}
    if shape.resource:
        values.update(
            provider=record.str_prop("provider") or "",
            account=record.str_prop("account") or "",
            region=record.str_prop("region") or "",
            name=record.str_prop("name") or record.id,
            tags=[Tag(key=k, value=v) for k, v in record.tags],
            first_seen=record.time_prop("first_seen"),
            last_seen=record.time_prop("last_seen"),
        )
    for name in shape.typed:
        value = props.get(name)
        values[name] = list(value) if isinstance(value, tuple) else value
    node: GraphNode = shape.cls(**values)
    return node
