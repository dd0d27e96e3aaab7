"""GraphQL: security findings, their counts, the rule catalogue and suppressions.

Reading needs the viewer role; creating and removing suppressions the operator role.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from app.api.context import Context
from app.api.permissions import IsOperator, IsViewer
from app.api.records import Extra, Shape, derive, to_graphql
from app.api.types import PageInfo
from queries.findings.catalogue import select
from queries.findings.model import Rule as RuleValue
from queries.findings.read import (
    FindingFilter,
    FindingRecord,
    cursor_of,
    finding_counts,
    finding_groups,
    get_finding,
    search_findings,
)
from queries.findings.read import FindingGroup as FindingGroupValue
from queries.findings.suppressions import Suppression as SuppressionValue
from queries.findings.suppressions import create_suppression, delete_suppression, list_suppressions

SecurityRule = derive(
    Shape(
        RuleValue,
        name="SecurityRule",
        description="A security rule of the catalogue.",
        exclude={"cypher": "how the rule is evaluated, internal", "params": "the Cypher's parameters, internal"},
    )
)
SecurityFinding = derive(Shape(FindingRecord, name="SecurityFinding"))


@strawberry.type
class FindingEdge:
    cursor: str
    node: object = strawberry.field(graphql_type=SecurityFinding)


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
    accounts: list[str] | None = strawberry.field(default=None, description="Account, subscription or project ids.")


def _filter(flt: FindingFilterInput | None) -> FindingFilter:
    if flt is None:
        return FindingFilter()
    return FindingFilter(
        severities=tuple(flt.severities or ()),
        providers=tuple(flt.providers or ()),
        rules=tuple(flt.rules or ()),
        statuses=tuple(flt.statuses or ()),
        resource_id=flt.resource_id or None,
        accounts=tuple(flt.accounts or ()),
    )


@strawberry.enum(description="What to group findings by.")
class FindingGroupBy(Enum):
    RULE = "rule"
    RESOURCE = "resource"
    ACCOUNT = "account"
    PROVIDER = "provider"
    SEVERITY = "severity"
    STATUS = "status"


FindingGroup = derive(Shape(FindingGroupValue, name="FindingGroup"))


FindingSuppression = derive(
    Shape(
        SuppressionValue,
        name="FindingSuppression",
        fields=("id", "rule_id", "resource_id", "tag", "reason", "created_by", "created_at", "expires_at", "active"),
        extra={"active": Extra(bool)},
    )
)


def _suppression(s: SuppressionValue, now: datetime) -> object:
    return to_graphql(s, active=s.active(now))


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
        edges = [FindingEdge(cursor=cursor_of(f), node=to_graphql(f)) for f in page.items]
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

    @strawberry.field(
        description="One finding by id ('<rule id>:<resource id>'), or null.",
        permission_classes=[IsViewer],
        graphql_type=SecurityFinding | None,
    )
    async def finding(self, info: Info[Context, None], id: strawberry.ID) -> object:
        found = await asyncio.to_thread(get_finding, info.context.graph, str(id))
        return None if found is None else to_graphql(found)

    @strawberry.field(
        description="Findings matching `filter` grouped by rule, resource, account, provider, severity or status: "
        "the most severe group first, then the largest.",
        permission_classes=[IsViewer],
        graphql_type=list[FindingGroup],  # type: ignore[valid-type]
    )
    async def finding_groups(
        self,
        info: Info[Context, None],
        by: FindingGroupBy,
        filter: FindingFilterInput | None = None,
        first: int = 100,
    ) -> object:
        found = await asyncio.to_thread(finding_groups, info.context.graph, _filter(filter), by.value, first)
        return [to_graphql(g) for g in found]

    @strawberry.field(
        description="The rule catalogue, most severe first.",
        permission_classes=[IsViewer],
        graphql_type=list[SecurityRule],  # type: ignore[valid-type]
    )
    def rules(self, provider: str | None = None, severity: str | None = None) -> object:
        return [to_graphql(r) for r in select(provider, severity)]

    @strawberry.field(
        description="Suppressions, soonest expiry first.",
        permission_classes=[IsViewer],
        graphql_type=list[FindingSuppression],  # type: ignore[valid-type]
    )
    async def suppressions(self, info: Info[Context, None], include_expired: bool = False) -> object:
        now = _now()
        found = await asyncio.to_thread(list_suppressions, info.context.graph, include_expired, now)
        return [_suppression(s, now) for s in found]


@strawberry.type
class FindingMutation:
    @strawberry.mutation(
        description="Suppress findings by rule, resource and/or tag (key=value) until `expiresAt`, with a reason.",
        permission_classes=[IsOperator],
        graphql_type=FindingSuppression,
    )
    async def suppress(
        self,
        info: Info[Context, None],
        reason: str,
        expires_at: datetime,
        rule_id: str | None = None,
        resource_id: str | None = None,
        tag: str | None = None,
    ) -> object:
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
