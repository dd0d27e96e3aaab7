"""Reading findings: filtered, paged (severity first, then id), counted by severity and grouped for triage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from core.errors import QueryInputError
from graph.neo4j.client import Graph
from queries import cursors
from queries.findings.model import PROVIDERS, SEVERITIES

STATUSES = ("open", "resolved", "suppressed")
MAX_PAGE = 500
# Severity as a sortable number, computed in Cypher.
_RANK = "CASE f.severity " + " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(SEVERITIES)) + " ELSE 9 END"


@dataclass(frozen=True)
class FindingFilter:
    severities: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    resource_id: str | None = None
    accounts: tuple[str, ...] = ()

    def check(self) -> None:
        for name, values, allowed in (
            ("severity", self.severities, SEVERITIES),
            ("provider", self.providers, PROVIDERS),
            ("status", self.statuses, STATUSES),
        ):
            bad = [v for v in values if v not in allowed]
            if bad:
                raise QueryInputError(f"unknown {name} {bad[0]!r}; use one of: {', '.join(allowed)}")


@dataclass(frozen=True)
class FindingRecord:
    """One rule's verdict on one resource."""

    id: str = field(metadata={"doc": "'<rule id>:<resource id>'."})
    rule_id: str
    title: str
    severity: str
    provider: str
    status: str = field(metadata={"doc": "open, resolved or suppressed."})
    resource_id: str
    resource_kind: str | None
    resource_name: str | None
    account: str | None
    region: str | None
    first_seen: datetime | None
    last_seen: datetime | None
    resolved_at: datetime | None
    reopened_count: int
    suppressed_by: str | None
    path_ids: tuple[str, ...] = field(metadata={"doc": "Path rules: node ids from the internet to the asset."})
    path_rels: tuple[str, ...] = field(metadata={"doc": "Path rules: relationship types between those nodes."})
    remediation: str
    command: str = field(metadata={"doc": "The provider CLI command that fixes it (never run by us)."})
    benchmarks: tuple[str, ...]


@dataclass(frozen=True)
class FindingPage:
    items: tuple[FindingRecord, ...]
    total: int
    has_next: bool
    end_cursor: str | None


def encode_cursor(rank: int, finding_id: str) -> str:
    return cursors.encode("finding", f"{rank}:{finding_id}")


def cursor_of(record: FindingRecord) -> str:
    """The cursor that pages after ``record``."""
    rank = SEVERITIES.index(record.severity) if record.severity in SEVERITIES else 9
    return encode_cursor(rank, record.id)


def decode_cursor(cursor: str) -> tuple[int, str]:
    try:
        rank, finding_id = (cursors.decode("finding", cursor) or "").split(":", 1)
        return int(rank), finding_id
    except ValueError:
        raise QueryInputError(
            f"cursor {cursor!r} is not one this API returned; pass a pageInfo.endCursor value"
        ) from None


def _where(flt: FindingFilter) -> str:
    parts = ["true"]
    if flt.severities:
        parts.append("f.severity IN $severities")
    if flt.providers:
        parts.append("f.provider IN $providers")
    if flt.rules:
        parts.append("f.rule_id IN $rules")
    if flt.statuses:
        parts.append("f.status IN $statuses")
    if flt.accounts:
        parts.append("f.account IN $accounts")
    if flt.resource_id:
        parts.append("(f.resource_id = $resource_id OR $resource_id IN coalesce(f.path_ids, []))")
    return " AND ".join(parts)


def _params(flt: FindingFilter) -> dict[str, object]:
    return {
        "severities": list(flt.severities),
        "providers": list(flt.providers),
        "rules": list(flt.rules),
        "statuses": list(flt.statuses),
        "resource_id": flt.resource_id,
        "accounts": list(flt.accounts),
    }


def _native(value: object) -> datetime | None:
    native = value.to_native() if hasattr(value, "to_native") else value
    return native if isinstance(native, datetime) else None


def _record(props: dict[str, object]) -> FindingRecord:
    def text(name: str) -> str | None:
        value = props.get(name)
        return str(value) if value is not None else None

    def strings(name: str) -> tuple[str, ...]:
        value = props.get(name)
        return tuple(str(v) for v in value) if isinstance(value, list) else ()

    count = props.get("reopened_count")
    return FindingRecord(
        id=str(props["id"]),
        rule_id=str(props.get("rule_id") or ""),
        title=str(props.get("title") or ""),
        severity=str(props.get("severity") or ""),
        provider=str(props.get("provider") or ""),
        status=str(props.get("status") or ""),
        resource_id=str(props.get("resource_id") or ""),
        resource_kind=text("resource_kind"),
        resource_name=text("resource_name"),
        account=text("account"),
        region=text("region"),
        first_seen=_native(props.get("first_seen")),
        last_seen=_native(props.get("last_seen")),
        resolved_at=_native(props.get("resolved_at")),
        reopened_count=count if isinstance(count, int) else 0,
        suppressed_by=text("suppressed_by"),
        path_ids=strings("path_ids"),
        path_rels=strings("path_rels"),
        remediation=str(props.get("remediation") or ""),
        command=str(props.get("command") or ""),
        benchmarks=strings("benchmarks"),
    )


