"""`aidiscover history prune [--dry-run]`: apply the retention settings to the graph's bookkeeping now.

Finished jobs, their per-unit records and the change records past their count or age
(``AIDISCOVER_RETENTION_*``, ``AIDISCOVER_HISTORY_RETENTION_DAYS``) are removed, as after every discovery job.
Exit codes: 0 done (or, with --dry-run, nothing to remove), 1 a dry run found something to remove,
2 an error (the graph is unreachable, a setting is invalid).
"""

from __future__ import annotations

import argparse

from core.settings import Settings

__all__ = ["register"]


def _prune(settings: Settings, args: argparse.Namespace) -> int:
    from graph.neo4j.client import Graph
    from ingest.jobs.retention import enforce

    r = settings.retention
    limits = (
        f"keeping {r.jobs or 'all'} job(s) of up to {r.job_days or 'any number of'} day(s), unit records of "
        f"{r.unit_jobs or 'all'} job(s) of up to {r.unit_days or 'any number of'} day(s), {r.changes or 'all'} "
        f"change record(s) of up to {settings.jobs.history_retention_days or 'any number of'} day(s)"
    )
    with Graph(settings.neo4j, settings.redis) as graph:
        graph.verify()  # unreachable: one clear error now, not the driver's retries
        report = enforce(graph, settings.retention, settings.jobs, dry_run=args.dry_run)
    print(f"history prune: {report.line()} ({limits})")
    return 1 if args.dry_run and report.total else 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("history", help="the graph's bookkeeping: jobs, unit records, change records")
    actions = p.add_subparsers(dest="history_action", required=True)
    prune = actions.add_parser(
        "prune", help="remove the jobs, unit records and change records past their retention (AIDISCOVER_RETENTION_*)"
    )
    prune.add_argument("--dry-run", action="store_true", help="count what would be removed; exit 1 when anything")
    prune.set_defaults(handler=_prune)
