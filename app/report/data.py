"""What the report shows, read from the graph into frozen records: inventory, internet exposure, findings,
cost and savings. The same records feed the HTML report and the CSV/JSON exports."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from core.settings import Settings
from graph.neo4j.client import Graph
from queries.cost.prices_snapshot import PriceSnapshot, load_prices
from queries.cost.rollups import CostSummary, cost_summary
from queries.cost.savings import SavingsReport, evaluate_savings
from queries.exposure import MAX_FIRST, exposure_paths
from queries.records import to_python

log = logging.getLogger(__name__)
SEVERITIES = ("critical", "high", "medium", "low", "info")


@dataclass(frozen=True)
class Count:
    key: str
    count: int


@dataclass(frozen=True)
class InventoryRow:
    id: str
    kind: str
    provider: str
    account: str
    region: str
    name: str
    monthly_cost_usd: float | None
    cost_basis: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class ExposedResource:
    id: str
    kind: str
    name: str
    provider: str
    account: str
    region: str
    ports: tuple[str, ...]


@dataclass(frozen=True)
class FindingRow:
    id: str
    rule_id: str
    title: str
    severity: str
    status: str
    provider: str
    account: str
    region: str
    resource_id: str
    resource_kind: str
    resource_name: str
    remediation: str


@dataclass(frozen=True)
class ReportData:
    generated_at: datetime
    resources: int
    by_provider: tuple[Count, ...]
    by_kind: tuple[Count, ...]
    by_region: tuple[Count, ...]
    exposed: tuple[ExposedResource, ...]
    exposure_truncated: bool
    findings_evaluated: bool
    findings_by_severity: tuple[Count, ...]
    findings: tuple[FindingRow, ...]  # open findings, most severe first
    cost_by_provider: CostSummary
    cost_by_kind: CostSummary
    savings: SavingsReport
    prices: PriceSnapshot


def _counts(graph: Graph, field: str) -> tuple[Count, ...]:
    rows = graph.read(
        "MATCH (n:Resource) RETURN coalesce(n[$f], '(none)') AS key, count(*) AS c ORDER BY c DESC, key", {"f": field}
    )
    return tuple(Count(str(r["key"]), int(r["c"])) for r in rows)


def inventory(graph: Graph) -> list[InventoryRow]:
    rows = graph.stream(
        "MATCH (n:Resource) RETURN n.id AS id, n.kind AS kind, n.provider AS provider, n.account AS account, "
        "n.region AS region, n.name AS name, n.monthly_cost_usd AS usd, n.cost_basis AS basis, n.tags AS tags "
        "ORDER BY n.provider, n.account, n.kind, n.id"
    )
    return [
        InventoryRow(
            str(r["id"]),
            str(r["kind"]),
            str(r["provider"] or ""),
            str(r["account"] or ""),
            str(r["region"] or ""),
            str(r["name"] or ""),
            float(r["usd"]) if r["usd"] is not None else None,
            str(r["basis"] or ""),
            tuple(str(t) for t in r["tags"] or ()),
        )
        for r in rows
    ]


def findings(graph: Graph) -> list[FindingRow]:
    rows = graph.read("MATCH (f:Finding) RETURN f ORDER BY f.id")
    out = []
    for rec in rows:
        p = {k: to_python(v) for k, v in rec["f"].items()}
        v = [
            p.get(n)
            for n in (
                "id",
                "rule_id",
                "title",
                "severity",
                "status",
                "provider",
                "account",
                "region",
                "resource_id",
                "resource_kind",
                "resource_name",
                "remediation",
            )
        ]
        out.append(FindingRow(*(x if isinstance(x, str) else "" for x in v)))
    rank = {sev: n for n, sev in enumerate(SEVERITIES)}
    out.sort(key=lambda f: (rank.get(f.severity, len(rank)), f.rule_id, f.resource_id))
    return out


def exposed_resources(graph: Graph) -> tuple[tuple[ExposedResource, ...], bool]:
    """Resources the internet can reach (helper queries.exposure), one row each with the ports of every path."""
    paths = exposure_paths(graph, first=MAX_FIRST)
    ports: dict[str, list[str]] = defaultdict(list)
    refs = {}
    for path in paths:
        refs[path.resource.id] = path.resource
        if path.ports_text not in ports[path.resource.id]:
            ports[path.resource.id].append(path.ports_text)
    exposed = tuple(
        ExposedResource(r.id, r.kind, r.name, r.provider, r.account, r.region, tuple(ports[r.id]))
        for r in sorted(refs.values(), key=lambda r: (r.provider, r.kind, r.name, r.id))
    )
    return exposed, len(paths) >= MAX_FIRST


def collect(graph: Graph, settings: Settings) -> ReportData:
    prices = load_prices(settings)
    found = findings(graph)
    severities: dict[str, int] = defaultdict(int)
    for f in found:
        if f.status == "open":
            severities[f.severity] += 1
    exposed, truncated = exposed_resources(graph)
    total = graph.read("MATCH (n:Resource) RETURN count(n) AS c")[0]["c"]
    return ReportData(
        generated_at=datetime.now(UTC),
        resources=int(total),
        by_provider=_counts(graph, "provider"),
        by_kind=_counts(graph, "kind"),
        by_region=_counts(graph, "region"),
        exposed=exposed,
        exposure_truncated=truncated,
        findings_evaluated=bool(found),
        findings_by_severity=tuple(Count(s, severities.get(s, 0)) for s in SEVERITIES),
        findings=tuple(f for f in found if f.status == "open"),
        cost_by_provider=cost_summary(graph, prices, "provider"),
        cost_by_kind=cost_summary(graph, prices, "kind"),
        savings=evaluate_savings(graph, prices, settings.cost.snapshot_max_age_days),
        prices=prices,
    )