def search_findings(graph: Graph, flt: FindingFilter, first: int = 50, after: str | None = None) -> FindingPage:
    """Findings matching ``flt``, most severe first; page with ``first`` and ``after`` (a returned cursor)."""
    flt.check()
    if not 1 <= first <= MAX_PAGE:
        raise QueryInputError(f"first must be between 1 and {MAX_PAGE}; got {first}")
    where = _where(flt)
    params = _params(flt)
    total = graph.read(f"MATCH (f:Finding) WHERE {where} RETURN count(f) AS n", params)[0]["n"]
    after_rank, after_id = decode_cursor(after) if after else (-1, "")
    rows = graph.read(
        f"MATCH (f:Finding) WHERE {where} WITH f, {_RANK} AS rank "
        "WHERE rank > $after_rank OR (rank = $after_rank AND f.id > $after_id) "
        "RETURN properties(f) AS f, rank ORDER BY rank, f.id LIMIT $limit",
        {**params, "after_rank": after_rank, "after_id": after_id, "limit": first + 1},
    )
    items = tuple(_record(dict(r["f"])) for r in rows[:first])
    return FindingPage(
        items=items,
        total=int(total),
        has_next=len(rows) > first,
        end_cursor=cursor_of(items[-1]) if items else None,
    )


def finding_counts(graph: Graph, flt: FindingFilter) -> dict[str, int]:
    """How many findings match ``flt`` per severity (every severity present, zeros included)."""
    flt.check()
    rows = graph.read(
        f"MATCH (f:Finding) WHERE {_where(flt)} RETURN f.severity AS severity, count(f) AS n",
        _params(flt),
    )
    counts: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
    for row in rows:
        if row["severity"] in counts:
            counts[row["severity"]] = int(row["n"])
    return counts


def get_finding(graph: Graph, finding_id: str) -> FindingRecord | None:
    """One finding by its id ('<rule id>:<resource id>'), or None."""
    rows = graph.read("MATCH (f:Finding {id: $id}) RETURN properties(f) AS f", {"id": finding_id})
    return _record(dict(rows[0]["f"])) if rows else None


GroupBy = Literal["rule", "resource", "account", "provider", "severity", "status"]
GROUP_BY: tuple[GroupBy, ...] = ("rule", "resource", "account", "provider", "severity", "status")
# The property a group is keyed by, and the one that names it for people.
_GROUP_KEYS: dict[str, tuple[str, str]] = {
    "rule": ("f.rule_id", "f.title"),
    "resource": ("f.resource_id", "coalesce(f.resource_name, f.resource_id)"),
    "account": ("f.account", "f.account"),
    "provider": ("f.provider", "f.provider"),
    "severity": ("f.severity", "f.severity"),
    "status": ("f.status", "f.status"),
}
MAX_GROUPS = 1000


@dataclass(frozen=True)
class FindingGroup:
    """The findings sharing one value of the grouping (a rule, a resource, an account...)."""

    key: str = field(metadata={"doc": "The value grouped by: a rule id, resource id, account id, severity..."})
    label: str = field(metadata={"doc": "How people name it: the rule's title, the resource's name..."})
    count: int
    severity: str = field(metadata={"doc": "The most severe finding of the group."})
    kind: str | None = field(metadata={"doc": "The resource's kind, when grouped by resource."})


def finding_groups(graph: Graph, flt: FindingFilter, by: GroupBy, first: int = 100) -> tuple[FindingGroup, ...]:
    """The findings matching ``flt`` grouped ``by`` one of GROUP_BY: most severe group first, then largest."""
    flt.check()
    if by not in _GROUP_KEYS:
        raise QueryInputError(f"cannot group findings by {by!r}; use one of: {', '.join(GROUP_BY)}")
    if not 1 <= first <= MAX_GROUPS:
        raise QueryInputError(f"first must be between 1 and {MAX_GROUPS}; got {first}")
    key, label = _GROUP_KEYS[by]
    rows = graph.read(
        f"MATCH (f:Finding) WHERE {_where(flt)} "
        f"WITH {key} AS key, {label} AS label, f.resource_kind AS kind, {_RANK} AS rank "
        "WITH key, head(collect(label)) AS label, head(collect(kind)) AS kind, count(*) AS n, min(rank) AS rank "
        "RETURN key, label, kind, n, rank ORDER BY rank, n DESC, key LIMIT $limit",
        {**_params(flt), "limit": first},
    )
    return tuple(
        FindingGroup(
            key=str(r["key"] or ""),
            label=str(r["label"] or r["key"] or ""),
            count=int(r["n"]),
            severity=SEVERITIES[r["rank"]] if 0 <= r["rank"] < len(SEVERITIES) else "",
            kind=str(r["kind"]) if by == "resource" and r["kind"] else None,
        )
        for r in rows
    )
