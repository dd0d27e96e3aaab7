"""GraphQL: monthly cost estimates, their rollups and savings advice (viewer role).

Every answer names the price snapshot it was priced with (source and date), since list prices
change and the shipped snapshot was transcribed by hand.
"""

from __future__ import annotations

import asyncio
from enum import Enum

import strawberry
from strawberry.types import Info

from app.api.context import Context
from app.api.permissions import IsViewer
from app.api.records import Extra, Shape, derive, to_graphql
from core.errors import QueryInputError
from core.settings import Settings, load_settings
from queries.cost import rollups
from queries.cost.prices_snapshot import PriceSnapshot, load_prices
from queries.cost.rollups import GroupBy, cost_summary, resource_cost
from queries.cost.savings import RuleOutcome, Saving, SavingsReport, evaluate_savings

MAX_SAVINGS = 1000


def _settings(info: Info[Context, None]) -> Settings:
    return info.context.settings or load_settings()


@strawberry.enum(description="What to group costs by.")
class CostGroupBy(Enum):
    PROVIDER = "provider"
    ACCOUNT = "account"
    REGION = "region"
    KIND = "kind"
    TAG = "tag"


PriceSnapshotInfo = derive(
    Shape(
        PriceSnapshot,
        name="PriceSnapshotInfo",
        description="The list prices estimates are computed with.",
        fields=("label", "source", "date", "fetched", "currency", "source_urls"),
        exclude={"prices": "thousands of prices: the answers carry what each was priced at", "path": "a server path"},
    )
)
_PRICES = {"prices": Extra(PriceSnapshotInfo)}
_SNAPSHOT = "the prices field shows the whole snapshot"
CostGroup = derive(Shape(rollups.CostGroup))
NotPricedResource = derive(Shape(rollups.NotPricedItem, name="NotPricedResource", ids=frozenset()))
CostSummary = derive(
    Shape(
        rollups.CostSummary,
        description="Estimated monthly list-price cost (730 h/month), grouped.",
        types={"by": CostGroupBy},
        rename={"not_priced_items": "not_priced_resources"},
        exclude={"snapshot_label": _SNAPSHOT, "snapshot_source": _SNAPSHOT, "snapshot_date": _SNAPSHOT},
        extra=_PRICES,
    )
)
ResourceCost = derive(Shape(rollups.ResourceCost, ids=frozenset(), extra=_PRICES))
SavingItem = derive(Shape(Saving, name="SavingItem"))
SavingsRule = derive(Shape(RuleOutcome, name="SavingsRule"))
Savings = derive(
    Shape(
        SavingsReport,
        name="Savings",
        fields=("total_usd", "total_items", "items", "rules", "prices"),
        exclude={"snapshot_label": _SNAPSHOT},
        extra={"total_items": Extra(int), **_PRICES},
    )
)


@strawberry.type
class CostQuery:
    @strawberry.field(
        description="Estimated monthly cost grouped by provider, account, region, kind or a tag key (`tagKey`).",
        permission_classes=[IsViewer],
        graphql_type=CostSummary,
    )
    async def cost_summary(
        self, info: Info[Context, None], by: CostGroupBy = CostGroupBy.PROVIDER, tag_key: str | None = None
    ) -> object:
        prices = await asyncio.to_thread(load_prices, _settings(info))
        group: GroupBy = by.value
        s = await asyncio.to_thread(cost_summary, info.context.graph, prices, group, tag_key)
        return to_graphql(s, prices=to_graphql(prices))

    @strawberry.field(
        description="One resource's monthly estimate and its basis, or null.",
        permission_classes=[IsViewer],
        graphql_type=ResourceCost | None,
    )
    async def resource_cost(self, info: Info[Context, None], id: strawberry.ID) -> object:
        prices = await asyncio.to_thread(load_prices, _settings(info))
        c = await asyncio.to_thread(resource_cost, info.context.graph, str(id))
        return None if c is None else to_graphql(c, prices=to_graphql(prices))

    @strawberry.field(
        description="Savings advice, largest monthly saving first.", permission_classes=[IsViewer], graphql_type=Savings
    )
    async def savings(self, info: Info[Context, None], first: int = 50) -> object:
        if not 0 <= first <= MAX_SAVINGS:
            raise QueryInputError(f"first must be between 0 and {MAX_SAVINGS}; ask for fewer items")
        settings = _settings(info)
        prices = await asyncio.to_thread(load_prices, settings)
        report = await asyncio.to_thread(
            evaluate_savings, info.context.graph, prices, settings.cost.snapshot_max_age_days
        )
        return to_graphql(report, items=report.items[:first], total_items=len(report.items), prices=to_graphql(prices))
