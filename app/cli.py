"""The `aidiscover` command line.

    aidiscover services up|down|status [--only neo4j|redis]
    aidiscover discover aws|azure|gcp|all [--region R ...] [--account A ...] [--via-worker] [--full]
    aidiscover jobs [ID]
    aidiscover history prune [--dry-run]
    aidiscover serve
    aidiscover worker | beat
    aidiscover config
    aidiscover ask "QUESTION" [--json]

Expected failures (``AIDiscoverError``) print one line, ``error: <cause and fix>``, and exit 2;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence

from core.errors import AIDiscoverError, ConfigError
from core.logs import configure_logging
from core.settings import Settings, load_settings, settings_table

log = logging.getLogger(__name__)

Handler = Callable[[Settings, argparse.Namespace], int]

# Each area of the product declares its own subcommands in its own module, as a function
# ``register(sub: argparse._SubParsersAction) -> None`` that adds parsers with ``set_defaults(handler=...)``.
# List the module here (one line each).
COMMAND_MODULES: tuple[str, ...] = (
    "app.cli_ops",
    "app.cli_auth",
    "app.cli_accounts",
    "app.cli_jobs",
    "app.cli_history",
    "app.cli_cost",
    "app.cli_findings",
    "app.cli_deps",
    "app.cli_ask",
)
# Commands that must start fast: their module alone is imported when the command line names them (the other
# modules load API, cloud and LLM libraries that `ask` does not need).
FAST_COMMANDS: dict[str, str] = {"ask": "app.cli_ask"}
# Commands this module declares itself: naming one imports none of ``COMMAND_MODULES`` (the API's auth store,
# GraphQL, cost and findings code), which `aidiscover discover` would otherwise load before its first call.
OWN_COMMANDS = frozenset({"services", "discover", "serve", "demo", "demo-estate", "worker", "beat", "config"})


def _services(settings: Settings, args: argparse.Namespace) -> int:
    from graph.server import services

    names = tuple(args.only) if args.only else services.ALL_SERVICES
    action = {"up": services.up, "down": services.down, "status": services.status}[args.action]
    statuses = action(settings, names)
    for st in statuses:
        print(st.line())
    if args.action == "status" and not all(st.running for st in statuses):
        return 1
    return 0


def _discover(settings: Settings, args: argparse.Namespace) -> int:
    """Discover the chosen provider(s) as a job with live progress (in this process, or --via-worker);
    `all` means AWS plus Azure and GCP when they are configured."""
    from app.cli_jobs import discover

    return discover(settings, args)


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from app.server import check_api_port, serve

    check_api_port(settings.api)
    serve(settings)
    return 0


def _not_installed(settings: Settings, args: argparse.Namespace) -> int:
    """The demo and its estates need the development clouds, which only a source checkout has."""
    raise ConfigError(
        f"`aidiscover {args.command}` is not part of the installed product: "
        "the demo runs from a source checkout with `make demo`"
    )


def _migrate_secrets(settings: Settings) -> None:
    """Move secrets an older version left in Neo4j into the secret store before workers read accounts."""
    from app.secret_migration import migrate_at_startup
    from graph.neo4j.client import Graph

    with Graph(settings.neo4j, settings.redis) as graph:
        migrate_at_startup(graph, settings)


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    from app.worker import run_worker

    _migrate_secrets(settings)
    return run_worker(settings, concurrency=args.concurrency)


def _beat(settings: Settings, args: argparse.Namespace) -> int:
    from app.worker import run_beat

    _migrate_secrets(settings)
    return run_beat(settings)


def _config(settings: Settings, args: argparse.Namespace) -> int:
    for row in settings_table():
        print(f"{row.env:32} {row.default:28} {row.description}")
    return 0


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Every subcommand; for a command of ``FAST_COMMANDS`` only that one; for one of ``OWN_COMMANDS`` only
    this module's own."""
    parser = argparse.ArgumentParser(prog="aidiscover", description="Multi-cloud resource knowledge graph.")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)
    if command in FAST_COMMANDS:
        importlib.import_module(FAST_COMMANDS[command]).register(sub)
        return parser

    p = sub.add_parser("services", help="start, stop or inspect the local Neo4j and Redis")
    p.add_argument("action", choices=["up", "down", "status"])
    p.add_argument("--only", action="append", choices=["neo4j", "redis"], help="limit to one service")
    p.set_defaults(handler=_services)

    p = sub.add_parser("discover", help="discover a cloud estate into the graph")
    p.add_argument("provider", choices=["aws", "azure", "gcp", "all"], help="all: AWS, plus Azure/GCP when configured")
    p.add_argument("--region", action="append", help="AWS region to discover (repeatable); default: settings")
    p.add_argument("--account", action="append", help="account / subscription / GCP scope to discover (repeatable)")
    p.add_argument("--via-worker", action="store_true", help="queue the job for Celery workers and follow it")
    p.add_argument("--timeout", type=float, default=3600.0, help="seconds --via-worker follows before giving up")
    p.add_argument(
        "--full",
        action="store_true",
        help="reconcile every row and edge with the graph, whatever the units' digests say (repairs nodes and edges "
        "removed behind the sync's back; see AIDISCOVER_SYNC_FULL_RECONCILE_EVERY)",
    )
    p.set_defaults(handler=_discover)

    p = sub.add_parser("serve", help="serve the GraphQL API and the viewer")
    p.set_defaults(handler=_serve)

    for name in ("demo", "demo-estate"):  # these moved to a source checkout's `make demo`
        p = sub.add_parser(name, add_help=False, prefix_chars="\0")  # every argument, options too, is accepted
        p.add_argument("rest", nargs="*")
        p.set_defaults(handler=_not_installed)

    p = sub.add_parser("worker", help="run a Celery worker for discovery tasks")
    p.add_argument("--concurrency", type=int, default=2)
    p.set_defaults(handler=_worker)

    p = sub.add_parser("beat", help="run the Celery beat scheduler")
    p.set_defaults(handler=_beat)

    p = sub.add_parser("config", help="print every setting, its variable and default")
    p.set_defaults(handler=_config)

    if command not in OWN_COMMANDS:
        for module in COMMAND_MODULES:
            importlib.import_module(module).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    command = next((w for w in words if not w.startswith("-")), None)
    args = build_parser(command).parse_args(words)
    try:
        settings = load_settings()
        configure_logging("DEBUG" if args.verbose else settings.log.level, settings.log.format)
        handler: Handler = args.handler
        return handler(settings, args)
    except AIDiscoverError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
