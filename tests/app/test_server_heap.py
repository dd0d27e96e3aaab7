"""The app moves its start-up objects out of the collector's way while it serves, and gives them back when it
stops (so a process that starts and stops apps, like this test run, keeps nothing frozen)."""

from __future__ import annotations

import asyncio
import gc

from app.server import create_app
from core.settings import Settings
from graph.neo4j.client import Graph


def test_the_app_freezes_its_start_up_heap_while_it_runs_and_unfreezes_it_when_stopped(
    settings: Settings, session_graph: Graph
) -> None:
    gc.unfreeze()
    app = create_app(settings, session_graph)
    frozen: list[int] = []

    async def run() -> None:
        async with app.router.lifespan_context(app):  # start-up and shutdown, as uvicorn runs them
            frozen.append(gc.get_freeze_count())

    asyncio.run(run())
    assert frozen[0] > 10_000  # modules, the GraphQL schema, the driver: far more than a handful of objects
    assert gc.get_freeze_count() == 0
