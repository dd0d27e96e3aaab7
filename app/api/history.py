"""GraphQL: resource history (viewer role): one resource's timeline, and what changed between two times."""

from __future__ import annotations

import asyncio
from datetime import datetime

import strawberry
from strawberry.types import Info

from app.api.context import Context
from app.api.permissions import IsViewer
from queries.history import ChangeFilter, ChangeRecord, changes_between, resource_history


@strawberry.type(description="One property's value before and after (JSON; null when absent).")
class PropertyChange:
    name: str
    old: str
    new: str


@strawberry.type(description="A resource created, changed or deleted by a discovery.")
class ResourceChange:
    resource_id: strawberry.ID
    kind: str
    name: str
    account: str
    region: str
    change: str = strawberry.field(description="created, changed or deleted")
    at: datetime
    job_id: str
    properties: list[PropertyChange]


@strawberry.input(description="Narrow `changes` by kind, account or change type (empty: any).")
class ChangeFilterInput:
    kinds: list[str] | None = None
    accounts: list[str] | None = None
    changes: list[str] | None = None


def to_change(c: ChangeRecord) -> ResourceChange:
    return ResourceChange(
        resource_id=strawberry.ID(c.resource_id),
        kind=c.kind,
        name=c.name,
        account=c.account,
        region=c.region,
        change=c.change,
        at=c.at,
        job_id=c.job_id,
        properties=[PropertyChange(name=p.name, old=p.old, new=p.new) for p in c.properties],
    )


@strawberry.type
class HistoryQuery:
    @strawberry.field(
        description="A resource's changes, oldest first (kept after it is deleted).", permission_classes=[IsViewer]
    )
    async def resource_history(
        self, info: Info[Context, None], id: strawberry.ID, first: int = 100
    ) -> list[ResourceChange]:
        found = await asyncio.to_thread(resource_history, info.context.graph, str(id), first)
        return [to_change(c) for c in found]

    @strawberry.field(
        description="What changed between `since` and `until` (default: now), oldest first.",
        permission_classes=[IsViewer],
    )
    async def changes(
        self,
        info: Info[Context, None],
        since: datetime,
        until: datetime | None = None,
        filter: ChangeFilterInput | None = None,
        first: int = 200,
    ) -> list[ResourceChange]:
        flt = ChangeFilter(
            tuple(filter.kinds or ()) if filter else (),
            tuple(filter.accounts or ()) if filter else (),
            tuple(filter.changes or ()) if filter else (),
        )
        found = await asyncio.to_thread(changes_between, info.context.graph, since, until, flt, first)
        return [to_change(c) for c in found]
