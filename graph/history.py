"""History of every resource: created / changed (which properties, old -> new) / deleted, per sync.

The writer compares in Cypher: ``node_merge_history_cypher`` captures a node's properties before it
SETs the new ones and returns, per batch, the nodes that were created or whose properties differ
(ignoring the stamps ``first_seen``/``last_seen``/``last_sync``). ``change_rows`` turns them into
``Change`` nodes written in the same transaction; cleanup writes a ``deleted`` Change before it
removes a stale node. A Change is not linked to its resource by a relationship but by
``resource_id``, so it outlives the resource. Its id is ``<resource id>|<generation>|<change>``: a
redelivered batch MERGEs the same Change, never a second one. Once its job is finished, retention folds
the records into ``ChangeSet`` nodes (``graph.history_sets``); ``prune_history`` drops Change nodes older than
the retention.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from neo4j import ManagedTransaction

from graph.neo4j.client import Graph
from graph.rows import EDGES_HASH_PROPERTY, HASH_PROPERTIES, HASH_PROPERTY
from graph.schema import RESOURCE_LABEL, STAMP_PROPERTIES, NodeKind

log = logging.getLogger(__name__)

ChangeType = Literal["created", "changed", "deleted"]
CHANGE_LABEL = "Change"
# Properties post-sync hooks set after the writer (graph.write replaces a node's properties each sync,
# the hook then sets them again): never a change of the resource. Areas with such hooks add theirs here.
DERIVED_PROPERTIES: frozenset[str] = frozenset({"monthly_cost_usd", "cost_basis"})
# Never reported as a change: the stamps, the key itself, and the derived properties.
IGNORED = sorted({*STAMP_PROPERTIES, *HASH_PROPERTIES, "id", *DERIVED_PROPERTIES})


@dataclass(frozen=True)
class ChangeRow:
    """One Change node's properties (old/new are JSON objects of the changed properties only)."""

    id: str
    resource_id: str
    resource_kind: str
    resource_name: str
    resource_account: str
    resource_region: str
    change: ChangeType
    properties: tuple[str, ...]
    old: str
    new: str

    def params(self) -> dict[str, object]:
        return {
            "id": self.id,
            "resource_id": self.resource_id,
            "resource_kind": self.resource_kind,
            "resource_name": self.resource_name,
            "resource_account": self.resource_account,
            "resource_region": self.resource_region,
            "change": self.change,
            "changed_properties": list(self.properties),
            "old": self.old,
            "new": self.new,
        }


def node_merge_history_cypher(kind: NodeKind) -> str:
    """MERGE a batch like ``graph.write.node_merge_cypher`` and also return what changed in it."""
    extra = f", n:{RESOURCE_LABEL}" if kind.resource else ""
    return (
        "UNWIND $rows AS row "
        f"MERGE (n:{kind.label} {{id: row.id}}) "
        "WITH n, row, properties(n) AS before "
        "SET n = row.props "
        f"SET n.id = row.id, n.first_seen = coalesce(before.first_seen, $at), n.last_seen = $at, "
        f"n.last_sync = $gen, n.{HASH_PROPERTY} = row.hash, "
        f"n.{EDGES_HASH_PROPERTY} = before.{EDGES_HASH_PROPERTY}{extra} "
        "WITH n, row, before, before.last_sync IS NULL AS created, "
        "[k IN keys(row.props) WHERE NOT k IN $ignore AND (before[k] IS NULL OR before[k] <> row.props[k])] + "
        "[k IN keys(before) WHERE NOT k IN $ignore AND NOT k IN keys(row.props)] AS changed "
        "WITH count(n) AS written, collect(CASE WHEN created OR size(changed) > 0 THEN {id: n.id, "
        "created: created, changed: changed, old: [k IN changed | before[k]], new: [k IN changed | n[k]], "
        "name: n.name, account: n.account, region: n.region} END) AS changes "
        "RETURN written, changes"
    )


def _json(keys: Iterable[str], values: Iterable[object]) -> str:
    return json.dumps(dict(zip(keys, values, strict=True)), default=str, sort_keys=True)


