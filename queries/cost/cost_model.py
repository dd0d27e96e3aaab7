"""The vocabulary of the cost models: what a model reads (CostInput), what it returns (Estimate or NotPriced),
and the helpers that word a basis the same way everywhere (``t3.large us-east-1 $0.0832/h x 730 h``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from graph.rows import PropValue
from queries.cost.prices_snapshot import HOURS_PER_MONTH, Price, PriceSnapshot


@dataclass(frozen=True)
class CostInput:
    """What a cost model reads of a resource node."""

    id: str
    kind: str
    provider: str
    region: str
    props: Mapping[str, PropValue]

    def s(self, name: str) -> str:
        value = self.props.get(name)
        return value if isinstance(value, str) else ""

    def n(self, name: str) -> float | None:
        value = self.props.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value)

    def b(self, name: str) -> bool:
        return self.props.get(name) is True


@dataclass(frozen=True)
class Estimate:
    usd: float
    basis: str


@dataclass(frozen=True)
class NotPriced:
    reason: str


Outcome = Estimate | NotPriced
Model = Callable[[CostInput, PriceSnapshot], Outcome]


def money(usd: float) -> str:
    return f"${usd:,.2f}"


def rate(usd: float) -> str:
    return f"${usd:.4f}".rstrip("0").rstrip(".") if usd < 1 else f"${usd:,.2f}"


def hourly(price: Price, what: str, count: float = 1.0) -> Estimate:
    usd = price.usd * HOURS_PER_MONTH * count
    times = f" x {count:g}" if count != 1 else ""
    return Estimate(usd, f"{what} {price.region} {rate(price.usd)}/h x 730 h{times}")


def missing(what: str, region: str) -> NotPriced:
    return NotPriced(f"no list price for {what} in {region or 'an unknown region'} in the snapshot")


def flat(price: Price | None, what: str, region: str) -> Outcome:
    """A per-hour or per-month flat price of one resource."""
    if price is None:
        return missing(what, region)
    if price.unit == "month":
        note = f" ({price.note})" if price.note else ""
        return Estimate(price.usd, f"{what} {price.region} {money(price.usd)}/month{note}")
    est = hourly(price, what, 1)
    return Estimate(est.usd, est.basis + (f" ({price.note})" if price.note else ""))
