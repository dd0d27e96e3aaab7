"""Cost rollups over the stored estimates: by provider, account, region, kind or the value of a tag key."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from core.errors import QueryInputError
from graph.neo4j.client import Graph
from graph.tags import tag_prefix
from queries.cost.estimate import NOT_PRICED
from queries.cost.prices_snapshot import PriceSnapshot
from queries.records import node_record

GroupBy = Literal["provider", "account", "region", "kind", "tag"]
GROUPS: tuple[GroupBy, ...] = ("provider", "account", "region", "kind", "tag")
UNTAGGED = "(untagged)"
_TAG_KEY = re.compile(r"^[^=]{1,128}$")

_BY_FIELD = (
    "MATCH (n:Resource) WHERE n.monthly_cost_usd IS NOT NULL "
    "WITH coalesce(n[$field], '(none)') AS key, n.monthly_cost_usd AS usd "
    "RETURN key, sum(usd) AS usd, count(*) AS resources ORDER BY usd DESC, key"
)
_BY_TAG = (
    "MATCH (n:Resource) WHERE n.monthly_cost_usd IS NOT NULL "
    "WITH [t IN coalesce(n.tags, []) WHERE t STARTS WITH $prefix | substring(t, size($prefix))] AS values, "
    "n.monthly_cost_usd AS usd "
    "WITH CASE WHEN size(values) = 0 THEN $untagged ELSE values[0] END AS key, usd "
    "RETURN key, sum(usd) AS usd, count(*) AS resources ORDER BY usd DESC, key"
)
_COUNTS = (
    "MATCH (n:Resource) RETURN count(n) AS resources, "
    "count(n.monthly_cost_usd) AS priced, sum(coalesce(n.monthly_cost_usd, 0.0)) AS total, "
    "sum(CASE WHEN n.cost_basis STARTS WITH $np THEN 1 ELSE 0 END) AS not_priced, "
    "sum(CASE WHEN n.cost_basis IS NULL THEN 1 ELSE 0 END) AS not_estimated"
)
_NOT_PRICED = "MATCH (n:Resource) WHERE n.cost_basis STARTS WITH $np RETURN n ORDER BY n.kind, n.id LIMIT $limit"


@dataclass(frozen=True)
class CostGroup:
    """Estimated monthly cost of one group of resources."""

    key: str
    monthly_usd: float
    resources: int


@dataclass(frozen=True)
class NotPricedItem:
    """A resource with no estimate, and why."""

    id: str
    kind: str
    name: str
    reason: str


@dataclass(frozen=True)
class CostSummary:
    """Totals and groups of the stored estimates, with the snapshot they were priced with."""

    by: GroupBy
    tag_key: str | None
    groups: tuple[CostGroup, ...]
    total_usd: float
    resources: int = field(metadata={"doc": "Every resource in the graph."})
    priced: int = field(metadata={"doc": "Resources with an estimate ($0 for kinds that are not billed)."})
    not_priced: int = field(metadata={"doc": "Resources with no list price in the snapshot or no cost model."})
    # no cost_basis at all: estimation has not run since these were written
    not_estimated: int = field(metadata={"doc": "Resources written since the last estimation pass."})
    not_priced_items: tuple[NotPricedItem, ...] = field(metadata={"doc": "The first 50 not priced."})
    snapshot_label: str
    snapshot_source: str
    snapshot_date: str


def cost_summary(
    graph: Graph, prices: PriceSnapshot, by: GroupBy = "provider", tag_key: str | None = None, limit: int = 50
) -> CostSummary:
    if by not in GROUPS:
        raise QueryInputError(f"cannot group costs by {by!r}; use one of {', '.join(GROUPS)}")
    if by == "tag":
        if not tag_key or not _TAG_KEY.match(tag_key):
            raise QueryInputError("grouping by tag needs a tag key (e.g. team or env) without '='")
        rows = graph.read(_BY_TAG, {"prefix": tag_prefix(tag_key), "untagged": UNTAGGED})
    else:
        rows = graph.read(_BY_FIELD, {"field": by})
    groups = tuple(CostGroup(str(r["key"]), round(float(r["usd"]), 2), int(r["resources"])) for r in rows)
    counts = graph.read(_COUNTS, {"np": NOT_PRICED})[0]
    items = []
    for rec in graph.read(_NOT_PRICED, {"np": NOT_PRICED, "limit": max(0, min(limit, 1000))}):
        node = node_record(rec["n"])
        basis = node.str_prop("cost_basis") or ""
        items.append(NotPricedItem(node.id, node.kind, node.str_prop("name") or "", basis.removeprefix(NOT_PRICED)))
    return CostSummary(
        by=by,
        tag_key=tag_key if by == "tag" else None,
        groups=groups,
        total_usd=round(float(counts["total"] or 0.0), 2),
        resources=int(counts["resources"]),
        priced=int(counts["priced"]),
        not_priced=int(counts["not_priced"]),
        not_estimated=int(counts["not_estimated"]),
        not_priced_items=tuple(items),
        snapshot_label=prices.label,
        snapshot_source=prices.source,
        snapshot_date=prices.date,
    )


@dataclass(frozen=True)
class ResourceCost:
    """One resource's estimate and how it was computed."""

    id: str
    kind: str
    name: str
    monthly_usd: float | None
    basis: str


def resource_cost(graph: Graph, id_: str) -> ResourceCost | None:
    rows = graph.read("MATCH (n:Resource {id: $id}) RETURN n", {"id": id_})
    if not rows:
        return None
    node = node_record(rows[0]["n"])
    usd = node.properties.get("monthly_cost_usd")
    return ResourceCost(
        node.id,
        node.kind,
        node.str_prop("name") or "",
        float(usd) if isinstance(usd, int | float) and not isinstance(usd, bool) else None,
        node.str_prop("cost_basis") or "not estimated yet: run a discovery or `aidiscover cost --estimate`",
    )
