"""GraphQL: notification targets and the delivery log. Reading needs operator, changing targets admin."""

from __future__ import annotations

import asyncio

import httpx
import strawberry
from strawberry.types import Info

from app.api.accounts import context_settings
from app.api.context import Context
from app.api.permissions import IsAdmin, IsOperator
from app.api.records import Extra, Shape, derive, empty_as_null, to_graphql
from app.notify import store
from app.notify.model import EVENT_TYPES, Delivery, NotificationTarget, TargetSpec

_IN_ENDPOINT = "shown as endpoint, without the parts that are secrets"
_NOT_SHOWN = "not exposed by the API"
NotificationTargetInfo = derive(
    Shape(
        NotificationTarget,
        name="NotificationTargetInfo",
        description="Where notifications go (secrets and Slack URLs are never shown).",
        fields=("id", "kind", "events", "endpoint", "mail_to", "has_secret", "created_at"),
        exclude={
            "url": _IN_ENDPOINT,
            "smtp_host": _IN_ENDPOINT,
            "smtp_port": _IN_ENDPOINT,
            "smtp_starttls": _NOT_SHOWN,
            "smtp_user": _NOT_SHOWN,
            "mail_from": _NOT_SHOWN,
            "secret": "a secret never leaves the server: has_secret says whether one is stored",
        },
        extra={
            "endpoint": Extra(str, "Webhook URL without query; Slack: host; e-mail: SMTP host:port."),
        },
    )
)


def _endpoint(t: NotificationTarget) -> str:
    if t.kind == "email":
        return f"{t.smtp_host}:{t.smtp_port}"
    if t.kind == "slack":
        return httpx.URL(t.url).host  # a Slack webhook URL's path is its secret
    return t.url.split("?", 1)[0]  # a query string may carry a token


def _target_view(t: NotificationTarget) -> object:
    return to_graphql(t, endpoint=_endpoint(t))


DeliveryAttempt = derive(
    Shape(
        Delivery,
        name="DeliveryAttempt",
        fields=("id", "target", "event_id", "event_type", "attempt", "status", "http_status", "error", "at"),
        types={"error": str | None},
        convert={"error": empty_as_null},
    )
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
    @strawberry.field(
        description="Notification targets.",
        permission_classes=[IsOperator],
        graphql_type=list[NotificationTargetInfo],  # type: ignore[valid-type]
    )
    async def notification_targets(self, info: Info[Context, None]) -> object:
        return [_target_view(t) for t in await asyncio.to_thread(store.target_views, info.context.graph)]

    @strawberry.field(
        description="The delivery log, newest first.",
        permission_classes=[IsOperator],
        graphql_type=list[DeliveryAttempt],  # type: ignore[valid-type]
    )
    async def deliveries(
        self, info: Info[Context, None], target: str | None = None, event_id: str | None = None, first: int = 50
    ) -> object:
        rows = await asyncio.to_thread(store.list_deliveries, info.context.graph, target, event_id, first)
        return [to_graphql(d) for d in rows]


@strawberry.type
class NotificationMutation:
    @strawberry.mutation(
        description="Add a notification target (admin).",
        permission_classes=[IsAdmin],
        graphql_type=NotificationTargetInfo,
    )
    async def add_notification_target(self, info: Info[Context, None], input: NotificationTargetInput) -> object:
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
