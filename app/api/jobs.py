"""GraphQL: discovery jobs. Reading needs the viewer role; starting a discovery needs operator.

``jobProgress(jobId)`` is a subscription (graphql-transport-ws on /graphql) that streams the job's
progress from Redis pub/sub until the job finishes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry
from strawberry.types import Info

from app.api.context import Context
from app.api.permissions import IsOperator, IsViewer
from core.errors import JobError, QueryInputError
from core.settings import Settings, load_settings
from ingest.jobs.model import JobRequest
from ingest.jobs.progress import Progress, follow_async
from ingest.jobs.store import JobRecord, UnitRecord, get_job, list_jobs

PROVIDERS = ("aws", "azure", "gcp", "all")
STATUSES = ("queued", "running", "succeeded", "partial", "failed")


def _settings(info: Info[Context, None]) -> Settings:
    return info.context.settings or load_settings()


@strawberry.type(description="One unit of a job: a service of one account in one region (or a subscription/scope).")
class DiscoveryUnit:
    key: str = strawberry.field(description="provider/account/region/service")
    status: str
    attempts: int
    nodes: int
    edges: int
    removed_nodes: int
    removed_edges: int
    changes: int
    anomalies: int
    warnings: list[str]
    errors: list[str]
    seconds: float


@strawberry.type(description="A discovery job: who started it, what it covers, its progress and totals.")
class DiscoveryJob:
    id: strawberry.ID
    provider: str
    scope: str
    started_by: str
    status: str = strawberry.field(description="queued, running, succeeded, partial or failed")
    via: str
    created_at: datetime | None
    finished_at: datetime | None
    units_total: int
    units_staged: int
    units_done: int
    units_failed: int
    nodes: int
    edges: int
    removed_nodes: int
    removed_edges: int
    changes: int
    warnings: list[str]
    errors: list[str]
    seconds: float
    units: list[DiscoveryUnit]


@strawberry.type(description="A progress event of a running job.")
class JobProgress:
    job_id: strawberry.ID
    status: str
    units_total: int
    units_staged: int
    units_done: int
    units_failed: int
    nodes: int
    edges: int
    changes: int
    message: str
    finished: bool
    errors: list[str]


@strawberry.type(description="A discovery queued for the workers.")
class QueuedDiscovery:
    job_id: strawberry.ID
    provider: str
    started_by: str


def _unit(u: UnitRecord) -> DiscoveryUnit:
    return DiscoveryUnit(
        key=u.key,
        status=u.status,
        attempts=u.attempts,
        nodes=u.nodes,
        edges=u.edges,
        removed_nodes=u.removed_nodes,
        removed_edges=u.removed_edges,
        changes=u.changes,
        anomalies=u.anomalies,
        warnings=list(u.warnings),
        errors=list(u.errors),
        seconds=u.seconds,
    )


def to_job(j: JobRecord) -> DiscoveryJob:
    return DiscoveryJob(
        id=strawberry.ID(j.id),
        provider=j.provider,
        scope=j.scope,
        started_by=j.started_by,
        status=j.status,
        via=j.via,
        created_at=j.created_at,
        finished_at=j.finished_at,
        units_total=j.units_total,
        units_staged=j.units_staged,
        units_done=j.units_done,
        units_failed=j.units_failed,
        nodes=j.nodes,
        edges=j.edges,
        removed_nodes=j.removed_nodes,
        removed_edges=j.removed_edges,
        changes=j.changes,
        warnings=list(j.warnings),
        errors=list(j.errors),
        seconds=j.seconds,
        units=[_unit(u) for u in j.units],
    )


def to_progress(p: Progress) -> JobProgress:
    return JobProgress(
        job_id=strawberry.ID(p.job_id),
        status=p.status,
        units_total=p.units_total,
        units_staged=p.units_staged,
        units_done=p.units_done,
        units_failed=p.units_failed,
        nodes=p.nodes,
        edges=p.edges,
        changes=p.changes,
        message=p.message,
        finished=p.finished,
        errors=list(p.errors),
    )


@strawberry.type
class JobQuery:
    @strawberry.field(description="Recent discovery jobs, newest first.", permission_classes=[IsViewer])
    async def discovery_jobs(
        self, info: Info[Context, None], first: int = 20, status: str | None = None
    ) -> list[DiscoveryJob]:
        if status is not None and status not in STATUSES:
            raise QueryInputError(f"unknown job status {status!r}; use one of {', '.join(STATUSES)}")
        jobs = await asyncio.to_thread(list_jobs, info.context.graph, first, status)
        return [to_job(j) for j in jobs]

    @strawberry.field(description="One discovery job with its units.", permission_classes=[IsViewer])
    async def discovery_job(self, info: Info[Context, None], id: strawberry.ID) -> DiscoveryJob:
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
        description="A job's progress until it finishes (graphql-transport-ws).", permission_classes=[IsViewer]
    )
    async def job_progress(self, info: Info[Context, None], job_id: strawberry.ID) -> AsyncGenerator[JobProgress, None]:
        async for event in follow_async(_settings(info).redis.url, str(job_id)):
            yield to_progress(event)
