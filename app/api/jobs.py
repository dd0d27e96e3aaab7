"""GraphQL: discovery jobs. Reading needs the viewer role; starting a discovery needs operator.

``jobProgress(jobId)`` is a subscription (graphql-transport-ws on /graphql) that streams the job's
progress from Redis pub/sub until the job finishes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from app.api.context import Context
from app.api.permissions import IsOperator, IsViewer
from app.api.records import Shape, derive, to_graphql
from core.errors import JobError, QueryInputError
from core.settings import Settings, load_settings
from ingest.jobs.model import JobRequest
from ingest.jobs.progress import Progress, follow_async
from ingest.jobs.store import JobRecord, UnitRecord, get_job, list_jobs

PROVIDERS = ("aws", "azure", "gcp", "all")
STATUSES = ("queued", "running", "succeeded", "partial", "failed")


def _settings(info: Info[Context, None]) -> Settings:
    return info.context.settings or load_settings()


_NOT_SHOWN = "not exposed by the API yet"
DiscoveryUnit = derive(Shape(UnitRecord, name="DiscoveryUnit", exclude={"skipped_edges": _NOT_SHOWN}))
DiscoveryJob = derive(
    Shape(
        JobRecord,
        name="DiscoveryJob",
        fields=(
            "id",
            "provider",
            "scope",
            "started_by",
            "status",
            "via",
            "created_at",
            "finished_at",
            "units_total",
            "units_staged",
            "units_done",
            "units_failed",
            "nodes",
            "edges",
            "removed_nodes",
            "removed_edges",
            "changes",
            "written",
            "warnings",
            "errors",
            "seconds",
            "units",
        ),
    )
)
JobProgress = derive(
    Shape(
        Progress,
        name="JobProgress",
        ids=frozenset({"job_id"}),
        fields=(
            "job_id",
            "status",
            "units_total",
            "units_staged",
            "units_done",
            "units_failed",
            "nodes",
            "edges",
            "changes",
            "message",
            "finished",
            "errors",
        ),
        exclude={"removed_nodes": _NOT_SHOWN, "warnings": _NOT_SHOWN},
    )
)


@strawberry.type(description="A discovery queued for the workers.")
class QueuedDiscovery:
    job_id: strawberry.ID
    provider: str
    started_by: str


def to_job(j: JobRecord) -> object:
    return to_graphql(j)


def to_progress(p: Progress) -> object:
    return to_graphql(p)


@strawberry.type
class JobQuery:
    @strawberry.field(
        description="Recent discovery jobs, newest first.",
        permission_classes=[IsViewer],
        graphql_type=list[DiscoveryJob],  # type: ignore[valid-type]
    )
    async def discovery_jobs(self, info: Info[Context, None], first: int = 20, status: str | None = None) -> object:
        if status is not None and status not in STATUSES:
            raise QueryInputError(f"unknown job status {status!r}; use one of {', '.join(STATUSES)}")
        jobs = await asyncio.to_thread(list_jobs, info.context.graph, first, status)
        return [to_job(j) for j in jobs]

    @strawberry.field(
        description="One discovery job with its units.", permission_classes=[IsViewer], graphql_type=DiscoveryJob
    )
    async def discovery_job(self, info: Info[Context, None], id: strawberry.ID) -> object:
        return to_job(await asyncio.to_thread(get_job, info.context.graph, str(id)))


@strawberry.type
class JobMutation:
    @strawberry.mutation(
        description="Queue a discovery for the workers; follow it with jobProgress.", permission_classes=[IsOperator]
    )
    async def start_discovery(
        self,
        info: Info[Context, None],
        provider: str = "all",
        accounts: list[str] | None = None,
        regions: list[str] | None = None,
    ) -> QueuedDiscovery:
        import redis

        from ingest.tasks import submit_job

        if provider not in PROVIDERS:
            raise QueryInputError(f"unknown provider {provider!r}; use one of {', '.join(PROVIDERS)}")
        principal = info.context.principal
        by = principal.name if principal else "api"
        request = JobRequest(provider, tuple(accounts or ()), tuple(regions or ()), by)
        settings = _settings(info)
        try:
            job_id = await asyncio.to_thread(submit_job, settings, request)
        except redis.RedisError as exc:
            raise JobError(f"cannot queue the discovery: Redis does not answer ({exc}); start it") from exc
        return QueuedDiscovery(job_id=strawberry.ID(job_id), provider=provider, started_by=by)


@strawberry.type
class JobSubscription:
    @strawberry.subscription(
        description="A job's progress until it finishes (graphql-transport-ws).",
        permission_classes=[IsViewer],
        graphql_type=JobProgress,
    )
    async def job_progress(self, info: Info[Context, None], job_id: strawberry.ID) -> AsyncGenerator[object, None]:
        async for event in follow_async(_settings(info).redis.url, str(job_id)):
            yield to_progress(event)
