"""Helpers for the job tests: real Celery worker processes, a comparable snapshot of the graph, waiting for jobs."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import neo4j.time

from core.settings import Settings
from graph.neo4j.client import Graph
from graph.rows import HASH_PROPERTIES
from graph.schema import SCHEMA, STAMP_PROPERTIES
from ingest.jobs.store import JobRecord, get_job, reap_stalled

ROOT = Path(__file__).resolve().parents[2]
# What discovery writes: the cloud kinds (not jobs, history, findings or other provider-"any" labels)
DISCOVERED = sorted(k.label for k in SCHEMA.nodes if k.provider != "any")


class Worker:
    """``celery -A app.worker worker`` as a process group of its own (so SIGKILL reaches its children)."""

    def __init__(self, env: Mapping[str, str], log_dir: Path, concurrency: int = 1, name: str = "w1") -> None:
        self.log = log_dir / f"worker-{name}.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        argv = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "app.worker",
            "worker",
            f"--concurrency={concurrency}",
            f"--hostname={name}@%h",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
        ]
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(
                argv, cwd=ROOT, env=dict(env), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool children), as a crash or OOM kill would."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def worker_env(settings: Settings, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, "REDIS_URL": settings.redis.url, "AIDISCOVER_LOG_LEVEL": "INFO"}
    return {**env, **(extra or {})}


def _plain(value: Any) -> Any:
    if isinstance(value, neo4j.time.DateTime):
        return value.to_native().isoformat()
    if isinstance(value, list):
        return tuple(value)
    return value


# Bookkeeping, not the estate: sync stamps, the writer's content hashes, the generation that derived an edge.
BOOKKEEPING = STAMP_PROPERTIES | HASH_PROPERTIES | {"derived_at"}


def snapshot(graph: Graph) -> tuple[frozenset[Any], frozenset[Any]]:
    """Every discovered node (labels, properties but the bookkeeping) and relationship between them."""
    nodes = graph.read(
        "MATCH (n) WHERE any(l IN labels(n) WHERE l IN $kinds) RETURN labels(n) AS l, properties(n) AS p",
        {"kinds": DISCOVERED},
    )
    edges = graph.read(
        "MATCH (a)-[r]->(b) WHERE any(l IN labels(a) WHERE l IN $kinds) AND any(l IN labels(b) WHERE l IN $kinds) "
        "RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p",
        {"kinds": DISCOVERED},
    )
    return (
        frozenset(
            (
                tuple(sorted(r["l"])),
                tuple(sorted((k, _plain(v)) for k, v in r["p"].items() if k not in BOOKKEEPING)),
            )
            for r in nodes
        ),
        frozenset(
            (
                r["a"],
                r["t"],
                r["b"],
                tuple(sorted((k, _plain(v)) for k, v in r["p"].items() if k not in BOOKKEEPING)),
            )
            for r in edges
        ),
    )


def duplicate_ids(graph: Graph) -> list[str]:
    rows = graph.read("MATCH (n) WHERE n.id IS NOT NULL WITH n.id AS id, count(*) AS c WHERE c > 1 RETURN id")
    return [r["id"] for r in rows]


def wait_for_job(graph: Graph, job_id: str, timeout: float, stall_seconds: int | None = None) -> JobRecord:
    """Poll the graph until the job is finished (reaping it after ``stall_seconds`` without progress)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):  # not recorded yet, or Neo4j restarting
            job = get_job(graph, job_id)
            if job.finished:
                return job
        if stall_seconds is not None:
            reap_stalled(graph, stall_seconds)
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


def wait_until(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if predicate():
                return
        time.sleep(0.3)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def diff(a: tuple[frozenset[Any], frozenset[Any]], b: tuple[frozenset[Any], frozenset[Any]]) -> str:
    """What differs between two snapshots (for assertion messages)."""
    lines = [f"only left: {x}" for x in sorted(a[0] - b[0], key=repr)[:5]]
    lines += [f"only right: {x}" for x in sorted(b[0] - a[0], key=repr)[:5]]
    lines += [f"edge only left: {x}" for x in sorted(a[1] - b[1], key=repr)[:5]]
    lines += [f"edge only right: {x}" for x in sorted(b[1] - a[1], key=repr)[:5]]
    return "\n".join(lines)
