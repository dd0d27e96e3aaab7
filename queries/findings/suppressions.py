"""Suppressions: accepted risks that silence matching findings until they expire.

A suppression names a rule, a resource and/or a tag ``key=value`` (every part given must match) with a
reason and an expiry. ``apply_suppressions`` recomputes the status of every open or suppressed finding:
``suppressed`` (with ``suppressed_by``) while an unexpired suppression matches, ``open`` otherwise.
Resolved findings are left alone. It runs after each evaluation and after each change to suppressions.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from core.errors import QueryInputError
from graph.neo4j.client import Graph

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Suppression:
    """An accepted risk: matching findings are suppressed until it expires."""

    id: str
    reason: str
    expires_at: datetime
    created_by: str
    created_at: datetime
    rule_id: str | None = None
    resource_id: str | None = None
    tag: str | None = None

    def active(self, now: datetime) -> bool:
        return self.expires_at > now

    def matches(self, rule_id: str, resource_id: str, tags: tuple[str, ...]) -> bool:
        return (
            (self.rule_id is None or self.rule_id == rule_id)
            and (self.resource_id is None or self.resource_id == resource_id)
            and (self.tag is None or self.tag in tags)
        )


@dataclass(frozen=True)
class FindingKey:
    id: str
    rule_id: str
    resource_id: str
    tags: tuple[str, ...]
    status: str
    suppressed_by: str | None


def _as_datetime(value: object) -> datetime:
    native = value.to_native() if hasattr(value, "to_native") else value
    if not isinstance(native, datetime):
        raise TypeError(f"expected a datetime, got {type(value).__name__}")
    return native


def _suppression(props: dict[str, object]) -> Suppression:
    def opt(name: str) -> str | None:
        value = props.get(name)
        return str(value) if value else None

    return Suppression(
        id=str(props["id"]),
        reason=str(props.get("reason") or ""),
        expires_at=_as_datetime(props["expires_at"]),
        created_by=str(props.get("created_by") or ""),
        created_at=_as_datetime(props["created_at"]),
        rule_id=opt("rule_id"),
        resource_id=opt("resource_id"),
        tag=opt("tag"),
    )


def list_suppressions(graph: Graph, include_expired: bool = True, now: datetime | None = None) -> list[Suppression]:
    """Every suppression, soonest expiry first (without the expired ones unless ``include_expired``)."""
    rows = graph.read("MATCH (s:Suppression) RETURN properties(s) AS s ORDER BY s.expires_at, s.id")
    found = [_suppression(dict(r["s"])) for r in rows]
    when = now or datetime.now(UTC)
    return found if include_expired else [s for s in found if s.active(when)]


def check_suppression(
    rule_id: str | None, resource_id: str | None, tag: str | None, reason: str, expires_at: datetime, now: datetime
) -> None:
    """Raise QueryInputError with what to change when the suppression cannot be created."""
    from queries.findings.catalogue import BY_ID

    if not (rule_id or resource_id or tag):
        raise QueryInputError("a suppression needs a rule id, a resource id or a tag (key=value); give at least one")
    if rule_id and rule_id not in BY_ID:
        raise QueryInputError(f"unknown rule {rule_id!r}; list the rules with `aidiscover rules list`")
    if tag is not None and (tag.count("=") < 1 or not tag.split("=", 1)[0]):
        raise QueryInputError(f"tag {tag!r} must look like key=value")
    if not reason.strip():
        raise QueryInputError("a suppression needs a reason: say why the risk is accepted")
    if expires_at.tzinfo is None:
        raise QueryInputError("the expiry needs a time zone, e.g. 2026-12-31T00:00:00Z")
    if expires_at <= now:
        raise QueryInputError(f"the expiry {expires_at.isoformat()} is in the past; give a future date")


def create_suppression(
    graph: Graph,
    *,
    reason: str,
    expires_at: datetime,
    created_by: str,
    rule_id: str | None = None,
    resource_id: str | None = None,
    tag: str | None = None,
    now: datetime | None = None,
) -> Suppression:
    """Store a suppression and apply it to the findings at once."""
    when = now or datetime.now(UTC)
    rule_id, resource_id, tag = rule_id or None, resource_id or None, tag or None
    check_suppression(rule_id, resource_id, tag, reason, expires_at, when)
    suppression = Suppression(
        id=f"sup-{uuid.uuid4().hex[:12]}",
        reason=reason.strip(),
        expires_at=expires_at,
        created_by=created_by,
        created_at=when,
        rule_id=rule_id,
        resource_id=resource_id,
        tag=tag,
    )
    graph.write(
        "CREATE (s:Suppression {id: $id, reason: $reason, expires_at: $expires_at, created_by: $created_by, "
        "created_at: $created_at, rule_id: $rule_id, resource_id: $resource_id, tag: $tag})",
        {
            "id": suppression.id,
            "reason": suppression.reason,
            "expires_at": expires_at,
            "created_by": created_by,
            "created_at": when,
            "rule_id": rule_id,
            "resource_id": resource_id,
            "tag": tag,
        },
    )
    log.info("suppression %s created by %s until %s", suppression.id, created_by, expires_at.isoformat())
    apply_suppressions(graph, when)
    return suppression


def delete_suppression(graph: Graph, suppression_id: str, now: datetime | None = None) -> bool:
    """Remove a suppression (its findings reopen unless another one matches); False when there was none."""
    rows = graph.read("MATCH (s:Suppression {id: $id}) RETURN s.id AS id", {"id": suppression_id})
    if not rows:
        return False
    graph.write("MATCH (s:Suppression {id: $id}) DELETE s", {"id": suppression_id})
    apply_suppressions(graph, now or datetime.now(UTC))
    return True


def _finding_keys(graph: Graph) -> list[FindingKey]:
    rows = graph.read(
        "MATCH (f:Finding) WHERE f.status IN ['open', 'suppressed'] "
        "RETURN f.id AS id, f.rule_id AS rule_id, f.resource_id AS resource_id, f.resource_tags AS tags, "
        "f.status AS status, f.suppressed_by AS suppressed_by"
    )
    return [
        FindingKey(r["id"], r["rule_id"], r["resource_id"], tuple(r["tags"] or ()), r["status"], r["suppressed_by"])
        for r in rows
    ]


def decide(findings: list[FindingKey], suppressions: list[Suppression], now: datetime) -> list[dict[str, object]]:
    """The findings whose status must change: suppressed by the first active match (by id), else open."""
    active = sorted((s for s in suppressions if s.active(now)), key=lambda s: s.id)
    changes: list[dict[str, object]] = []
    for f in findings:
        match = next((s for s in active if s.matches(f.rule_id, f.resource_id, f.tags)), None)
        status, by = ("suppressed", match.id) if match else ("open", None)
        if (status, by) != (f.status, f.suppressed_by):
            changes.append({"id": f.id, "status": status, "by": by})
    return changes


def apply_suppressions(graph: Graph, now: datetime) -> int:
    """Recompute open/suppressed statuses; returns how many findings are suppressed afterwards."""
    findings = _finding_keys(graph)
    changes = decide(findings, list_suppressions(graph), now)
    if changes:
        graph.write(
            "UNWIND $rows AS row MATCH (f:Finding {id: row.id}) SET f.status = row.status, f.suppressed_by = row.by",
            {"rows": changes},
        )
    changed = {c["id"]: c["status"] for c in changes}
    return sum(1 for f in findings if changed.get(f.id, f.status) == "suppressed")
