"""Apply the derived-relationship rules of ``graph.schema.links`` for one account after a sync."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from neo4j import ManagedTransaction

from graph.neo4j.client import Graph
from graph.schema.links import LINK_RULES, LinkRule
from graph.write import SyncStamp

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LinkCounts:
    written: int
    removed: int


def link_cypher(rule: LinkRule) -> str:
    rel = rule.rel
    # Labels and types come from the declared rules (checked identifiers); values are parameters.
    return (
        f"MATCH (a:{rel.source} {{account: $account}}) {rule.match} "
        f"MERGE (a)-[r:{rel.type}]->(b) "
        "SET r.first_seen = coalesce(r.first_seen, $at), r.last_seen = $at, r.last_sync = $gen "
        + (f", {rule.set} " if rule.set else "")
        + "RETURN count(DISTINCT r) AS written"
    )


def stale_link_cypher(rule: LinkRule) -> str:
    rel = rule.rel
    return (
        f"MATCH (:{rel.source} {{account: $account}})-[r:{rel.type}]->(:{rel.target}) "
        "WHERE r.last_sync < $gen DELETE r RETURN count(*) AS removed"
    )


def apply_links(graph: Graph, account: str, stamp: SyncStamp, rules: Sequence[LinkRule] = LINK_RULES) -> LinkCounts:
    """MERGE every rule's edges for ``account``'s source nodes, then drop the ones this sync did not find."""
    params: dict[str, object] = {"account": account, "at": stamp.at, "gen": stamp.generation}
    written = removed = 0
    for rule in rules:
        written += _count(graph, link_cypher(rule), params, "written")
        removed += _count(graph, stale_link_cypher(rule), params, "removed")
    if written or removed:
        log.info("derived links for %s: %s written, %s stale removed", account, written, removed)
    return LinkCounts(written, removed)


def _count(graph: Graph, cypher: str, params: dict[str, object], column: str) -> int:
    def work(tx: ManagedTransaction) -> int:
        return int(tx.run(cypher, params).single(strict=True)[column])

    return graph.write_tx(work)
