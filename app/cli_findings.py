"""Security findings subcommands.

aidiscover rules list [--provider aws|azure|gcp] [--severity S]
aidiscover findings [--severity S ...] [--provider P] [--status open|resolved|suppressed] [--limit N] [--evaluate]
aidiscover suppress (--rule ID | --resource ID | --tag KEY=VALUE ...) --reason TEXT (--days N | --until DATE)
aidiscover unsuppress SUPPRESSION_ID
aidiscover suppressions [--all]
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from typing import Any

from core.errors import QueryInputError
from core.settings import Settings

SEVERITIES = ("critical", "high", "medium", "low", "info")
PROVIDERS = ("aws", "azure", "gcp")


def _rules(settings: Settings, args: argparse.Namespace) -> int:
    from queries.findings.catalogue import select

    rules = select(args.provider, args.severity)
    for rule in rules:
        print(f"{rule.id:<52} {rule.severity:<8} {rule.provider:<6} {'; '.join(rule.benchmarks)}")
    print(f"{len(rules)} rules")
    return 0


def _findings(settings: Settings, args: argparse.Namespace) -> int:
    from graph.neo4j.client import Graph
    from queries.findings.read import FindingFilter, finding_counts, search_findings

    flt = FindingFilter(
        severities=tuple(args.severity or ()),
        providers=tuple(args.provider or ()),
        statuses=tuple(args.status or ("open",)),
    )
    with Graph(settings.neo4j, settings.redis) as graph:
        if args.evaluate:
            from ingest.jobs.hooks import evaluate_findings

            report = evaluate_findings(graph, settings)
            print(report.summary())
        counts = finding_counts(graph, flt)
        page = search_findings(graph, flt, first=args.limit)
    for f in page.items:
        print(f"{f.severity:<8} {f.status:<10} {f.rule_id:<48} {f.resource_id}")
        if args.commands:
            print(f"         fix: {f.command}")
    shown = ", ".join(f"{counts[s]} {s}" for s in SEVERITIES)
    more = f" (showing {len(page.items)}; raise --limit for more)" if page.has_next else ""
    print(f"{page.total} findings: {shown}{more}")
    return 0


def _expiry(args: argparse.Namespace) -> datetime:
    if args.until:
        try:
            when = datetime.fromisoformat(args.until)
        except ValueError:
            raise QueryInputError(
                f"--until {args.until!r} is not a date; use e.g. 2026-12-31 or 2026-12-31T12:00"
            ) from None
        return when if when.tzinfo else when.replace(tzinfo=UTC)
    return datetime.now(UTC) + timedelta(days=args.days)


def _suppress(settings: Settings, args: argparse.Namespace) -> int:
    from graph.neo4j.client import Graph
    from queries.findings.suppressions import create_suppression

    with Graph(settings.neo4j, settings.redis) as graph:
        sup = create_suppression(
            graph,
            reason=args.reason,
            expires_at=_expiry(args),
            created_by=args.by,
            rule_id=args.rule,
            resource_id=args.resource,
            tag=args.tag,
        )
    what = ", ".join(
        f"{k}={v}" for k, v in (("rule", sup.rule_id), ("resource", sup.resource_id), ("tag", sup.tag)) if v
    )
    print(f"suppression {sup.id}: {what} until {sup.expires_at.isoformat()} ({sup.reason})")
    return 0


def _unsuppress(settings: Settings, args: argparse.Namespace) -> int:
    from graph.neo4j.client import Graph
    from queries.findings.suppressions import delete_suppression

    with Graph(settings.neo4j, settings.redis) as graph:
        removed = delete_suppression(graph, args.id)
    if not removed:
        raise QueryInputError(f"no suppression {args.id!r}; list them with `aidiscover suppressions --all`")
    print(f"suppression {args.id} removed; its findings are open again unless another suppression matches")
    return 0


def _suppressions(settings: Settings, args: argparse.Namespace) -> int:
    from graph.neo4j.client import Graph
    from queries.findings.suppressions import list_suppressions

    now = datetime.now(UTC)
    with Graph(settings.neo4j, settings.redis) as graph:
        found = list_suppressions(graph, include_expired=args.all, now=now)
    for s in found:
        state = "active" if s.active(now) else "expired"
        what = " ".join(f"{k}={v}" for k, v in (("rule", s.rule_id), ("resource", s.resource_id), ("tag", s.tag)) if v)
        print(f"{s.id}  {state:<7} until {s.expires_at.isoformat()}  {what}  ({s.reason}, by {s.created_by})")
    print(f"{len(found)} suppressions")
    return 0


def register(sub: Any) -> None:
    rules = sub.add_parser("rules", help="the security rule catalogue")
    rules_sub = rules.add_subparsers(dest="rules_action", required=True)
    p = rules_sub.add_parser("list", help="list rules: id, severity, provider, benchmark references")
    p.add_argument("--provider", choices=PROVIDERS)
    p.add_argument("--severity", choices=SEVERITIES)
    p.set_defaults(handler=_rules)

    p = sub.add_parser("findings", help="security findings in the graph (open ones unless --status)")
    p.add_argument("--severity", choices=SEVERITIES, action="append", help="repeat for several")
    p.add_argument("--provider", choices=PROVIDERS, action="append")
    p.add_argument("--status", choices=("open", "resolved", "suppressed"), action="append")
    p.add_argument("--limit", type=int, default=50, help="findings to print (1-500, default 50)")
    p.add_argument("--commands", action="store_true", help="print each finding's fix command")
    p.add_argument("--evaluate", action="store_true", help="evaluate every rule first (a sync does this too)")
    p.set_defaults(handler=_findings)

    p = sub.add_parser("suppress", help="accept matching findings until a date (by rule, resource and/or tag)")
    p.add_argument("--rule", help="a rule id (aidiscover rules list)")
    p.add_argument("--resource", help="a resource id")
    p.add_argument("--tag", help="key=value: resources with this tag")
    p.add_argument("--reason", required=True, help="why the risk is accepted")
    until = p.add_mutually_exclusive_group()
    until.add_argument("--days", type=int, default=30, help="expire after this many days (default 30)")
    until.add_argument("--until", help="expire at this date/time (ISO 8601; UTC unless a zone is given)")
    p.add_argument("--by", default="cli", help="who accepts the risk (recorded)")
    p.set_defaults(handler=_suppress)

    p = sub.add_parser("unsuppress", help="remove a suppression")
    p.add_argument("id", help="suppression id (aidiscover suppressions)")
    p.set_defaults(handler=_unsuppress)

    p = sub.add_parser("suppressions", help="list suppressions")
    p.add_argument("--all", action="store_true", help="include expired ones")
    p.set_defaults(handler=_suppressions)
