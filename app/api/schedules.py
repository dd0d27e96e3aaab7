"""GraphQL: discovery schedules. Reading needs the viewer role, changing them operator."""

from __future__ import annotations

import asyncio

import strawberry
from strawberry.types import Info

from app.api.accounts import context_settings
from app.api.context import Context
from app.api.permissions import IsOperator, IsViewer
from app.api.records import Shape, derive, to_graphql
from ingest.accounts import schedules as store

DiscoverySchedule = derive(
    Shape(
        store.Schedule,
        name="DiscoverySchedule",
        exclude={"provider": "part of the account's id", "account_id": "part of the account's id"},
    )
)


def _view(s: store.Schedule) -> object:
    return to_graphql(s)


@strawberry.type
class ScheduleQuery:
    @strawberry.field(
        description="Every discovery schedule.",
        permission_classes=[IsViewer],
        graphql_type=list[DiscoverySchedule],  # type: ignore[valid-type]
    )
    async def schedules(self, info: Info[Context, None]) -> object:
        return [_view(s) for s in await asyncio.to_thread(store.list_schedules, info.context.graph)]


@strawberry.type
class ScheduleMutation:
    @strawberry.mutation(
        description="Create or change the schedule of a registered account (operator). `spec`: 5-field cron in "
        "UTC such as '0 3 * * *', or '@every 6h'. `id` defaults to the account's id.",
        permission_classes=[IsOperator],
        graphql_type=DiscoverySchedule,
    )
    async def set_schedule(
        self,
        info: Info[Context, None],
        account: str,
        spec: str,
        regions: list[str] | None = None,
        id: str | None = None,
    ) -> object:
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

    @strawberry.mutation(
        description="Pause a schedule (operator).", permission_classes=[IsOperator], graphql_type=DiscoverySchedule
    )
    async def pause_schedule(self, info: Info[Context, None], id: str) -> object:
        return _view(await asyncio.to_thread(store.set_paused, info.context.graph, id, True))

    @strawberry.mutation(
        description="Resume a paused schedule (operator).",
        permission_classes=[IsOperator],
        graphql_type=DiscoverySchedule,
    )
    async def resume_schedule(self, info: Info[Context, None], id: str) -> object:
        return _view(await asyncio.to_thread(store.set_paused, info.context.graph, id, False))

    @strawberry.mutation(description="Remove a schedule (operator).", permission_classes=[IsOperator])
    async def remove_schedule(self, info: Info[Context, None], id: str) -> bool:
        await asyncio.to_thread(store.remove_schedule, info.context.graph, id)
        return True
