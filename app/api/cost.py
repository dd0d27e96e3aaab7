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
from core.errors import QueryInputError
from core.settings import Settings, load_settings
from queries.cost.prices_snapshot import PriceSnapshot, load_prices
from queries.cost.rollups import GroupBy, cost_summary, resource_cost
from queries.cost.savings import evaluate_savings

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


@strawberry.type(description="The list prices estimates are computed with.")
class PriceSnapshotInfo:
    label: str = strawberry.field(description="One line: how the prices were obtained, when, how many.")
    source: str = strawberry.field(description="Where the prices come from, and how (fetched or transcribed).")
    date: str = strawberry.field(description="When they were fetched or transcribed (YYYY-MM-DD).")
    fetched: bool = strawberry.field(description="True when fetched from the price APIs, false when transcribed.")
    currency: str
    source_urls: list[str]


def _snapshot(p: PriceSnapshot) -> PriceSnapshotInfo:
    return PriceSnapshotInfo(
        label=p.label,
        source=p.source,
        date=p.date,
        fetched=p.fetched,
        currency=p.currency,
        source_urls=list(p.source_urls),
    )


@strawberry.type(description="Estimated monthly cost of one group of resources.")
class CostGroup:
    key: str
    monthly_usd: float
    resources: int


@strawberry.type(description="A resource with no estimate, and why.")
class NotPricedResource:
    id: str
    kind: str
    name: str
    reason: str


@strawberry.type(description="Estimated monthly list-price cost (730 h/month), grouped.")
class CostSummary:
    by: CostGroupBy
    tag_key: str | None
    groups: list[CostGroup]
    total_usd: float
    resources: int = strawberry.field(description="Every resource in the graph.")
    priced: int = strawberry.field(description="Resources with an estimate ($0 for kinds that are not billed).")
    not_priced: int = strawberry.field(description="Resources with no list price in the snapshot or no cost model.")
    not_estimated: int = strawberry.field(description="Resources written since the last estimation pass.")
    not_priced_resources: list[NotPricedResource] = strawberry.field(description="The first 50 not priced.")
    prices: PriceSnapshotInfo


@strawberry.type(description="One resource's estimate and how it was computed.")
class ResourceCost:
    id: str
    kind: str
    name: str
    monthly_usd: float | None
    basis: str
    prices: PriceSnapshotInfo


@strawberry.type(description="One way to save money, with its estimated monthly saving and reasoning.")
class SavingItem:
    rule: str
    resource_id: str
    kind: str
    name: str
    provider: str
    account: str
    region: str
    monthly_saving_usd: float
    reasoning: str


@strawberry.type(description="What a savings rule found, or that it needs data the graph does not hold.")
class SavingsRule:
    rule: str
    title: str
    status: str = strawberry.field(description="evaluated, or 'needs data'.")
    note: str
    items: int
    monthly_saving_usd: float


@strawberry.type(description="Savings advice, largest saving first.")
class Savings:
    total_usd: float = strawberry.field(description="Sum of every item's monthly saving (not only the first).")
    total_items: int
    items: list[SavingItem]
    rules: list[SavingsRule]
    prices: PriceSnapshotInfo


@strawberry.type
class CostQuery:
    @strawberry.field(
        description="Estimated monthly cost grouped by provider, account, region, kind or a tag key (`tagKey`).",
        permission_classes=[IsViewer],
    )
    async def cost_summary(
        self, info: Info[Context, None], by: CostGroupBy = CostGroupBy.PROVIDER, tag_key: str | None = None
    ) -> CostSummary:
        prices = await asyncio.to_thread(load_prices, _settings(info))
        group: GroupBy = by.value
        s = await asyncio.to_thread(cost_summary, info.context.graph, prices, group, tag_key)
        return CostSummary(
            by=by,
            tag_key=s.tag_key,
            groups=[CostGroup(key=g.key, monthly_usd=g.monthly_usd, resources=g.resources) for g in s.groups],
            total_usd=s.total_usd,
            resources=s.resources,
            priced=s.priced,
            not_priced=s.not_priced,
            not_estimated=s.not_estimated,
            not_priced_resources=[
                NotPricedResource(id=i.id, kind=i.kind, name=i.name, reason=i.reason) for i in s.not_priced_items
            ],
            prices=_snapshot(prices),
        )

    @strawberry.field(
        description="One resource's monthly estimate and its basis, or null.", permission_classes=[IsViewer]
    )
    async def resource_cost(self, info: Info[Context, None], id: strawberry.ID) -> ResourceCost | None:
        prices = await asyncio.to_thread(load_prices, _settings(info))
        c = await asyncio.to_thread(resource_cost, info.context.graph, str(id))
        if c is None:
            return None
        return ResourceCost(
            id=c.id, kind=c.kind, name=c.name, monthly_usd=c.monthly_usd, basis=c.basis, prices=_snapshot(prices)
        )

    @strawberry.field(description="Savings advice, largest monthly saving first.", permission_classes=[IsViewer])
    async def savings(self, info: Info[Context, None], first: int = 50) -> Savings:
        if not 0 <= first <= MAX_SAVINGS:
            raise QueryInputError(f"first must be between 0 and {MAX_SAVINGS}; ask for fewer items")
        settings = _settings(info)
        prices = await asyncio.to_thread(load_prices, settings)
        report = await asyncio.to_thread(
            evaluate_savings, info.context.graph, prices, settings.cost.snapshot_max_age_days
        )
        return Savings(
            total_usd=report.total_usd,
            total_items=len(report.items),
            items=[
                SavingItem(
                    rule=s.rule,
                    resource_id=s.resource_id,
                    kind=s.kind,
                    name=s.name,
                    provider=s.provider,
                    account=s.account,
                    region=s.region,
                    monthly_saving_usd=s.monthly_saving_usd,
                    reasoning=s.reasoning,
                )
                for s in report.items[:first]
            ],
            rules=[
                SavingsRule(
                    rule=o.rule,
                    title=o.title,
                    status=o.status,
                    note=o.note,
                    items=o.items,
                    monthly_saving_usd=o.monthly_saving_usd,
                )
                for o in report.rules
            ],
            prices=_snapshot(prices),
        )
