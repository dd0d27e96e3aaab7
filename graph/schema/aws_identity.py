"""AWS identity node kinds and relationship types (being written: see issue 3)."""

from __future__ import annotations

from graph.schema.model import NodeKind, RelType

NODES: tuple[NodeKind, ...] = ()
RELATIONSHIPS: tuple[RelType, ...] = ()
