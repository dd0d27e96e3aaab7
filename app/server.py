"""The Starlette application: GraphQL at /graphql (GraphiQL on GET), probes, and the web pages.

/graphql   the API (POST), GraphiQL (GET from a browser, for signed-in callers: app.api.schema_access)
/graphiql  the same GraphiQL page for a browser tab signed in to the viewer (it sends the tab's key itself)
/health    the process is up
/ready     Neo4j and Redis answer (503 with the failing one otherwise)
/metrics   Prometheus metrics, for the metrics token or an operator (app.observability.access)
/          the web graph viewer (web/static/index.html + the built web/static/dist/viewer.js)

Request bodies of /graphql are checked before GraphQL sees them (app.api.request_body), and every
refusal there is JSON with a code. uvicorn believes proxy headers only from AIDISCOVER_TRUSTED_PROXIES
(``uvicorn_config``), so the client address the limits count is the connecting one by default.
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
from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types.unset import UnsetType

from app.api.auth import Authenticator, startup_hint
from app.api.auth_middleware import PRINCIPAL_KEY, AuthMiddleware
from app.api.context import Context
from app.api.error_codes import code_of
from app.api.headers import security_middleware
from app.api.request_body import BodyLimitMiddleware, check_content_type, decode_json, error_body
from app.api.schema import schema
from app.api.schema_access import HIDDEN_MESSAGE, hides_schema
from app.observability.access import check_metrics_access
from app.observability.http import RequestIdMiddleware
from app.observability.metrics import MetricsMiddleware, deployment_registry, exposition
from app.report.routes import EXPORT_PATHS, report_routes
from app.secret_migration import migrate_at_startup
from core.errors import AIDiscoverError, AuthError, PermissionDenied, PortInUseError, RequestBodyError, ServiceError
from core.settings import ApiSettings, Settings
from graph.neo4j.client import Graph
from graph.neo4j.constraints import ensure_schema
from graph.schema import SCHEMA
from graph.server.processes import port_listening
from web import DIST_DIR, STATIC_DIR

log = logging.getLogger(__name__)


class _GraphQL(GraphQL[Context, None]):
    def __init__(self, graph: Graph, settings: Settings, authenticator: Authenticator) -> None:
        super().__init__(schema, graphql_ide="graphiql")
        self.graph = graph
        self.settings = settings
        self.authenticator = authenticator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Strawberry's view, with every refusal of the request itself as JSON with a code."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except RequestBodyError as exc:
            response = _json_error(exc.status, str(exc), exc.code)
        except HTTPException as exc:
            code = "METHOD_NOT_ALLOWED" if exc.status_code == 405 else "BAD_REQUEST"
            response = _json_error(exc.status_code, exc.reason, code)
        await response(scope, receive, send)

    def decode_json(self, data: str | bytes) -> object:
        """A body, or a query string's variables or extensions: a JSON object (a list is a batch, which
        Strawberry refuses itself), checked as app.api.request_body says."""
        value = decode_json(data, self.settings.api.max_json_depth)
        if not isinstance(value, (dict, list)):
            raise RequestBodyError(
                f"the request's JSON is a {type(value).__name__}, not an object; send "
                '{"query": "...", "variables": {...}}',
                "BAD_JSON",
            )
        return value

    async def parse_http_body(self, request: Any) -> Any:
        if request.method == "POST":
            check_content_type(request.content_type or "")
        return await super().parse_http_body(request)

    async def render_graphql_ide(self, request: Request) -> Response:
        if hides_schema(request.scope.get(PRINCIPAL_KEY), self.settings.auth):
            return _json_error(401, f"GraphiQL: {HIDDEN_MESSAGE}", "UNAUTHENTICATED")
        return _graphiql_page()

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


def _graphiql_page() -> Response:
    """GraphiQL bundled with the viewer (web/app/src/graphiql.js): nothing is loaded from other hosts."""
    if not (DIST_DIR / "graphiql.js").is_file():
        return PlainTextResponse("GraphiQL is not built: run `make web` (npm ci && npm run build)", 503)
    return FileResponse(STATIC_DIR / "graphiql.html")


def _json_error(status: int, message: str, code: str) -> Response:
    return Response(error_body(message, code), status_code=status, media_type="application/json")


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
    graph_ = graph or Graph(settings.neo4j, settings.redis)

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
            await asyncio.to_thread(_check_redis, settings.redis.url)
            checks["redis"] = "ok"
        except redis.RedisError as exc:
            checks["redis"] = f"Redis does not answer at {settings.redis.url} ({exc}); run `aidiscover services up`"
        if settings.redis.secrets_url:  # a secret store of its own
            try:
                await asyncio.to_thread(_check_redis, settings.redis.secrets_url)
                checks["secrets"] = "ok"
            except redis.RedisError as exc:
                checks["secrets"] = f"the secret store does not answer ({exc}); fix AIDISCOVER_SECRETS_REDIS_URL"
        ok = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ready" if ok else "not ready", "checks": checks}, status_code=200 if ok else 503
        )

    deployment = deployment_registry(graph_, settings.redis.url)

    async def metrics(request: Request) -> Response:
        headers = {k.lower(): v for k, v in request.headers.items()}
        try:
            await asyncio.to_thread(check_metrics_access, headers, settings.auth, authenticator)
        except AIDiscoverError as exc:
            status = 403 if isinstance(exc, PermissionDenied) else 401 if isinstance(exc, AuthError) else 503
            response = _json_error(status, str(exc), code_of(exc))
            if status == 401:
                response.headers["www-authenticate"] = 'Bearer realm="aidiscover"'
            return response
        body = await asyncio.to_thread(exposition, deployment)
        return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")

    async def index(request: Request) -> Response:
        if not (DIST_DIR / "viewer.js").is_file():
            return PlainTextResponse("the web viewer is not built: run `make web` (npm ci && npm run build)", 503)
        return FileResponse(STATIC_DIR / "index.html")

    async def graphiql(request: Request) -> Response:
        return _graphiql_page()  # the page holds no schema: introspection still needs the tab's credentials

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            await asyncio.to_thread(ensure_schema, graph_, SCHEMA)
        except AIDiscoverError as exc:  # serve anyway: /ready reports it, queries say what to do
            log.warning("could not ensure the graph schema at start-up: %s", exc)
        await asyncio.to_thread(migrate_at_startup, graph_, settings)  # secrets out of the graph, before any read
        if settings.auth.mode == "required":
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
    if settings.auth.mode == "off":
        log.warning("AIDISCOVER_AUTH=off: every API request acts as a local admin; use it on a single-user laptop only")
    else:
        try:
            authenticator.secret  # noqa: B018 - load or create the token secret now, not at the first login
        except AIDiscoverError as exc:  # serve anyway: /ready names the failing store, sign-ins say what to do
            log.warning("could not load the token signing secret at start-up: %s", exc)
    gql = _GraphQL(graph_, settings, authenticator)
    app = Starlette(
        routes=[
            Route("/graphql", gql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", gql),  # subscriptions over graphql-transport-ws
            Route("/health", health),
            Route("/ready", ready),
            Route("/metrics", metrics),
            Route("/", index),
            Route("/graphiql", graphiql),
            *report_routes(graph_, settings),  # /report.html, /exports/* (viewer role)
            Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        ],
        middleware=[
            *security_middleware(settings.api),  # security headers, CORS when configured
            Middleware(RequestIdMiddleware),
            Middleware(MetricsMiddleware),
            # credentials, rate limit: /graphql and the report and exports
            Middleware(AuthMiddleware, authenticator=authenticator, paths=("/graphql", *EXPORT_PATHS)),
            Middleware(BodyLimitMiddleware, max_bytes=settings.api.max_body_bytes),  # 413 before anything reads it
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings  # uvicorn_config reads it
    return app


def uvicorn_config(app: ASGIApp, settings: Settings, **options: Any) -> uvicorn.Config:
    """uvicorn's configuration for the API: proxy headers (X-Forwarded-For, X-Forwarded-Proto) are read only
    from AIDISCOVER_TRUSTED_PROXIES, the client being the right-most address there that is not a trusted
    proxy; with none, uvicorn's own default (trust 127.0.0.1, or FORWARDED_ALLOW_IPS) is switched off, so
    the connecting address is the client. ``options`` override the rest (host, port, log level)."""
    trusted = list(settings.api.trusted_proxies)
    defaults: dict[str, Any] = {
        "host": settings.api.host,
        "port": settings.api.port,
        "log_level": settings.log.level.lower(),
    }
    return uvicorn.Config(app, **{**defaults, **options}, proxy_headers=bool(trusted), forwarded_allow_ips=trusted)


def check_api_port(settings: ApiSettings) -> None:
    """Fail before any work when the API's port is taken, instead of after a long start-up."""
    if port_listening(settings.host, settings.port):
        raise PortInUseError(
            f"{settings.host}:{settings.port} is in use by another program: stop it, or set AIDISCOVER_API_PORT"
        )


def serve(settings: Settings) -> None:
    """Serve the API in the foreground until interrupted."""
    app = create_app(settings)
    log.info("serving GraphQL on %s/graphql", settings.api.url)
    server = uvicorn.Server(uvicorn_config(app, settings))
    server.run()
    if not server.started:
        raise ServiceError(
            f"the API did not start on {settings.api.host}:{settings.api.port} (see the log above); "
            "free the port or set AIDISCOVER_API_PORT"
        )
