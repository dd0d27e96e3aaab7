"""The Starlette application: GraphQL at /graphql (GraphiQL on GET), probes, and the web pages.

/graphql   the API (POST), GraphiQL (GET from a browser)
/health    the process is up
/ready     Neo4j and Redis answer (503 with the failing one otherwise)
/          the web graph viewer (web/static/index.html + the built web/static/dist/viewer.js)
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import redis
import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types.unset import UnsetType

from app.api.auth import Authenticator, startup_hint
from app.api.auth_middleware import PRINCIPAL_KEY, AuthMiddleware
from app.api.context import Context
from app.api.headers import security_middleware
from app.api.schema import schema
from app.errors import AIDiscoverError
from app.observability.http import RequestIdMiddleware
from app.observability.metrics import MetricsMiddleware, deployment_registry, exposition
from app.report.routes import EXPORT_PATHS, report_routes
from app.secret_migration import migrate_at_startup
from app.settings import Settings
from graph.neo4j.client import Graph
from graph.neo4j.constraints import ensure_schema
from graph.schema import SCHEMA
from web import DIST_DIR, STATIC_DIR

log = logging.getLogger(__name__)


class _GraphQL(GraphQL[Context, None]):
    def __init__(self, graph: Graph, settings: Settings, authenticator: Authenticator) -> None:
        super().__init__(schema, graphql_ide="graphiql")
        self.graph = graph
        self.settings = settings
        self.authenticator = authenticator

    async def get_context(self, request: Any, response: Any) -> Context:
        client = request.client.host if request.client else None
        return Context(
            graph=self.graph,
            settings=self.settings,
            principal=request.scope.get(PRINCIPAL_KEY),  # set by AuthMiddleware from the headers
            client=client,
            authenticator=self.authenticator,
            connection_params={},
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """graphql-transport-ws: credentials in the connection_init payload ({"authorization": "Bearer ..."}
        or {"apiKey": "..."}) when the upgrade request carried none; without any, the socket is refused."""
        if context.principal is None:
            try:
                context.principal = await asyncio.to_thread(
                    self.authenticator.from_connection_params, context.connection_params
                )
            except AIDiscoverError as exc:
                log.info("refused a websocket: %s", exc)
                raise ConnectionRejectionError({"message": str(exc)}) from None
        if context.principal is None:
            message = "not signed in: send apiKey or authorization in the connection_init payload"
            raise ConnectionRejectionError({"message": message})
        return await super().on_ws_connect(context)  # acknowledge, no payload


def _check_redis(url: str) -> None:
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


def freeze_heap() -> None:
    """Move every object alive after start-up (modules, the GraphQL schema, the driver) into the garbage
    collector's permanent generation, so full collections scan only what requests allocate. On the page
    benchmark (bench/bench_queries.py) collections cost ~7 ms a request without it and ~1.6 ms with it."""
    gc.collect()
    gc.freeze()


def create_app(settings: Settings, graph: Graph | None = None) -> Starlette:
    """Build the ASGI app; it owns (and closes) its Neo4j driver unless one is passed in."""
    graph_ = graph or Graph(settings)

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def ready(request: Request) -> Response:
        checks: dict[str, str] = {}
        try:
            await asyncio.to_thread(graph_.verify)
            checks["neo4j"] = "ok"
        except AIDiscoverError as exc:
            checks["neo4j"] = str(exc)
        try:
            await asyncio.to_thread(_check_redis, settings.redis_url)
            checks["redis"] = "ok"
        except redis.RedisError as exc:
            checks["redis"] = f"Redis does not answer at {settings.redis_url} ({exc}); run `aidiscover services up`"
        if settings.secrets_redis_url:  # a secret store of its own
            try:
                await asyncio.to_thread(_check_redis, settings.secrets_redis_url)
                checks["secrets"] = "ok"
            except redis.RedisError as exc:
                checks["secrets"] = f"the secret store does not answer ({exc}); fix AIDISCOVER_SECRETS_REDIS_URL"
        ok = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ready" if ok else "not ready", "checks": checks}, status_code=200 if ok else 503
        )

    deployment = deployment_registry(graph_, settings.redis_url)

    async def metrics(request: Request) -> Response:
        body = await asyncio.to_thread(exposition, deployment)
        return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")

    async def index(request: Request) -> Response:
        if not (DIST_DIR / "viewer.js").is_file():
            return PlainTextResponse("the web viewer is not built: run `make web` (npm ci && npm run build)", 503)
        return FileResponse(STATIC_DIR / "index.html")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            await asyncio.to_thread(ensure_schema, graph_, SCHEMA)
        except AIDiscoverError as exc:  # serve anyway: /ready reports it, queries say what to do
            log.warning("could not ensure the graph schema at start-up: %s", exc)
        await asyncio.to_thread(migrate_at_startup, graph_, settings)  # secrets out of the graph, before any read
        if settings.auth == "required":
            try:
                hint = await asyncio.to_thread(startup_hint, graph_)
            except AIDiscoverError:
                hint = None
            if hint:
                log.warning("%s", hint)
        freeze_heap()
        yield
        gc.unfreeze()  # an app started and stopped in a longer-lived process (tests) leaves nothing frozen
        if graph is None:
            graph_.close()

    authenticator = Authenticator(graph_, settings)
    if settings.auth == "off":
        log.warning("AIDISCOVER_AUTH=off: every API request acts as a local admin; use it on a single-user laptop only")
    else:
        try:
            authenticator.secret  # noqa: B018 - load or create the token secret now, not at the first login
        except AIDiscoverError as exc:  # serve anyway: /ready names the failing store, sign-ins say what to do
            log.warning("could not load the token signing secret at start-up: %s", exc)
    gql = _GraphQL(graph_, settings, authenticator)
    return Starlette(
        routes=[
            Route("/graphql", gql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", gql),  # subscriptions over graphql-transport-ws
            Route("/health", health),
            Route("/ready", ready),
            Route("/metrics", metrics),
            Route("/", index),
            *report_routes(graph_, settings),  # /report.html, /exports/* (viewer role)
            Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        ],
        middleware=[
            *security_middleware(settings),  # security headers, CORS when configured
            Middleware(RequestIdMiddleware),
            Middleware(MetricsMiddleware),
            # credentials, rate limit: /graphql and the report and exports
            Middleware(AuthMiddleware, authenticator=authenticator, paths=("/graphql", *EXPORT_PATHS)),
        ],
        lifespan=lifespan,
    )


def serve(settings: Settings) -> None:
    """Serve the API in the foreground until interrupted."""
    app = create_app(settings)
    log.info("serving GraphQL on %s/graphql", settings.api_url)
    uvicorn.run(app, host=settings.api_host, port=settings.api_port, log_level=settings.log_level.lower())
