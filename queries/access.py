"""Who can act on a resource: the identities and workloads effective IAM access reaches it from.

Reads the derived ``HAS_ACCESS_TO`` edges (``queries.derived.access``): one per holder and allowing
statement, each with the statement's actions on the resource's kind, its condition and whether it names the
resource. Holders are grouped: every action and condition that reaches the resource from one holder.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.neo4j.client import Graph
from graph.schema.dependency_edges import HAS_ACCESS_TO
from queries.model import REF_PROJECTION, NodeRef

__all__ = ["Accessor", "who_can_access"]

_ACCESSORS = f"""
MATCH (h:Resource)-[r:{HAS_ACCESS_TO}]->(:Resource {{id: $id}})
WITH h, collect(r) AS grants
RETURN h {REF_PROJECTION} AS holder,
       reduce(acc = [], g IN grants | acc + coalesce(g.actions, [])) AS actions,
       [g IN grants WHERE g.condition IS NOT NULL | g.condition] AS conditions,
       any(g IN grants WHERE g.named) AS named,
       [g IN grants | g.reason] AS reasons
ORDER BY holder.kind, holder.name, holder.id
"""


@dataclass(frozen=True)
class Accessor:
    """``holder`` may act on the resource with ``actions`` (under ``conditions`` when any)."""

    holder: NodeRef
    actions: tuple[str, ...]
    conditions: tuple[str, ...]
    named: bool  # some grant names the resource (not only a wildcard match)
    reasons: tuple[str, ...]

    @property
    def conditional(self) -> bool:
        return bool(self.conditions)


def who_can_access(graph: Graph, resource_id: str) -> list[Accessor]:
    """Every identity and workload IAM lets act on ``resource_id``, with the actions and conditions."""
    return [
        Accessor(
            NodeRef.from_row(row["holder"]),
            tuple(sorted(set(map(str, row["actions"] or ())))),
            tuple(sorted(set(map(str, row["conditions"] or ())))),
            bool(row["named"]),
            tuple(str(r) for r in row["reasons"] or ()),
        )
        for row in graph.read(_ACCESSORS, {"id": resource_id})
    ]
