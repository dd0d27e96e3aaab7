"""Estimate every resource's monthly cost and store it on the node (``monthly_cost_usd``, ``cost_basis``).

``estimate_all(graph, settings)`` is the post-sync hook (``ingest.jobs.hooks.POST_SYNC``): it reads every
``Resource`` node, prices it with ``queries.cost.pricing`` and the current price snapshot, and writes
the estimate back in batches. A resource that cannot be priced gets no ``monthly_cost_usd`` and a
``cost_basis`` starting with ``not priced:`` that says why; it is counted in the summary.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from core.settings import Settings
from graph.neo4j.client import Graph
from queries.cost.prices_snapshot import PriceSnapshot, load_prices
from queries.cost.pricing import CostInput, Estimate, estimate
from queries.records import to_python

log = logging.getLogger(__name__)

NOT_PRICED = "not priced: "
_BATCH = 2000

_READ = (
    "MATCH (n:Resource) "
    "RETURN n.id AS id, n.kind AS kind, n.provider AS provider, n.region AS region, properties(n) AS props"
)
_WRITE = (
    "UNWIND $rows AS row MATCH (n:Resource {id: row.id}) SET n.monthly_cost_usd = row.usd, n.cost_basis = row.basis"
)


@dataclass(frozen=True)
class EstimateSummary:
    """What one estimation pass did."""

    snapshot: str
    resources: int
    priced: int
    total_usd: float
    not_priced: int
    not_priced_by_kind: tuple[tuple[str, int], ...]

    def line(self) -> str:
        kinds = ", ".join(f"{k} {n}" for k, n in self.not_priced_by_kind[:8])
        return (
            f"estimated {self.priced} of {self.resources} resources: ${self.total_usd:,.2f}/month; "
            f"not priced: {self.not_priced}{f' ({kinds})' if kinds else ''}; {self.snapshot}"
        )


def to_input(id_: str, kind: str, provider: str, region: str, props: dict[str, object]) -> CostInput:
    return CostInput(id_, kind, provider or "", region or "", {k: to_python(v) for k, v in props.items()})


_READ_KINDS = (
    "MATCH (n:Resource) WHERE n.kind IN $kinds "
    "RETURN n.id AS id, n.kind AS kind, n.provider AS provider, n.region AS region, properties(n) AS props"
)


def estimate_graph(graph: Graph, prices: PriceSnapshot, kinds: Collection[str] | None = None) -> EstimateSummary:
    """Estimate every resource, or those of ``kinds`` (each estimate reads only its own resource's properties)."""
    rows: list[dict[str, object]] = []
    total, priced, count = 0.0, 0, 0
    missing: Counter[str] = Counter()

    def flush() -> None:
        if rows:
            graph.write(_WRITE, {"rows": list(rows)})
            rows.clear()

    read = graph.stream(_READ) if kinds is None else graph.stream(_READ_KINDS, {"kinds": sorted(kinds)})
    records = [(r["id"], r["kind"], r["provider"], r["region"], dict(r["props"])) for r in read]
    for id_, kind, provider, region, props in records:
        count += 1
        outcome = estimate(to_input(id_, kind, provider, region, props), prices)
        if isinstance(outcome, Estimate):
            priced += 1
            total += outcome.usd
            rows.append({"id": id_, "usd": outcome.usd, "basis": outcome.basis})
        else:
            missing[kind] += 1
            rows.append({"id": id_, "usd": None, "basis": NOT_PRICED + outcome.reason})
        if len(rows) >= _BATCH:
            flush()
    flush()
    summary = EstimateSummary(
        snapshot=prices.label,
        resources=count,
        priced=priced,
        total_usd=round(total, 2),
        not_priced=sum(missing.values()),
        not_priced_by_kind=tuple(sorted(missing.items(), key=lambda kv: (-kv[1], kv[0]))),
    )
    log.info("%s", summary.line())
    return summary


def estimate_all(graph: Graph, settings: Settings) -> EstimateSummary:
    """Post-sync hook: estimate every resource with the current price snapshot."""
    return estimate_graph(graph, load_prices(settings))
