"""Resource history kept compact: a finished job's ``Change`` records folded into one ``ChangeSet`` per account,
region and day.

The writer records a ``Change`` node per created, changed or deleted resource while a job runs (a redelivered batch
MERGEs the same record). Once the job is finished, ``fold_changes`` moves every record into the change set of its
account, region and UTC day (``<account>|<region>|<day>|<part>``, at most ``CHUNK`` records a part), as parallel
lists by position: ``resource_ids``, ``resource_kinds``, ``resource_names``, ``changes``, ``ats``,
``job_ids``, ``olds`` and ``news`` (the changed properties' values before and after, JSON
objects; the changed properties are their keys). Nothing is lost: ``queries.history`` reads a set as one record
per position, and a running job's ``Change`` records as they are. The history of an estate then costs a node per
account, region and day with changes, not one per resource change.

An older form of change set (one job's ``created`` records, ``change`` and ``at`` on the set, no per-position
lists of them) is still read: every per-position value falls back to the set's own.

``prune_sets`` applies the retention to the sets: records older than the age limit are dropped from their set
(the set goes once empty), and the oldest records beyond a count limit likewise.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from neo4j import ManagedTransaction

from graph.neo4j.client import Graph

__all__ = ["CHANGE_SET_LABEL", "CHUNK", "SET_ARRAYS", "count_records", "fold_changes", "prune_sets"]

log = logging.getLogger(__name__)

CHANGE_SET_LABEL = "ChangeSet"
CHUNK = 5_000  # records a change set holds at most (a day with more continues in the next part)
BATCH = 10_000  # Change records folded per transaction
# The per-position lists of a change set (``resource_ids`` is in both forms; the others may be missing).
SET_ARRAYS = (
    "resource_ids",
    "resource_kinds",
    "resource_names",
    "changes",
    "ats",
    "job_ids",
    "olds",
    "news",
)

# The oldest records of finished jobs (those of the jobs in $running stay: a running job may still MERGE them),
# taken with a write lock first so that two folds at once never fold a record twice.
_TAKE = (
    "MATCH (c:Change) WHERE c.at IS NOT NULL AND NOT coalesce(c.job_id, '') IN $running "
    "WITH c ORDER BY c.at, c.id LIMIT $batch "
    "SET c.folding = true "
    "RETURN c.id AS id, c.resource_id AS resource_id, coalesce(c.resource_kind, '') AS kind, "
    "coalesce(c.resource_name, '') AS name, coalesce(c.resource_account, '') AS account, "
    "coalesce(c.resource_region, '') AS region, coalesce(c.change, 'changed') AS change, c.at AS at, "
    "coalesce(c.job_id, '') AS job, coalesce(c.old, '{}') AS old, coalesce(c.new, '{}') AS new"
)
_LAST_PARTS = (
    f"UNWIND $keys AS k OPTIONAL MATCH (s:{CHANGE_SET_LABEL} {{day_key: k}}) "
    "WITH k, s ORDER BY s.part DESC WITH k, collect(s)[0] AS s "
    "RETURN k AS key, s.part AS part, coalesce(s.count, 0) AS count"
)
_APPEND = (
    f"UNWIND $sets AS g MERGE (s:{CHANGE_SET_LABEL} {{id: g.id}}) "
    "ON CREATE SET s.day_key = g.key, s.day = g.day, s.part = g.part, s.resource_account = g.account, "
    "s.resource_region = g.region, s.at = g.at, s.last_at = g.last_at, s.count = 0, "
    + ", ".join(f"s.{a} = []" for a in SET_ARRAYS)
    + " SET "
    + ", ".join(f"s.{a} = s.{a} + g.{a}" for a in SET_ARRAYS)
    + ", s.count = s.count + size(g.resource_ids), "
    "s.at = CASE WHEN g.at < s.at THEN g.at ELSE s.at END, "
    "s.last_at = CASE WHEN g.last_at > s.last_at THEN g.last_at ELSE s.last_at END"
)
_DELETE = "UNWIND $ids AS id MATCH (c:Change {id: id}) DELETE c"


@dataclass
class _Group:
    key: str
    account: str
    region: str
    day: str
    part: int
    lists: dict[str, list[object]] = field(default_factory=lambda: {a: [] for a in SET_ARRAYS})

    def params(self) -> dict[str, object]:
        ats: list[datetime] = self.lists["ats"]  # type: ignore[assignment]
        return {
            "id": f"{self.key}|{self.part}",
            "key": self.key,
            "day": self.day,
            "part": self.part,
            "account": self.account,
            "region": self.region,
            "at": min(ats),
            "last_at": max(ats),
            **self.lists,
        }


def _utc(value: object) -> datetime:
    native = value.to_native() if hasattr(value, "to_native") else value
    assert isinstance(native, datetime)
    return native.astimezone(UTC)


def _fold_batch(tx: ManagedTransaction, running: list[str], batch: int, chunk: int) -> int:
    records = list(tx.run(_TAKE, running=running, batch=batch))
    if not records:
        return 0
    keys: dict[str, tuple[str, str, str]] = {}
    for r in records:
        day = _utc(r["at"]).date().isoformat()
        keys.setdefault(f"{r['account']}|{r['region']}|{day}", (r["account"], r["region"], day))
    last = {r["key"]: (r["part"], int(r["count"])) for r in tx.run(_LAST_PARTS, keys=list(keys))}
    open_sets: dict[str, _Group] = {}
    filled: dict[str, int] = {}
    groups: list[_Group] = []
    for r in records:
        at = _utc(r["at"])
        key = f"{r['account']}|{r['region']}|{at.date().isoformat()}"
        group = open_sets.get(key)
        if group is None or filled[key] >= chunk:
            part, count = last.get(key, (None, 0))
            if group is None and part is not None and count < chunk:
                group, filled[key] = _Group(key, *keys[key], part=int(part)), count
            else:
                next_part = (group.part + 1) if group else (0 if part is None else int(part) + 1)
                group, filled[key] = _Group(key, *keys[key], part=next_part), 0
            open_sets[key] = group
            groups.append(group)
        values = (r["resource_id"], r["kind"], r["name"], r["change"], at, r["job"], r["old"], r["new"])
        for name, value in zip(SET_ARRAYS, values, strict=True):
            group.lists[name].append(value)
        filled[key] += 1
    tx.run(_APPEND, sets=[g.params() for g in groups]).consume()
    tx.run(_DELETE, ids=[r["id"] for r in records]).consume()
    return len(records)


def fold_changes(graph: Graph, running: Collection[str] = (), batch: int = BATCH, chunk: int = CHUNK) -> int:
    """Fold every ``Change`` record but those of the jobs ``running`` into the change sets of their account,
    region and day; returns how many records were folded."""
    ids, size, most = sorted(running), max(1, batch), max(1, chunk)
    total = 0
    while True:
        folded = int(graph.write_tx(lambda tx: _fold_batch(tx, ids, size, most)))
        total += folded
        if folded < size:
            break
    if total:
        log.info("history: %s change record(s) folded into change sets", total)
    return total


def count_records(graph: Graph, cutoff: datetime | None = None) -> int:
    """Records the change sets hold (with ``cutoff``: those recorded before it)."""
    if cutoff is None:
        query = f"MATCH (s:{CHANGE_SET_LABEL}) RETURN sum(coalesce(s.count, size(s.resource_ids))) AS n"
    else:
        query = (
            f"MATCH (s:{CHANGE_SET_LABEL}) WHERE s.at < $cutoff WITH s, s.ats AS ats "
            "RETURN sum(CASE WHEN ats IS NULL THEN size(s.resource_ids) "
            "ELSE size([t IN ats WHERE t < $cutoff]) END) AS n"
        )
    return int(graph.read(query, {"cutoff": cutoff})[0]["n"] or 0)


# Keep the positions row.keep of each set (the others are dropped); a set left empty goes (``_EMPTY``).
_KEEP = (
    f"UNWIND $rows AS row MATCH (s:{CHANGE_SET_LABEL} {{id: row.id}}) "
    "WITH s, row.keep AS keep, "
    + ", ".join(f"s.{a} AS {a}" for a in SET_ARRAYS)  # each list read once (indexing a stored one reads it whole)
    + " SET "
    + ", ".join(f"s.{a} = CASE WHEN {a} IS NULL THEN null ELSE [i IN keep | {a}[i]] END" for a in SET_ARRAYS)
    + ", s.count = size(keep) "
    "WITH s, keep, s.ats AS ats WHERE size(keep) > 0 AND ats IS NOT NULL "
    "SET s.at = reduce(m = ats[0], t IN ats | CASE WHEN t < m THEN t ELSE m END), "
    "s.last_at = reduce(m = ats[0], t IN ats | CASE WHEN t > m THEN t ELSE m END)"
)
_EMPTY = f"MATCH (s:{CHANGE_SET_LABEL}) WHERE s.count = 0 DELETE s"


@dataclass(frozen=True)
class _Stored:
    id: str
    ats: tuple[datetime, ...]  # by position


def _stored(graph: Graph, cutoff: datetime | None) -> list[_Stored]:
    where = "WHERE s.at < $cutoff " if cutoff is not None else ""
    rows = graph.read(
        f"MATCH (s:{CHANGE_SET_LABEL}) {where}RETURN s.id AS id, "
        "coalesce(s.ats, [i IN range(0, size(s.resource_ids) - 1) | s.at]) AS ats ORDER BY s.at, s.id",
        {"cutoff": cutoff},
    )
    return [_Stored(str(r["id"]), tuple(_utc(t) for t in r["ats"])) for r in rows]


def _keep(graph: Graph, rows: Sequence[tuple[str, list[int]]]) -> None:
    for start in range(0, len(rows), 100):
        params = {"rows": [{"id": i, "keep": k} for i, k in rows[start : start + 100]], "arrays": list(SET_ARRAYS)}
        graph.write(_KEEP, params)
    graph.write(_EMPTY)


def prune_sets(graph: Graph, cutoff: datetime | None, extra: int, dry_run: bool = False) -> int:
    """Drop the records older than ``cutoff`` (None: no age limit), then the ``extra`` oldest of those left;
    returns how many (with ``dry_run``: how many would be, changing nothing)."""
    dropped = 0
    rows: list[tuple[str, list[int]]] = []
    if cutoff is not None:
        for s in _stored(graph, cutoff):
            keep = [i for i, at in enumerate(s.ats) if at >= cutoff]
            if len(keep) < len(s.ats):
                rows.append((s.id, keep))
                dropped += len(s.ats) - len(keep)
    if extra > 0:
        aged = dict(rows)
        ordered = sorted(
            (at, s.id, i)
            for s in _stored(graph, None)
            for i, at in enumerate(s.ats)
            if s.id not in aged or i in aged[s.id]
        )
        gone: dict[str, set[int]] = {}
        for _, set_id, i in ordered[:extra]:
            gone.setdefault(set_id, set()).add(i)
        stored = {s.id: s for s in _stored(graph, None)} if gone else {}
        for set_id, positions in gone.items():
            base = aged.get(set_id, list(range(len(stored[set_id].ats))))
            aged[set_id] = [i for i in base if i not in positions]
            dropped += len(positions)
        rows = list(aged.items())
    if rows and not dry_run:
        _keep(graph, rows)
    return dropped
