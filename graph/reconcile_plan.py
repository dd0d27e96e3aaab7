"""What the reconciling writer's first phase decided (``Plan``) and what its second did (``Reconciled``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graph.rows import EdgeRow

__all__ = ["NodeKey", "Plan", "Reconciled"]

NodeKey = tuple[str, str]  # (label, id)


@dataclass(frozen=True)
class Plan:
    """What ``stage`` decided and ``finish`` needs: JSON-able (it waits in Redis between a worker's phases)."""

    nodes: int  # node rows in sync: written or unchanged
    written: int  # node rows written (new or changed)
    vanished: tuple[NodeKey, ...]  # nodes the scopes held that the rows no longer have
    edges: tuple[EdgeRow, ...]  # edges to reconcile (of the sources below) or to write (from outside the rows)
    references: tuple[EdgeRow, ...]  # the same for references (edges to what the graph may not hold)
    sources: tuple[tuple[str, str, str], ...]  # (label, id, edges hash) of sources whose edges changed
    unchanged_edges: int  # edge and reference rows of sources whose edges hash matched: nothing to do
    digest: str | None = None  # of the unit's rows (graph.digest), recorded by finish when the sync is complete
    expected: tuple[int, ...] | None = None  # the scopes' write counters this sync expects (None: another wrote)
    unchanged: bool = False  # the scopes held this digest: nothing was read row by row
    full: bool = False  # a full reconcile: every row and every source's edges compared with the graph

    def to_json(self) -> dict[str, object]:
        return {
            "nodes": self.nodes,
            "written": self.written,
            "vanished": [list(v) for v in self.vanished],
            "sources": [list(s) for s in self.sources],
            "unchanged_edges": self.unchanged_edges,
            "digest": self.digest,
            "expected": None if self.expected is None else list(self.expected),
            "unchanged": self.unchanged,
            "full": self.full,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object], edges: tuple[EdgeRow, ...], references: tuple[EdgeRow, ...]) -> Plan:
        vanished = data.get("vanished") or []
        sources = data.get("sources") or []
        expected = data.get("expected")
        digest = data.get("digest")
        assert isinstance(vanished, list)
        assert isinstance(sources, list)
        assert expected is None or isinstance(expected, list)
        return cls(
            int(str(data.get("nodes", 0))),
            int(str(data.get("written", 0))),
            tuple((str(a), str(b)) for a, b in vanished),
            edges,
            references,
            tuple((str(a), str(b), str(c)) for a, b, c in sources),
            int(str(data.get("unchanged_edges", 0))),
            None if digest is None else str(digest),
            None if expected is None else tuple(int(str(w)) for w in expected),
            bool(data.get("unchanged", False)),
            bool(data.get("full", False)),
        )


@dataclass(frozen=True)
class Reconciled:
    """What ``finish`` did."""

    edges: int  # edges and references in sync: written or unchanged
    written_edges: int
    skipped_edges: int  # edges (references not counted) not written: an end is missing
    removed_nodes: int
    removed_edges: int
