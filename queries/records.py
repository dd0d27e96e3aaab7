"""Typed records that queries return, converted from Neo4j's values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import neo4j
import neo4j.time

from graph.rows import PropValue
from graph.schema import RESOURCE_LABEL


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
        pairs = []
        for item in raw if isinstance(raw, tuple) else ():
            key, _, value = item.partition("=")
            pairs.append((key, value))
        return tuple(pairs)


def to_python(value: object) -> PropValue:
    """Neo4j property value -> our property value (temporal types to datetime, lists to tuples)."""
    if isinstance(value, neo4j.time.DateTime):
        return value.to_native()
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    if value is None or isinstance(value, str | int | float | bool | datetime):
        return value
    return str(value)


def node_record(node: neo4j.graph.Node) -> NodeRecord:
    labels = set(node.labels)
    is_resource = RESOURCE_LABEL in labels
    specific = sorted(labels - {RESOURCE_LABEL})
    props = {key: to_python(value) for key, value in node.items()}
    return NodeRecord(
        id=str(props.get("id", node.element_id)),
        kind=specific[0] if specific else RESOURCE_LABEL,
        is_resource=is_resource,
        properties=props,
    )
