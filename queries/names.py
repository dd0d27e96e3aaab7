"""A resource named by a person: an id, or a name narrowed by kind, provider, account and region.

``resolve`` returns the one resource the reference names. When a name matches several resources (the
same database name in two accounts, or in three clouds) it never picks one: it raises
:class:`AmbiguousNameError` with every candidate (kind, provider, account, region, id), so the caller can ask
back or narrow the reference.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import QueryInputError
from graph.neo4j.client import Graph
from queries.model import REF_PROJECTION, NodeRef

__all__ = ["MAX_CANDIDATES", "AmbiguousNameError", "NameQuery", "candidates", "resolve"]

MAX_CANDIDATES = 50


@dataclass(frozen=True)
class NameQuery:
    """An id or a name, with optional narrowing."""

    text: str
    kind: str | None = None
    provider: str | None = None
    account: str | None = None
    region: str | None = None


class AmbiguousNameError(QueryInputError):
    """A name matches several resources; ``candidates`` lists them."""

    def __init__(self, query: NameQuery, found: tuple[NodeRef, ...]) -> None:
        listed = "; ".join(f"{c.kind} {c.name} in {c.provider} {c.account} {c.region} (id {c.id})" for c in found)
        super().__init__(
            f"{len(found)} resources are named {query.text!r}: {listed}. "
            "Give the id, or narrow by kind, provider, account or region."
        )
        self.query = query
        self.candidates = found


_FIND = (
    "MATCH (n:Resource) WHERE (n.id = $text OR n.name = $text OR toLower(n.name) = toLower($text)) "
    "AND ($kind IS NULL OR n.kind = $kind) AND ($provider IS NULL OR n.provider = $provider) "
    "AND ($account IS NULL OR n.account = $account) AND ($region IS NULL OR n.region = $region) "
    f"RETURN n {REF_PROJECTION} AS n, n.id = $text AS by_id, n.name = $text AS exact "
    "ORDER BY by_id DESC, exact DESC, n.provider, n.account, n.region, n.kind, n.id LIMIT $limit"
)


def candidates(graph: Graph, query: NameQuery) -> tuple[NodeRef, ...]:
    """Every resource the reference may name: the one with that id, else those with that name (exact case
    first)."""
    rows = graph.read(
        _FIND,
        {
            "text": query.text,
            "kind": query.kind,
            "provider": query.provider,
            "account": query.account,
            "region": query.region,
            "limit": MAX_CANDIDATES,
        },
    )
    if rows and rows[0]["by_id"]:
        return (NodeRef.from_row(rows[0]["n"]),)
    exact = [r for r in rows if r["exact"]]
    return tuple(NodeRef.from_row(r["n"]) for r in (exact or rows))


def resolve(graph: Graph, query: NameQuery) -> NodeRef:
    """The one resource ``query`` names; raises AmbiguousNameError with the candidates, or QueryInputError if none."""
    found = candidates(graph, query)
    if not found:
        raise QueryInputError(f"no resource has the id or name {query.text!r}; look it up with the `resources` query")
    if len(found) > 1:
        raise AmbiguousNameError(query, found)
    return found[0]
