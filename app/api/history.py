"""GraphQL: resource history (viewer role): one resource's timeline, and what changed between two times."""

from __future__ import annotations

import asyncio
from datetime import datetime

import strawberry
from strawberry.types import Info

from app.api.context import Context
from app.api.permissions import IsViewer
from app.api.records import Shape, derive, to_graphql
from queries.history import ChangeFilter, ChangeRecord, changes_between, resource_history
from queries.history import PropertyChange as PropertyChangeRecord

PropertyChange = derive(Shape(PropertyChangeRecord, name="PropertyChange"))
ResourceChange = derive(Shape(ChangeRecord, name="ResourceChange", ids=frozenset({"resource_id"})))


@strawberry.input(description="Narrow `changes` by kind, account or change type (empty: any).")
class ChangeFilterInput:
    kinds: list[str] | None = None
    accounts: list[str] | None = None
    changes: list[str] | None = None


@strawberry.type
class HistoryQuery:
    @strawberry.field(
        description="A resource's changes, oldest first (kept after it is deleted).",
        permission_classes=[IsViewer],
        graphql_type=list[ResourceChange],  # type: ignore[valid-type]
    )
    async def resource_history(self, info: Info[Context, None], id: strawberry.ID, first: int = 100) -> object:
        found = await asyncio.to_thread(resource_history, info.context.graph, str(id), first)
        return [to_graphql(c) for c in found]

    @strawberry.field(
        description="What changed between `since` and `until` (default: now), oldest first.",
        permission_classes=[IsViewer],
        graphql_type=list[ResourceChange],  # type: ignore[valid-type]
    )
    async def changes(
        self,
        info: Info[Context, None],
        since: datetime,
        until: datetime | None = None,
        filter: ChangeFilterInput | None = None,
        first: int = 200,
    ) -> object:
        flt = ChangeFilter(
            tuple(filter.kinds or ()) if filter else (),
            tuple(filter.accounts or ()) if filter else (),
            tuple(filter.changes or ()) if filter else (),
        )
        found = await asyncio.to_thread(changes_between, info.context.graph, since, until, flt, first)
        return [to_graphql(c) for c in found]
