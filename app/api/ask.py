"""GraphQL: natural-language questions. ``ask`` answers at once; ``askStream`` (a subscription over
graphql-transport-ws) yields the summary in pieces, then the whole answer. Both need the viewer role;
``askUsage`` (LLM token accounting and cost alerts) needs operator.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Iterator
from typing import cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from app.api.context import Context
from app.api.permissions import IsOperator, IsViewer
from app.nl import pipeline
from app.nl.pipeline import Chunk
from core.settings import Settings, load_settings


def _settings(info: Info[Context, None]) -> Settings:
    return info.context.settings or load_settings()


def _user(info: Info[Context, None]) -> str:
    principal = info.context.principal
    return principal.name if principal is not None else "anonymous"


def _role(info: Info[Context, None]) -> str:
    principal = info.context.principal
    return principal.role if principal is not None else "viewer"


@strawberry.type(description="An answer to a question in plain English, always with the Cypher and rows behind it.")
class Answer:
    answer: str = strawberry.field(description="The summary (written from the rows, which are treated as data).")
    cypher: str = strawberry.field(description="The Cypher that produced the rows (as run, after the safety gate).")
    rows: JSON = strawberry.field(description="The rows, capped at AIDISCOVER_NL_ROW_CAP.")
    path: str = strawberry.field(description="Who answered: template, llm, cache or degraded.")
    warnings: list[str] = strawberry.field(description="Corrections made, refused attempts, fallbacks taken.")
    truncated: bool = strawberry.field(description="More rows existed than the cap.")


@strawberry.type(description="One event of askStream: a piece of the summary, or (last) the whole answer.")
class AskEvent:
    chunk: str
    answer: Answer | None = None


@strawberry.type(description="LLM tokens and cost of one user and operation today.")
class LLMUsageLine:
    user: str
    operation: str
    calls: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float


@strawberry.type(description="LLM cost today, this month and projected, with the thresholds and recent alerts.")
class LLMUsage:
    day: str
    cost_today_usd: float
    month_to_date_usd: float
    projected_month_usd: float
    alert_daily_usd: float
    alert_request_usd: float
    alert_monthly_usd: float
    lines: list[LLMUsageLine]
    alerts: list[str]


def to_answer(found: pipeline.Answer) -> Answer:
    return Answer(
        answer=found.answer,
        cypher=found.cypher,
        rows=cast(JSON, list(found.rows)),
        path=found.path,
        warnings=list(found.warnings),
        truncated=found.truncated,
    )


@strawberry.type
class AskQuery:
    @strawberry.field(description="Answer a question about the estate in plain English.", permission_classes=[IsViewer])
    async def ask(self, info: Info[Context, None], question: str) -> Answer:
        svc = pipeline.services(info.context.graph, _settings(info))
        found = await asyncio.to_thread(pipeline.ask, svc, question, _user(info), _role(info))
        return to_answer(found)

    @strawberry.field(description="LLM token accounting and cost alerts.", permission_classes=[IsOperator])
    async def ask_usage(self, info: Info[Context, None]) -> LLMUsage:
        svc = pipeline.services(info.context.graph, _settings(info))
        assert svc.budget is not None
        status = await asyncio.to_thread(svc.budget.status)
        return LLMUsage(
            day=status.day,
            cost_today_usd=status.cost_today_usd,
            month_to_date_usd=status.month_to_date_usd,
            projected_month_usd=status.projected_month_usd,
            alert_daily_usd=status.alert_daily_usd,
            alert_request_usd=status.alert_request_usd,
            alert_monthly_usd=status.alert_monthly_usd,
            lines=[
                LLMUsageLine(
                    user=x.user,
                    operation=x.operation,
                    calls=x.calls,
                    prompt_tokens=x.prompt_tokens,
                    completion_tokens=x.completion_tokens,
                    cost_usd=x.cost_usd,
                )
                for x in status.lines
            ],
            alerts=list(status.alerts),
        )


@strawberry.type
class AskSubscription:
    @strawberry.subscription(
        description="Like ask, but the summary comes in pieces; the last event holds the answer.",
        permission_classes=[IsViewer],
    )
    async def ask_stream(self, info: Info[Context, None], question: str) -> AsyncGenerator[AskEvent, None]:
        svc = pipeline.services(info.context.graph, _settings(info))
        events: Iterator[Chunk | pipeline.Answer] = pipeline.ask_stream(svc, question, _user(info), _role(info))
        done = object()
        while True:
            event = await asyncio.to_thread(next, events, done)
            if event is done:
                return
            if isinstance(event, Chunk):
                yield AskEvent(chunk=event.text)
            elif isinstance(event, pipeline.Answer):
                yield AskEvent(chunk="", answer=to_answer(event))
