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
from app.api.records import Shape, derive, to_graphql
from app.nl import pipeline
from app.nl.budget import BudgetStatus, UsageLine
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


Answer = derive(
    Shape(
        pipeline.Answer,
        exclude={
            "question": "the caller's own question",
            "attempts": "LLM bookkeeping: askUsage reports it",
            "cost_usd": "LLM bookkeeping: askUsage reports it",
        },
        types={"rows": JSON, "candidates": JSON},
        convert={
            "rows": lambda rows: list(cast(tuple[object, ...], rows)),
            "candidates": lambda rows: list(cast(tuple[object, ...], rows)),
        },
    )
)


@strawberry.type(description="One event of askStream: a piece of the summary, or (last) the whole answer.")
class AskEvent:
    chunk: str
    answer: object = strawberry.field(default=None, graphql_type=Answer | None)


LLMUsageLine = derive(Shape(UsageLine, name="LLMUsageLine"))
LLMUsage = derive(Shape(BudgetStatus, name="LLMUsage"))


def to_answer(found: pipeline.Answer) -> object:
    return to_graphql(found)


@strawberry.type
class AskQuery:
    @strawberry.field(
        description="Answer a question about the estate in plain English.",
        permission_classes=[IsViewer],
        graphql_type=Answer,
    )
    async def ask(self, info: Info[Context, None], question: str) -> object:
        svc = pipeline.services(info.context.graph, _settings(info))
        found = await asyncio.to_thread(pipeline.ask, svc, question, _user(info), _role(info))
        return to_answer(found)

    @strawberry.field(
        description="LLM token accounting and cost alerts.", permission_classes=[IsOperator], graphql_type=LLMUsage
    )
    async def ask_usage(self, info: Info[Context, None]) -> object:
        svc = pipeline.services(info.context.graph, _settings(info))
        assert svc.budget is not None
        return to_graphql(await asyncio.to_thread(svc.budget.status))


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