def change_rows(label: str, generation: int, found: Iterable[Mapping[str, object]]) -> list[dict[str, object]]:
    """Change parameters from what ``node_merge_history_cypher`` returned (a created node: no old/new)."""
    rows: list[dict[str, object]] = []
    for item in found:
        created = bool(item["created"])
        changed = [str(k) for k in item["changed"]] if not created else []  # type: ignore[attr-defined]
        kind: ChangeType = "created" if created else "changed"
        old = _json(changed, item["old"]) if not created else "{}"  # type: ignore[arg-type]
        new = _json(changed, item["new"]) if not created else "{}"  # type: ignore[arg-type]
        rid = str(item["id"])
        rows.append(
            ChangeRow(
                f"{rid}|{generation}|{kind}",
                rid,
                label,
                str(item.get("name") or ""),
                str(item.get("account") or ""),
                str(item.get("region") or ""),
                kind,
                tuple(sorted(changed)),
                old,
                new,
            ).params()
        )
    return rows


WRITE_CHANGES = (
    f"UNWIND $changes AS c MERGE (x:{CHANGE_LABEL} {{id: c.id}}) "
    "ON CREATE SET x += c, x.at = $at, x.generation = $gen, x.job_id = $job"
)


def write_changes(tx: ManagedTransaction, changes: list[dict[str, object]], at: datetime, gen: int, job: str) -> None:
    if changes:
        tx.run(WRITE_CHANGES, changes=changes, at=at, gen=gen, job=job).consume()


def deleted_change_clause(label: str) -> str:
    """Cypher fragment (after ``WITH n LIMIT $limit``) recording a ``deleted`` Change for ``n``."""
    return (
        f"MERGE (c:{CHANGE_LABEL} {{id: n.id + '|' + toString($gen) + '|deleted'}}) "
        f"ON CREATE SET c.resource_id = n.id, c.resource_kind = coalesce(n.kind, '{label}'), "
        "c.resource_name = coalesce(n.name, ''), c.resource_account = n.account, c.resource_region = n.region, "
        "c.change = 'deleted', c.changed_properties = [], c.old = '{}', c.new = '{}', c.at = $at, c.generation = $gen, "
        "c.job_id = $job "
        "WITH n "
    )


def prune_history(
    graph: Graph,
    retention_days: int,
    now: datetime | None = None,
    limit: int = 10_000,
    keep: int = 0,
    dry_run: bool = False,
) -> int:
    """Delete Change nodes older than ``retention_days`` (0: no age limit), then all but the ``keep`` most recent
    (0: no count limit); returns how many (with ``dry_run``: how many would be, deleting nothing)."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days) if retention_days > 0 else None
    if dry_run:
        return _doomed_changes(graph, cutoff, keep)
    total = 0
    if cutoff is not None:
        total += _delete_changes(
            graph,
            f"MATCH (c:{CHANGE_LABEL}) WHERE c.at < $cutoff WITH c LIMIT $limit DELETE c RETURN count(*) AS deleted",
            {"cutoff": cutoff, "limit": limit},
            limit,
        )
    if keep > 0:
        extra = count_changes(graph) - keep
        while extra > 0:  # the oldest first, a chunk at a time
            step = min(limit, extra)
            deleted = _delete_changes(
                graph,
                f"MATCH (c:{CHANGE_LABEL}) WITH c ORDER BY c.at, c.id LIMIT $limit DELETE c RETURN count(*) AS deleted",
                {"limit": step},
                step + 1,
            )
            total += deleted
            extra -= deleted
            if deleted == 0:
                break
    if total:
        log.info("history: %s change record(s) pruned (older than %s days or beyond %s)", total, retention_days, keep)
    return total


def count_changes(graph: Graph, cutoff: datetime | None = None) -> int:
    where = "WHERE c.at < $cutoff " if cutoff is not None else ""
    return int(graph.read(f"MATCH (c:{CHANGE_LABEL}) {where}RETURN count(c) AS n", {"cutoff": cutoff})[0]["n"])


def _doomed_changes(graph: Graph, cutoff: datetime | None, keep: int) -> int:
    total = count_changes(graph)
    old = count_changes(graph, cutoff) if cutoff is not None else 0
    return old + max(0, total - old - keep) if keep > 0 else old


def _delete_changes(graph: Graph, cypher: str, params: dict[str, object], limit: int) -> int:
    """Run a LIMITed delete until it deletes fewer than ``limit``; returns how many it deleted."""
    total = 0
    while True:
        deleted = int(graph.write_tx(lambda tx: tx.run(cypher, params).single(strict=True)["deleted"]))
        total += deleted
        if deleted < limit:
            return total
