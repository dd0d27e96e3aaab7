"""The graph schema, declared once as data. ``SCHEMA`` is the value everything else is generated from.

Each provider area declares its kinds in its own module; they are combined here.
"""

from __future__ import annotations

from graph.schema import (
    accounts,
    aws,
    aws_compute,
    aws_data,
    aws_edge,
    aws_events,
    aws_identity,
    aws_network,
    azure,
    dependencies,
    dependency_edges,
    findings,
    gcp,
    gcp_storage,
    jobs,
    links,
    references,
)
from graph.schema.common import RESOURCE_PROPERTIES, STAMP_PROPERTIES
from graph.schema.model import RESOURCE_LABEL, NodeKind, Property, PropType, RelType, Schema

_MODULES = (
    aws,
    aws_network,
    aws_compute,
    aws_data,
    aws_identity,
    aws_edge,
    aws_events,
    azure,
    gcp,
    gcp_storage,
    links,
    references,
    accounts,
    dependencies,
    dependency_edges,
    findings,
    jobs,
)

SCHEMA = Schema(
    common=RESOURCE_PROPERTIES,
    nodes=tuple(kind for module in _MODULES for kind in module.NODES),
    relationships=tuple(rel for module in _MODULES for rel in module.RELATIONSHIPS),
)

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
