"""Resource history: one resource's timeline, and what changed across the estate between two times.

Both read the ``Change`` nodes the writer records while a discovery job runs (``graph.history``), and the
``ChangeSet`` nodes retention folds them into once the job is finished (``graph.history_sets``: one per account,
region and day), as one record per resource change, old -> new values included: a resource's changes outlive the
resource, so a deleted one still has its timeline. ``CHANGE_ROWS`` is the same union for other readers' Cypher.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from core.errors import QueryInputError
from graph.history_sets import CHANGE_SET_LABEL
from graph.neo4j.client import Graph

__all__ = [
    "CHANGE_ROWS",
    "CHANGE_TYPES",
    "MAX_FIRST",
    "ChangeFilter",
    "ChangeRecord",
    "PropertyChange",
    "changes_between",
    "resource_history",
]

CHANGE_TYPES = ("created", "changed", "deleted")
MAX_FIRST = 1000


@dataclass(frozen=True)
class PropertyChange:
    """One property's value before and after (JSON; null when absent)."""

    name: str
    old: str  # JSON of the value before (null when absent)
    new: str  # JSON of the value after (null when removed)


@dataclass(frozen=True)
class ChangeRecord:
    """A resource created, changed or deleted by a discovery."""

    resource_id: str
    kind: str
    name: str
    account: str
    region: str
    change: str = field(metadata={"doc": "created, changed or deleted"})
    at: datetime
    job_id: str
    properties: tuple[PropertyChange, ...]


@dataclass(frozen=True)
class ChangeFilter:
    kinds: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    changes: tuple[str, ...] = ()

    def check(self) -> None:
        wrong = [c for c in self.changes if c not in CHANGE_TYPES]
        if wrong:
            raise QueryInputError(f"unknown change type(s) {wrong}; use {', '.join(CHANGE_TYPES)}")


_RETURN = (
    "RETURN c.resource_id AS resource_id, c.resource_kind AS kind, c.resource_name AS name, "
    "c.resource_account AS account, c.resource_region AS region, c.change AS change, c.at AS at, "
    "c.job_id AS job_id, c.changed_properties AS props, c.old AS old, c.new AS new, c.generation AS generation"
)
# A change set's lists, read once per set (indexing a stored list in Cypher reads the whole list each time);
# a list the older form lacks is empty and its record's value falls back to the set's own.
_SET_LISTS = (
    "WITH s, s.resource_ids AS ids, s.resource_kinds AS kinds, s.resource_names AS names, "
    "coalesce(s.changes, []) AS chs, coalesce(s.ats, []) AS ats, coalesce(s.job_ids, []) AS jobs, "
    "coalesce(s.olds, []) AS olds, coalesce(s.news, []) AS news"
)
_SET_CHANGE = "coalesce(chs[i], s.change)"
_SET_AT = "coalesce(ats[i], s.at)"
# The i-th record of a change set ``s`` (after ``_SET_LISTS``).
_SET_RETURN = (
    "RETURN ids[i] AS resource_id, kinds[i] AS kind, names[i] AS name, "
    f"s.resource_account AS account, s.resource_region AS region, {_SET_CHANGE} AS change, {_SET_AT} AS at, "
    "coalesce(jobs[i], s.job_id) AS job_id, null AS props, coalesce(olds[i], '{}') AS old, "
    "coalesce(news[i], '{}') AS new, s.generation AS generation"
)
# Every change record of both forms as a map ``n`` with the Change node's property names (for composed queries:
# ``CALL () { <CHANGE_ROWS> } WITH n WHERE n.at >= ...``).
CHANGE_ROWS = (
    "MATCH (c:Change) RETURN c {.resource_id, .resource_kind, .resource_name, .resource_account, "
    ".resource_region, .change, .at, .job_id, .generation} AS n UNION ALL "
    f"MATCH (s:{CHANGE_SET_LABEL}) {_SET_LISTS} UNWIND range(0, size(ids) - 1) AS i "
    "RETURN {resource_id: ids[i], resource_kind: kinds[i], resource_name: names[i], "
    f"resource_account: s.resource_account, resource_region: s.resource_region, change: {_SET_CHANGE}, "
    f"at: {_SET_AT}, job_id: coalesce(jobs[i], s.job_id), generation: s.generation}} AS n"
)
_COLUMNS = "resource_id, kind, name, account, region, change, at, job_id, props, old, new"


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _record(row: Mapping[str, Any]) -> ChangeRecord:
    old = json.loads(row["old"] or "{}")
    new = json.loads(row["new"] or "{}")
    names = row["props"] if row["props"] is not None else sorted({*old, *new})  # a folded record: the keys
    props = tuple(PropertyChange(name, json.dumps(old.get(name)), json.dumps(new.get(name))) for name in names)
    at = row["at"]
    return ChangeRecord(
        row["resource_id"],
        row["kind"] or "",
        row["name"] or "",
        row["account"] or "",
        row["region"] or "",
        row["change"],
        at.to_native() if hasattr(at, "to_native") else at,
        row["job_id"] or "",
        props,
    )


