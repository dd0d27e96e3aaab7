"""Typed results shared by the analysis queries: compact node references and path steps."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Cypher map projection giving what a NodeRef needs (one row per node, no full property maps).
REF_FIELDS = ".id, .kind, .name, .provider, .account, .region"
REF_PROJECTION = "{" + REF_FIELDS + "}"


@dataclass(frozen=True)
class NodeRef:
    """A resource as analysis results name it: enough to show and to fetch the rest by id."""

    id: str
    kind: str
    name: str
    provider: str
    account: str
    region: str

    @classmethod
    def from_row(cls, row: Mapping[str, object]) -> NodeRef:
        node_id = str(row["id"])

        def text(key: str) -> str:
            value = row.get(key)
            return str(value) if value is not None else ""

        return cls(node_id, text("kind"), text("name") or node_id, text("provider"), text("account"), text("region"))


@dataclass(frozen=True)
class PathStep:
    """One hop of a path, in walking order. ``edge_forward`` is False when the stored relationship points from
    ``to_id`` back to ``from_id``. ``via`` names the node that explains a compound hop (e.g. the allowing rule)."""

    from_id: str
    to_id: str
    type: str = field(metadata={"doc": "Relationship type, or a compound hop such as ALLOWED_BY_SECURITY_GROUP."})
    edge_forward: bool = field(metadata={"doc": "False when the stored relationship points to_id -> from_id."})
    via: str | None = field(
        default=None,
        metadata={"doc": "What explains the hop: the allowing rule of a compound or derived edge, the mapping..."},
    )
    reason: str | None = field(default=None, metadata={"doc": "Why a derived edge holds, in words."})


@dataclass(frozen=True)
class Reached:
    """A node reached by a traversal: how far from the start, and one shortest path to it."""

    node: NodeRef
    distance: int
    path: tuple[PathStep, ...]
    status: str | None = field(
        default=None,
        metadata={"doc": "Blast radius and dependents: 'down' (it cannot work) or 'degraded' (it works with less)."},
    )
    direct: bool | None = field(
        default=None, metadata={"doc": "Blast radius and dependents: no other casualty lies between it and the root."}
    )
