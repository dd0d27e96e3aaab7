"""Typed records that queries return, converted from Neo4j's values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

import neo4j
import neo4j.time

from graph.rows import HASH_PROPERTIES, PropValue
from graph.schema import RESOURCE_LABEL
from graph.seen import SeenStamps
from graph.tags import split_tag


@dataclass(frozen=True)
class NodeRecord:
    """A node as read from the graph: its kind (specific label), id and every property."""

    id: str
    kind: str
    is_resource: bool
    properties: Mapping[str, PropValue]

    def str_prop(self, name: str) -> str | None:
        value = self.properties.get(name)
        return value if isinstance(value, str) else None

    def time_prop(self, name: str) -> datetime | None:
        value = self.properties.get(name)
        return value if isinstance(value, datetime) else None

    @property
    def tags(self) -> tuple[tuple[str, str], ...]:
        """Tags as (key, value) pairs, split on the first '='."""
        raw = self.properties.get("tags") or ()
        return tuple(split_tag(item) for item in raw if isinstance(item, str)) if isinstance(raw, tuple) else ()


def to_python(value: object) -> PropValue:
    """Neo4j property value -> our property value (temporal types to datetime, lists to tuples)."""
    if isinstance(value, neo4j.time.DateTime):
        return value.to_native()
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    if value is None or isinstance(value, str | int | float | bool | datetime):
        return value
    return str(value)


def _kind(labels: Iterable[str]) -> tuple[str, bool]:
    """The specific label (the first other than Resource) and whether the node is a resource."""
    others = sorted(label for label in labels if label != RESOURCE_LABEL)
    return (others[0] if others else RESOURCE_LABEL), len(others) < len(set(labels))


def node_record(node: neo4j.graph.Node, seen: SeenStamps | None = None) -> NodeRecord:
    """``seen``: the scopes' stamps, so ``last_seen`` says when discovery last saw the node (``graph.seen``).
    The writer's content hashes are bookkeeping, not properties of the resource: left out."""
    kind, is_resource = _kind(node.labels)
    props = {key: to_python(value) for key, value in node.items() if key not in HASH_PROPERTIES}
    if seen is not None and "last_seen" in props:
        own = props["last_seen"]
        props["last_seen"] = seen.last_seen(
            node.labels, props.get("account"), props.get("region"), own if isinstance(own, datetime) else None
        )
    return NodeRecord(id=str(props.get("id", node.element_id)), kind=kind, is_resource=is_resource, properties=props)


def id_record(node_id: str, labels: Iterable[str]) -> NodeRecord:
    """A record with only the node's id, kind and labels (for reads that ask for nothing more)."""
    kind, is_resource = _kind(labels)
    return NodeRecord(id=str(node_id), kind=kind, is_resource=is_resource, properties={"id": str(node_id)})
