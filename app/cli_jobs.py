"""`aidiscover discover` as a job (in this process, or `--via-worker` through Celery) with live
progress bars, and `aidiscover jobs [ID]` to list or show recorded jobs.

The bars are plain text: on a terminal one line is redrawn in place; when the output is a file or a
pipe every change is a new line, so a captured run shows the whole progression.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from typing import TextIO

from core.errors import JobError
from core.settings import Settings
from ingest.jobs.model import JobRequest
from ingest.jobs.progress import Progress
from ingest.jobs.store import JobRecord

BAR_WIDTH = 24


def bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    filled = width if total <= 0 else min(width, round(width * done / total))
    return "[" + "#" * filled + "." * (width - filled) + "]"


def render(progress: Progress) -> str:
    total = progress.units_total
    return (
        f"nodes {bar(progress.units_staged, total)} {progress.units_staged}/{total}  "
        f"edges+cleanup {bar(progress.units_done, total)} {progress.units_done}/{total}  "
        f"{progress.nodes} nodes {progress.edges} edges {progress.changes} changes"
        + (f"  {progress.units_failed} failed" if progress.units_failed else "")
        + (f"  {progress.message}" if progress.message else "")
    )


class ProgressPrinter:
    """Prints each new state: redrawn in place on a terminal, one line each otherwise."""

    def __init__(self, out: TextIO = sys.stdout) -> None:
        self.out = out
        self.tty = out.isatty()
        self._last = ""

    def __call__(self, progress: Progress) -> None:
        line = render(progress)
        if line == self._last:
            return
        self._last = line
        if self.tty:
            self.out.write("\r\x1b[K" + line[:200])
        else:
            self.out.write(line + "\n")
        self.out.flush()

    def close(self) -> None:
        if self.tty and self._last:
            self.out.write("\n")
            self.out.flush()


def summary(job: JobRecord) -> str:
    return (
        f"job {job.id} {job.status}: {job.units_total} unit(s), {job.units_failed} failed; {job.nodes} nodes, "
        f"{job.edges} edges in sync, {job.written} written; {job.removed_nodes} stale nodes removed; "
        f"{job.changes} change(s) recorded" + (f"; {job.seconds:.1f} s" if job.seconds else "")
    )


def discover(settings: Settings, args: argparse.Namespace) -> int:
    """`aidiscover discover PROVIDER [--region R] [--account A] [--via-worker] [--full]`."""
    request = JobRequest(args.provider, tuple(args.account or ()), tuple(args.region or ()), "cli", full=args.full)
    printer = ProgressPrinter()
    try:
        job = (
            _via_worker(settings, request, printer, args.timeout)
            if args.via_worker
            else _local(settings, request, printer)
        )
    finally:
        printer.close()
    print(summary(job), flush=True)
    for warning in job.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for error in job.errors:
        print(f"error: {error}", file=sys.stderr)
    return 0 if job.status == "succeeded" else 1


def _local(settings: Settings, request: JobRequest, printer: ProgressPrinter) -> JobRecord:
    from ingest.jobs.local import run_job_local

    return run_job_local(settings, request, on_progress=printer)


def _via_worker(settings: Settings, request: JobRequest, printer: ProgressPrinter, timeout: float) -> JobRecord:
    import redis

    from graph.neo4j.client import Graph
    from ingest.jobs.progress import follow
    from ingest.jobs.reaping import reap_once
    from ingest.jobs.store import get_job
    from ingest.tasks import submit_job

    try:
        job_id = submit_job(settings, request)
    except redis.RedisError as exc:
        raise JobError(f"cannot queue the job on {settings.redis.url} ({exc}); run `aidiscover services up`") from exc
    print(f"job {job_id} queued; following its progress (Ctrl-C stops following, not the job)", flush=True)
    deadline = time.monotonic() + timeout
    client = redis.Redis.from_url(settings.redis.url, socket_connect_timeout=5, socket_timeout=10)
    with Graph(settings.neo4j, settings.redis) as graph, client:
        for event in follow(settings.redis.url, job_id):
            if event is not None:
                printer(event)
                if event.finished:
                    break
            elif time.monotonic() > deadline:
                raise JobError(
                    f"job {job_id} did not finish in {timeout:.0f} s; is a worker running "
                    "(`aidiscover worker`)? follow it with `aidiscover jobs " + job_id + "`"
                )
            else:
                with contextlib.suppress(redis.RedisError):  # Redis down: the follower says so, not the reaper
                    reap_once(settings.jobs, graph, client)
        return get_job(graph, job_id)


def _jobs(settings: Settings, args: argparse.Namespace) -> int:
    from graph.neo4j.client import Graph
    from ingest.jobs.store import get_job, list_jobs

    with Graph(settings.neo4j, settings.redis) as graph:
        if args.id:
            job = get_job(graph, args.id)
            print(summary(job))
            for unit in job.units:
                print(
                    f"  {unit.status:9} {unit.key}  {unit.nodes} nodes {unit.edges} edges "
                    f"{unit.removed_nodes} removed  attempts {unit.attempts}"
                )
            for line in (*job.warnings, *job.errors):
                print(f"  ! {line}")
            return 0
        for job in list_jobs(graph, args.first):
            created = job.created_at.isoformat(timespec="seconds") if job.created_at else "?"
            print(
                f"{created}  {job.status:9} {job.provider:5} {job.id}  by {job.started_by}  "
                f"{job.units_done}/{job.units_total} units  {job.nodes} nodes"
            )
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("jobs", help="list discovery jobs, or show one job's units")
    p.add_argument("id", nargs="?", help="a job id: show its units")
    p.add_argument("--first", type=int, default=20, help="how many recent jobs to list")
    p.set_defaults(handler=_jobs)
