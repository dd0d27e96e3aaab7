"""GraphQL: notification targets and the delivery log. Reading needs operator, changing targets admin."""

from __future__ import annotations

import asyncio
from datetime import datetime

import httpx
import strawberry
from strawberry.types import Info

from app.api.accounts import context_settings
from app.api.context import Context
from app.api.permissions import IsAdmin, IsOperator
from app.notify import store
from app.notify.model import EVENT_TYPES, Delivery, NotificationTarget, TargetSpec


@strawberry.type(description="Where notifications go (secrets and Slack URLs are never shown).")
class NotificationTargetInfo:
    id: strawberry.ID
    kind: str = strawberry.field(description="webhook | slack | email")
    events: list[str]
    endpoint: str = strawberry.field(description="Webhook URL without query; Slack: host; e-mail: SMTP host:port.")
    mail_to: list[str]
    has_secret: bool
    created_at: datetime | None


def _target_view(t: NotificationTarget) -> NotificationTargetInfo:
    if t.kind == "email":
        endpoint = f"{t.smtp_host}:{t.smtp_port}"
    elif t.kind == "slack":
        endpoint = httpx.URL(t.url).host  # a Slack webhook URL's path is its secret
    else:
        endpoint = t.url.split("?", 1)[0]  # a query string may carry a token
    return NotificationTargetInfo(
        id=strawberry.ID(t.id),
        kind=t.kind,
        events=list(t.events),
        endpoint=endpoint,
        mail_to=list(t.mail_to),
        has_secret=t.has_secret,
        created_at=t.created_at,
    )


@strawberry.type(description="One delivery attempt of a notification.")
class DeliveryAttempt:
    id: strawberry.ID
    target: str
    event_id: str
    event_type: str
    attempt: int
    status: str = strawberry.field(description="delivered | retrying | failed")
    http_status: int | None
    error: str | None
    at: datetime


def _delivery_view(d: Delivery) -> DeliveryAttempt:
    return DeliveryAttempt(
        id=strawberry.ID(d.id),
        target=d.target,
        event_id=d.event_id,
        event_type=d.event_type,
        attempt=d.attempt,
        status=d.status,
        http_status=d.http_status,
        error=d.error or None,
        at=d.at,
    )


@strawberry.input(description="A notification target. `secret`: the webhook signing secret or the SMTP password.")
class NotificationTargetInput:
    name: str
    kind: str
    url: str | None = None
    events: list[str] | None = strawberry.field(default=None, description="Default: every event type.")
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_starttls: bool = True
    smtp_user: str | None = None
    mail_from: str | None = None
    mail_to: list[str] | None = None
    secret: str | None = None


@strawberry.type
class NotificationQuery:
    @strawberry.field(description="Notification targets.", permission_classes=[IsOperator])
    async def notification_targets(self, info: Info[Context, None]) -> list[NotificationTargetInfo]:
        return [_target_view(t) for t in await asyncio.to_thread(store.target_views, info.context.graph)]

    @strawberry.field(description="The delivery log, newest first.", permission_classes=[IsOperator])
    async def deliveries(
        self, info: Info[Context, None], target: str | None = None, event_id: str | None = None, first: int = 50
    ) -> list[DeliveryAttempt]:
        rows = await asyncio.to_thread(store.list_deliveries, info.context.graph, target, event_id, first)
        return [_delivery_view(d) for d in rows]


@strawberry.type
class NotificationMutation:
    @strawberry.mutation(description="Add a notification target (admin).", permission_classes=[IsAdmin])
    async def add_notification_target(
        self, info: Info[Context, None], input: NotificationTargetInput
    ) -> NotificationTargetInfo:
        spec = TargetSpec(
            name=input.name,
            kind=input.kind,
            url=input.url or "",
            events=tuple(input.events or EVENT_TYPES),
            smtp_host=input.smtp_host or "",
            smtp_port=input.smtp_port,
            smtp_starttls=input.smtp_starttls,
            smtp_user=input.smtp_user or "",
            mail_from=input.mail_from or "",
            mail_to=tuple(input.mail_to or ()),
            secret=input.secret or None,
        )
        target = await asyncio.to_thread(store.add_target, info.context.graph, context_settings(info).accounts, spec)
        return _target_view(target)

    @strawberry.mutation(description="Remove a notification target (admin).", permission_classes=[IsAdmin])
    async def remove_notification_target(self, info: Info[Context, None], name: str) -> bool:
        await asyncio.to_thread(store.remove_target, info.context.graph, name)
        return True
