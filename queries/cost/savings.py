"""Savings advice: every rule of ``queries.cost.savings_rules`` run against the graph, priced with the snapshot.

``savings(graph, settings)`` returns each rule's outcome -- evaluated (with its items) or *needs data*
(the rule depends on a property, such as CPU utilisation, that no resource carries) -- and the items
of all rules ordered by their estimated monthly saving.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Literal

from core.settings import Settings
from graph.neo4j.client import Graph
from queries.cost.prices_snapshot import PriceSnapshot, load_prices
from queries.cost.savings_rules import RULES, Candidate, Rule, rule_params
from queries.records import node_record

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Saving:
    """One way to save money, with its estimated monthly saving and reasoning."""

    rule: str
    resource_id: str
    kind: str
    name: str
    provider: str
    account: str
    region: str
    monthly_saving_usd: float
    reasoning: str


@dataclass(frozen=True)
class RuleOutcome:
    """What a savings rule found, or that it needs data the graph does not hold."""

    rule: str
    title: str
    status: Literal["evaluated", "needs data"] = field(metadata={"doc": "evaluated, or 'needs data'."})
    note: str
    items: int
    monthly_saving_usd: float


@dataclass(frozen=True)
class SavingsReport:
    """Savings advice, largest saving first."""

    rules: tuple[RuleOutcome, ...]
    items: tuple[Saving, ...]
    total_usd: float = field(metadata={"doc": "Sum of every item's monthly saving (not only the first)."})
    snapshot_label: str


def _has_property(graph: Graph, name: str) -> bool:
    rows = graph.read("MATCH (n:Resource) WHERE n[$p] IS NOT NULL RETURN count(n) > 0 AS any", {"p": name})
    return bool(rows[0]["any"])


def _run_rule(graph: Graph, rule: Rule, prices: PriceSnapshot, params: dict[str, object]) -> list[Saving]:
    found: list[Saving] = []
    for rec in graph.read(rule.query, params):
        node = node_record(rec["n"])
        extra = tuple(node_record(x) for x in rec.get("extra") or [])
        advice = rule.price(Candidate(node, extra), prices)
        if advice is None:
            continue
        found.append(
            Saving(
                rule=rule.slug,
                resource_id=node.id,
                kind=node.kind,
                name=node.str_prop("name") or "",
                provider=node.str_prop("provider") or "",
                account=node.str_prop("account") or "",
                region=node.str_prop("region") or "",
                monthly_saving_usd=round(advice.monthly_saving_usd, 2),
                reasoning=advice.reasoning,
            )
        )
    return found


def evaluate_savings(graph: Graph, prices: PriceSnapshot, max_snapshot_age_days: int = 90) -> SavingsReport:
    params = rule_params(int(time.time() * 1000), max_snapshot_age_days)
    outcomes: list[RuleOutcome] = []
    items: list[Saving] = []
    for rule in RULES:
        if rule.needs_property and not _has_property(graph, rule.needs_property):
            outcomes.append(
                RuleOutcome(
                    rule.slug,
                    rule.title,
                    "needs data",
                    f"no resource carries {rule.needs_property}: utilisation metrics are not discovered yet, "
                    "so this rule cannot say which instances are over-provisioned",
                    0,
                    0.0,
                )
            )
            continue
        found = _run_rule(graph, rule, prices, params)
        usd = round(sum(s.monthly_saving_usd for s in found), 2)
        outcomes.append(RuleOutcome(rule.slug, rule.title, "evaluated", "", len(found), usd))
        items += found
    items.sort(key=lambda s: (-s.monthly_saving_usd, s.rule, s.resource_id))
    report = SavingsReport(
        rules=tuple(outcomes),
        items=tuple(items),
        total_usd=round(sum(s.monthly_saving_usd for s in items), 2),
        snapshot_label=prices.label,
    )
    log.info("savings: %s items, $%.2f/month, %s rules", len(items), report.total_usd, len(outcomes))
    return report


def savings(graph: Graph, settings: Settings) -> SavingsReport:
    return evaluate_savings(graph, load_prices(settings), settings.cost.snapshot_max_age_days)
