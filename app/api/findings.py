"""GraphQL: security findings, their counts, the rule catalogue and suppressions.

Reading needs the viewer role; creating and removing suppressions the operator role.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import strawberry
from strawberry.types import Info

from app.api.context import Context
from app.api.permissions import IsOperator, IsViewer
from app.api.types import PageInfo
from queries.findings.catalogue import select
from queries.findings.model import Rule as RuleValue
from queries.findings.read import FindingFilter, FindingRecord, cursor_of, finding_counts, search_findings
from queries.findings.suppressions import Suppression as SuppressionValue
from queries.findings.suppressions import create_suppression, delete_suppression, list_suppressions


@strawberry.type(description="A security rule of the catalogue.")
class SecurityRule:
    id: strawberry.ID
    title: str
    severity: str
    provider: str
    kinds: list[str] = strawberry.field(description="Labels of the resources its findings are about.")
    benchmarks: list[str]
    description: str
    remediation: str
    command: str = strawberry.field(description="CLI command template; findings carry it filled in.")
    path: bool = strawberry.field(description="A toxic combination: its findings carry a path.")


def _rule(r: RuleValue) -> SecurityRule:
    return SecurityRule(
        id=strawberry.ID(r.id),
        title=r.title,
        severity=r.severity,
        provider=r.provider,
        kinds=list(r.kinds),
        benchmarks=list(r.benchmarks),
        description=r.description,
        remediation=r.remediation,
        command=r.command,
        path=r.path,
    )


@strawberry.type(description="One rule's verdict on one resource.")
class SecurityFinding:
    id: strawberry.ID = strawberry.field(description="'<rule id>:<resource id>'.")
    rule_id: str
    title: str
    severity: str
    provider: str
    status: str = strawberry.field(description="open, resolved or suppressed.")
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
    path_ids: list[str] = strawberry.field(description="Path rules: node ids from the internet to the asset.")
    path_rels: list[str] = strawberry.field(description="Path rules: relationship types between those nodes.")
    remediation: str
    command: str = strawberry.field(description="The provider CLI command that fixes it (never run by us).")
    benchmarks: list[str]


def _finding(f: FindingRecord) -> SecurityFinding:
    return SecurityFinding(
        id=strawberry.ID(f.id),
        rule_id=f.rule_id,
        title=f.title,
        severity=f.severity,
        provider=f.provider,
        status=f.status,
        resource_id=f.resource_id,
        resource_kind=f.resource_kind,
        resource_name=f.resource_name,
        account=f.account,
        region=f.region,
        first_seen=f.first_seen,
        last_seen=f.last_seen,
        resolved_at=f.resolved_at,
        reopened_count=f.reopened_count,
        suppressed_by=f.suppressed_by,
        path_ids=list(f.path_ids),
        path_rels=list(f.path_rels),
        remediation=f.remediation,
        command=f.command,
        benchmarks=list(f.benchmarks),
    )


@strawberry.type
class FindingEdge:
    cursor: str
    node: SecurityFinding


@strawberry.type
class FindingConnection:
    edges: list[FindingEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="How many findings match, per severity.")
class FindingCounts:
    critical: int
    high: int
    medium: int
    low: int
    info: int
    total: int


@strawberry.input(description="Which findings: every list given must contain the finding's value.")
class FindingFilterInput:
    severities: list[str] | None = None
    providers: list[str] | None = None
    rules: list[str] | None = None
    statuses: list[str] | None = strawberry.field(default=None, description="open, resolved, suppressed")
    resource_id: str | None = strawberry.field(default=None, description="About, or on the path through, this id.")


def _filter(flt: FindingFilterInput | None) -> FindingFilter:
    if flt is None:
        return FindingFilter()
    return FindingFilter(
        severities=tuple(flt.severities or ()),
        providers=tuple(flt.providers or ()),
        rules=tuple(flt.rules or ()),
        statuses=tuple(flt.statuses or ()),
        resource_id=flt.resource_id or None,
    )


@strawberry.type(description="An accepted risk: matching findings are suppressed until it expires.")
class FindingSuppression:
    id: strawberry.ID
    rule_id: str | None
    resource_id: str | None
    tag: str | None
    reason: str
    created_by: str
    created_at: datetime
    expires_at: datetime
    active: bool


def _suppression(s: SuppressionValue, now: datetime) -> FindingSuppression:
    return FindingSuppression(
        id=strawberry.ID(s.id),
        rule_id=s.rule_id,
        resource_id=s.resource_id,
        tag=s.tag,
        reason=s.reason,
        created_by=s.created_by,
        created_at=s.created_at,
        expires_at=s.expires_at,
        active=s.active(now),
    )


def _now() -> datetime:
    return datetime.now(UTC)


@strawberry.type
class FindingQuery:
    @strawberry.field(description="Findings matching `filter`, most severe first.", permission_classes=[IsViewer])
    async def findings(
        self,
        info: Info[Context, None],
        filter: FindingFilterInput | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> FindingConnection:
        page = await asyncio.to_thread(search_findings, info.context.graph, _filter(filter), first, after)
        edges = [FindingEdge(cursor=cursor_of(f), node=_finding(f)) for f in page.items]
        return FindingConnection(
            edges=edges,
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
            total_count=page.total,
        )

    @strawberry.field(description="Findings matching `filter`, counted per severity.", permission_classes=[IsViewer])
    async def finding_counts(
        self, info: Info[Context, None], filter: FindingFilterInput | None = None
    ) -> FindingCounts:
        counts = await asyncio.to_thread(finding_counts, info.context.graph, _filter(filter))
        return FindingCounts(**counts, total=sum(counts.values()))

    @strawberry.field(description="The rule catalogue, most severe first.", permission_classes=[IsViewer])
    def rules(self, provider: str | None = None, severity: str | None = None) -> list[SecurityRule]:
        return [_rule(r) for r in select(provider, severity)]

    @strawberry.field(description="Suppressions, soonest expiry first.", permission_classes=[IsViewer])
    async def suppressions(self, info: Info[Context, None], include_expired: bool = False) -> list[FindingSuppression]:
        now = _now()
        found = await asyncio.to_thread(list_suppressions, info.context.graph, include_expired, now)
        return [_suppression(s, now) for s in found]


@strawberry.type
class FindingMutation:
    @strawberry.mutation(
        description="Suppress findings by rule, resource and/or tag (key=value) until `expiresAt`, with a reason.",
        permission_classes=[IsOperator],
    )
    async def suppress(
        self,
        info: Info[Context, None],
        reason: str,
        expires_at: datetime,
        rule_id: str | None = None,
        resource_id: str | None = None,
        tag: str | None = None,
    ) -> FindingSuppression:
        principal = info.context.principal
        created = await asyncio.to_thread(
            lambda: create_suppression(
                info.context.graph,
                reason=reason,
                expires_at=expires_at,
                rule_id=rule_id,
                resource_id=resource_id,
                tag=tag,
                created_by=principal.name if principal else "unknown",
            )
        )
        return _suppression(created, _now())

    @strawberry.mutation(description="Remove a suppression; its findings reopen.", permission_classes=[IsOperator])
    async def unsuppress(self, info: Info[Context, None], id: strawberry.ID) -> bool:
        return await asyncio.to_thread(delete_suppression, info.context.graph, str(id))
