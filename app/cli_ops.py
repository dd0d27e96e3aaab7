"""Operations subcommands: back up the graph to a file and restore it into an empty database.

aidiscover backup [--out FILE]     default: <data_dir>/backups/graph-<UTC time>.jsonl.gz (graph + secret store)
aidiscover restore FILE            refuses a database that holds nodes or a secret store that holds records
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.settings import Settings


def _backup(settings: Settings, args: argparse.Namespace) -> int:
    from graph.backup import backup
    from graph.neo4j.client import Graph

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = Path(args.out) if args.out else settings.data_dir / "backups" / f"graph-{stamp}.jsonl.gz"
    with Graph(settings.neo4j, settings.redis) as graph:
        summary = backup(graph, out)
    print(
        f"backup: {summary.nodes} nodes, {summary.relationships} relationships and {summary.secrets} secret store "
        f"records (hashes and ciphertext; keep the file private) -> {summary.path} "
        f"({summary.path.stat().st_size / 1e6:.1f} MB, {summary.seconds:.1f} s)"
    )
    return 0


def _restore(settings: Settings, args: argparse.Namespace) -> int:
    from graph.backup import restore
    from graph.neo4j.client import Graph

    with Graph(settings.neo4j, settings.redis) as graph:
        summary = restore(graph, Path(args.file))
    print(
        f"restore: {summary.nodes} nodes, {summary.relationships} relationships and {summary.secrets} secret store "
        f"records from {summary.path} "
        f"({summary.seconds:.1f} s)"
    )
    return 0


def _worker_ping(settings: Settings, args: argparse.Namespace) -> int:
    import socket

    from ingest.broker import celery_app

    node = args.node or f"celery@{socket.gethostname()}"
    replies = celery_app(settings).control.ping(destination=[node], timeout=args.timeout)
    if any(node in reply for reply in replies):
        print(f"{node}: pong")
        return 0
    print(
        f"{node} did not answer within {args.timeout} s (is the worker running and REDIS_URL right?)", file=sys.stderr
    )
    return 1


def register(sub: Any) -> None:
    p = sub.add_parser("backup", help="write the graph and the secret store to a gzip JSON-lines file")
    p.add_argument("--out", help="file to write (default: <data dir>/backups/graph-<time>.jsonl.gz)")
    p.set_defaults(handler=_backup)
    p = sub.add_parser("restore", help="load a backup file into an EMPTY graph database and secret store")
    p.add_argument("file", help="a file written by `aidiscover backup`")
    p.set_defaults(handler=_restore)
    p = sub.add_parser("worker-ping", help="exit 0 when this host's Celery worker answers (for container probes)")
    p.add_argument("--node", help="worker node name (default: celery@<this host>)")
    p.add_argument("--timeout", type=float, default=5.0, help="seconds to wait for the answer")
    p.set_defaults(handler=_worker_ping)
