"""HTTP routes serving the report and the exports: /report.html and /exports/<dataset>.<csv|json>.

They need the viewer role, like the GraphQL fields: the server lists ``EXPORT_PATHS`` among the paths its
``AuthMiddleware`` authenticates (API key or bearer token), which puts the principal in the request scope.
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from app.api.auth_middleware import PRINCIPAL_KEY
from app.api.permissions import Principal
from app.report.data import collect
from app.report.exports import DATASETS, Dataset, Format, export
from app.report.html import render
from core.errors import AIDiscoverError
from core.settings import Settings
from graph.neo4j.client import Graph

EXPORT_PATHS: tuple[str, ...] = (
    "/report.html",
    *(f"/exports/{d}.{f}" for d in DATASETS for f in ("csv", "json")),
)
_MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _refusal(request: Request) -> Response | None:
    principal: Principal | None = request.scope.get(PRINCIPAL_KEY)
    if principal is None:
        return JSONResponse(
            {"error": "not signed in: send an API key in the X-API-Key header, or a bearer token from `login`"},
            status_code=401,
            headers={"www-authenticate": 'Bearer realm="aidiscover"'},
        )
    if not principal.can("viewer"):
        return JSONResponse({"error": f"{principal.name} needs role viewer or above"}, status_code=403)
    return None


def report_routes(graph: Graph, settings: Settings) -> list[Route]:
    async def report(request: Request) -> Response:
        refused = _refusal(request)
        if refused is not None:
            return refused
        try:
            data = await asyncio.to_thread(collect, graph, settings)
        except AIDiscoverError as exc:
            return JSONResponse({"error": str(exc)}, status_code=503)
        return HTMLResponse(render(data))

    async def exports(request: Request) -> Response:
        refused = _refusal(request)
        if refused is not None:
            return refused
        dataset: Dataset = request.path_params["dataset"]
        fmt: Format = request.path_params["fmt"]
        if dataset not in DATASETS or fmt not in _MEDIA:
            return JSONResponse(
                {"error": f"no export {dataset}.{fmt}; use one of {', '.join(EXPORT_PATHS[1:])}"}, status_code=404
            )
        try:
            body = await asyncio.to_thread(export, graph, settings, dataset, fmt)
        except AIDiscoverError as exc:
            return JSONResponse({"error": str(exc)}, status_code=503)
        disposition = f'attachment; filename="{dataset}.{fmt}"'
        return Response(body, media_type=_MEDIA[fmt], headers={"content-disposition": disposition})

    return [
        Route("/report.html", report),
        Route("/exports/{dataset}.{fmt}", exports),
    ]
