"""GraphQL: discovery schedules. Reading needs the viewer role, changing them operator."""

from __future__ import annotations

import asyncio
from datetime import datetime

import strawberry
from strawberry.types import Info

from app.api.accounts import context_settings
from app.api.context import Context
from app.api.permissions import IsOperator, IsViewer
from ingest.accounts import schedules as store


@strawberry.type(description="When a registered account is discovered (Celery beat sends the job).")
class DiscoverySchedule:
    id: strawberry.ID
    account: str = strawberry.field(description="The cloud account's id, e.g. aws:123456789012.")
    spec: str = strawberry.field(description="5-field cron (UTC) or '@every N<s|m|h>'.")
    regions: list[str]
    paused: bool
    last_run_at: datetime | None
    updated_at: datetime | None


def _view(s: store.Schedule) -> DiscoverySchedule:
    return DiscoverySchedule(
        id=strawberry.ID(s.id),
        account=s.account,
        spec=s.spec,
        regions=list(s.regions),
        paused=s.paused,
        last_run_at=s.last_run_at,
        updated_at=s.updated_at,
    )


@strawberry.type
class ScheduleQuery:
    @strawberry.field(description="Every discovery schedule.", permission_classes=[IsViewer])
    async def schedules(self, info: Info[Context, None]) -> list[DiscoverySchedule]:
        return [_view(s) for s in await asyncio.to_thread(store.list_schedules, info.context.graph)]


@strawberry.type
class ScheduleMutation:
    @strawberry.mutation(
        description="Create or change the schedule of a registered account (operator). `spec`: 5-field cron in "
        "UTC such as '0 3 * * *', or '@every 6h'. `id` defaults to the account's id.",
        permission_classes=[IsOperator],
    )
    async def set_schedule(
        self,
        info: Info[Context, None],
        account: str,
        spec: str,
        regions: list[str] | None = None,
        id: str | None = None,
    ) -> DiscoverySchedule:
        item = await asyncio.to_thread(
            store.set_schedule,
            info.context.graph,
            context_settings(info).accounts,
            account,
            spec,
            tuple(regions or ()),
            id,
        )
        return _view(item)

    @strawberry.mutation(description="Pause a schedule (operator).", permission_classes=[IsOperator])
    async def pause_schedule(self, info: Info[Context, None], id: str) -> DiscoverySchedule:
        return _view(await asyncio.to_thread(store.set_paused, info.context.graph, id, True))

    @strawberry.mutation(description="Resume a paused schedule (operator).", permission_classes=[IsOperator])
    async def resume_schedule(self, info: Info[Context, None], id: str) -> DiscoverySchedule:
        return _view(await asyncio.to_thread(store.set_paused, info.context.graph, id, False))

    @strawberry.mutation(description="Remove a schedule (operator).", permission_classes=[IsOperator])
    async def remove_schedule(self, info: Info[Context, None], id: str) -> bool:
        await asyncio.to_thread(store.remove_schedule, info.context.graph, id)
        return True
