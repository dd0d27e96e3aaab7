"""References a transform could not resolve: edges whose end is not a node of the read, counted for the job.

A transform emits an edge for every reference in a payload; the writer only MERGEs edges whose both ends
exist. A reference to an id the read has no node for (a scale-set instance NIC, a resource in a
subscription or project not read, a deleted resource) would vanish silently: ``unresolved`` finds them
from the rows themselves, and ``unresolved_warning`` turns them into one line for the unit's warnings,
counted per relationship type with an example id each.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from graph.rows import Transformed

__all__ = ["Unresolved", "unresolved", "unresolved_warning"]


@dataclass(frozen=True)
class Unresolved:
    """A reference that did not become an edge: the relationship type and the id that is not a node."""

    type: str
    missing_id: str


def unresolved(rows: Transformed, known_ids: Iterable[str] = ()) -> tuple[Unresolved, ...]:
    """The edges of ``rows`` with an end that is neither a node of ``rows`` nor in ``known_ids``."""
    ids = {n.id for n in rows.nodes}
    ids.update(known_ids)
    out: list[Unresolved] = []
    for e in rows.edges:
        missing = e.target_id if e.target_id not in ids else e.source_id if e.source_id not in ids else None
        if missing is not None:
            out.append(Unresolved(e.type, missing))
    return tuple(out)


def unresolved_warning(unit: str, references: Iterable[Unresolved]) -> str | None:
    """One line counting ``references`` per type with an example missing id, or None when there are none."""
    edges = list(references)
    if not edges:
        return None
    counts = Counter(e.type for e in edges)
    example: dict[str, str] = {}
    for e in edges:
        example.setdefault(e.type, e.missing_id)
    parts = ", ".join(f"{t} x{n} (e.g. {example[t]})" for t, n in sorted(counts.items()))
    return (
        f"{unit}: {len(edges)} reference(s) to ids that are not nodes of this read were not written as edges: "
        f"{parts}; the target is outside what was read, deleted, or of a kind not discovered"
    )
