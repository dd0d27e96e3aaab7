"""The graph schema, declared once as data. ``SCHEMA`` is the value everything else is generated from."""

from __future__ import annotations

from graph.schema import aws
from graph.schema.common import RESOURCE_PROPERTIES, STAMP_PROPERTIES
from graph.schema.model import RESOURCE_LABEL, NodeKind, Property, PropType, RelType, Schema

SCHEMA = Schema(common=RESOURCE_PROPERTIES, nodes=aws.NODES, relationships=aws.RELATIONSHIPS)

__all__ = [
    "RESOURCE_LABEL",
    "SCHEMA",
    "STAMP_PROPERTIES",
    "NodeKind",
    "PropType",
    "Property",
    "RelType",
    "Schema",
]
