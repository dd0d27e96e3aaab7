"""Reading findings: filtered, paged (severity first, then id) and counted by severity."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

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
