"""`aidiscover prices|cost|savings|report`: list prices, monthly estimates, savings advice and the report.

aidiscover prices show
aidiscover prices refresh [--provider aws|azure|gcp ...] [--out FILE]
aidiscover cost [--by provider|account|region|kind|tag] [--tag-key KEY] [--estimate]
aidiscover savings [--first N]
aidiscover report --out DIR
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any

from core.settings import Settings
from graph.neo4j.client import Graph
from queries.cost.prices_snapshot import load_prices
from queries.cost.pricing import money


def _prices_show(settings: Settings, args: argparse.Namespace) -> int:
    prices = load_prices(settings)
    print(prices.label)
    print(f"file: {prices.path}")
    print(f"source: {prices.source}")
    for (provider, service), n in sorted(Counter((p.provider, p.service) for p in prices.prices).items()):
        regions = sorted({p.region for p in prices.prices if (p.provider, p.service) == (provider, service)})
        print(f"  {provider:6} {service:20} {n:4} prices  {', '.join(regions)}")
    return 0


def _prices_refresh(settings: Settings, args: argparse.Namespace) -> int:
    from queries.cost.refresh import refresh_prices

    result = refresh_prices(settings, tuple(args.provider or ("aws", "azure", "gcp")), args.out)
    for line in result.lines():
        print(line)
    return 0 if result.written else 1


def _cost(settings: Settings, args: argparse.Namespace) -> int:
    from queries.cost.estimate import estimate_graph
    from queries.cost.rollups import cost_summary

    prices = load_prices(settings)
    with Graph(settings.neo4j, settings.redis) as graph:
        if args.estimate:
            print(estimate_graph(graph, prices).line())
        s = cost_summary(graph, prices, args.by, args.tag_key)
    print(f"estimated monthly cost by {args.by}{f' ({args.tag_key})' if args.tag_key else ''}:")
    for g in s.groups:
        print(f"  {g.key:40} {money(g.monthly_usd):>14}  {g.resources:6} resources")
    print(f"  {'total':40} {money(s.total_usd):>14}  {s.priced:6} of {s.resources} resources priced")
    print(f"not priced: {s.not_priced}")
    for item in s.not_priced_items[:10]:
        print(f"  {item.kind} {item.name}: {item.reason}")
    if s.not_estimated:
        print(f"{s.not_estimated} resources were written since the last estimate: run `aidiscover cost --estimate`")
    print(f"prices: {s.snapshot_label}")
    return 0


def _savings(settings: Settings, args: argparse.Namespace) -> int:
    from queries.cost.savings import evaluate_savings

    prices = load_prices(settings)
    with Graph(settings.neo4j, settings.redis) as graph:
        report = evaluate_savings(graph, prices, settings.cost.snapshot_max_age_days)
    for o in report.rules:
        status = f"{o.items} item(s), {money(o.monthly_saving_usd)}/month" if o.status == "evaluated" else o.note
        print(f"  {o.rule:30} {status}")
    for item in report.items[: args.first]:
        print(f"{money(item.monthly_saving_usd):>12}/month  {item.rule}  {item.kind} {item.name}: {item.reasoning}")
    print(f"possible saving: {money(report.total_usd)}/month over {len(report.items)} item(s); prices: {prices.label}")
    return 0


def _report(settings: Settings, args: argparse.Namespace) -> int:
    from app.report.write import write_report

    with Graph(settings.neo4j, settings.redis) as graph:
        paths = write_report(graph, settings, Path(args.out))
    for path in paths:
        print(path)
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("prices", help="the list-price snapshot costs are estimated with")
    actions = p.add_subparsers(dest="prices_action", required=True)
    show = actions.add_parser("show", help="which snapshot is used, where it comes from, what it holds")
    show.set_defaults(handler=_prices_show)
    refresh = actions.add_parser("refresh", help="fetch current list prices from the providers' public price APIs")
    refresh.add_argument("--provider", action="append", choices=("aws", "azure", "gcp"), help="repeatable")
    refresh.add_argument("--out", type=Path, help="file to write (default: <data dir>/prices/prices-<date>.json)")
    refresh.set_defaults(handler=_prices_refresh)
    p = sub.add_parser("cost", help="estimated monthly cost, grouped")
    p.add_argument("--by", choices=("provider", "account", "region", "kind", "tag"), default="provider")
    p.add_argument("--tag-key", help="the tag key to group by with --by tag (e.g. team, env)")
    p.add_argument("--estimate", action="store_true", help="estimate every resource first")
    p.set_defaults(handler=_cost)
    p = sub.add_parser("savings", help="savings advice with estimated monthly savings")
    p.add_argument("--first", type=int, default=30, help="how many items to print (largest first)")
    p.set_defaults(handler=_savings)
    p = sub.add_parser("report", help="write report.html and CSV/JSON exports of inventory, findings and costs")
    p.add_argument("--out", required=True, help="directory to write to")
    p.set_defaults(handler=_report)