def resource_history(graph: Graph, resource_id: str, first: int = 100) -> list[ChangeRecord]:
    """The resource's changes, oldest first (created, changed ..., deleted)."""
    if not resource_id:
        raise QueryInputError("give the id of a resource (its ARN, Azure id or GCP name)")
    rows = graph.read(
        f"CALL () {{ MATCH (c:Change {{resource_id: $id}}) {_RETURN} UNION ALL "
        f"MATCH (s:{CHANGE_SET_LABEL}) WHERE $id IN s.resource_ids {_SET_LISTS} "
        f"UNWIND [i IN range(0, size(ids) - 1) WHERE ids[i] = $id] AS i {_SET_RETURN} }} "
        f"WITH * ORDER BY at, generation LIMIT $first RETURN {_COLUMNS}",
        {"id": resource_id, "first": max(1, min(first, MAX_FIRST))},
    )
    return [_record(r) for r in rows]


def changes_between(
    graph: Graph,
    since: datetime,
    until: datetime | None = None,
    flt: ChangeFilter | None = None,
    first: int = 200,
) -> list[ChangeRecord]:
    """What changed with ``since <= at <= until`` (until: now), oldest first, optionally filtered."""
    flt = flt or ChangeFilter()
    flt.check()
    start, end = _aware(since), _aware(until or datetime.now(UTC))
    if end < start:
        raise QueryInputError("`until` is before `since`; swap them")
    rows = graph.read(
        "CALL () { MATCH (c:Change) WHERE c.at >= $since AND c.at <= $until "
        "AND (size($kinds) = 0 OR c.resource_kind IN $kinds) "
        "AND (size($accounts) = 0 OR c.resource_account IN $accounts) "
        "AND (size($changes) = 0 OR c.change IN $changes) "
        f"{_RETURN} UNION ALL "
        f"MATCH (s:{CHANGE_SET_LABEL}) WHERE s.at <= $until AND coalesce(s.last_at, s.at) >= $since "
        "AND (size($accounts) = 0 OR s.resource_account IN $accounts) "
        f"{_SET_LISTS} UNWIND [i IN range(0, size(ids) - 1) WHERE {_SET_AT} >= $since AND {_SET_AT} <= $until "
        "AND (size($kinds) = 0 OR kinds[i] IN $kinds) "
        f"AND (size($changes) = 0 OR {_SET_CHANGE} IN $changes)] AS i {_SET_RETURN} }} "
        f"WITH * ORDER BY at, resource_id LIMIT $first RETURN {_COLUMNS}",
        {
            "since": start,
            "until": end,
            "kinds": list(flt.kinds),
            "accounts": list(flt.accounts),
            "changes": list(flt.changes),
            "first": max(1, min(first, MAX_FIRST)),
        },
    )
    return [_record(r) for r in rows]
