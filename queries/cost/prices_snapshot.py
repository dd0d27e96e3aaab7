"""Dated snapshots of public list prices: the file format, loading, choosing the newest, and lookups.

A snapshot is a JSON document::

    {"source": "...", "transcribed_at" | "fetched_at": "YYYY-MM-DD...", "currency": "USD",
     "source_urls": [...], "prices": [{"provider", "service", "kind", "region", "unit", "usd", "note"?}]}

The repository ships one hand-transcribed snapshot in ``queries/cost/prices/``; ``aidiscover prices refresh``
writes fetched ones to ``<data_dir>/prices/``. ``load_prices(settings)`` returns the newest (by its date)
unless ``AIDISCOVER_COST_PRICES_FILE`` names one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from core.errors import PriceDataError
from core.settings import Settings

log = logging.getLogger(__name__)

PACKAGED_DIR = Path(__file__).with_name("prices")
HOURS_PER_MONTH = 730.0
PriceKey = tuple[str, str, str, str]  # provider, service, kind, region


@dataclass(frozen=True)
class Price:
    """One list price: ``usd`` per ``unit`` (hour, GB-month, month, ...) of a kind of a service in a region."""

    provider: str
    service: str
    kind: str
    region: str
    unit: str
    usd: float
    note: str = ""

    @property
    def key(self) -> PriceKey:
        return (self.provider, self.service, self.kind, self.region)


@dataclass(frozen=True)
class PriceSnapshot:
    """A set of prices with where they came from and when."""

    source: str = field(metadata={"doc": "Where the prices come from, and how (fetched or transcribed)."})
    date: str = field(metadata={"doc": "When they were fetched or transcribed (YYYY-MM-DD)."})
    fetched: bool = field(metadata={"doc": "True when fetched from the price APIs, false when transcribed."})
    currency: str
    prices: tuple[Price, ...]
    source_urls: tuple[str, ...] = ()
    path: str = ""
    _index: dict[PriceKey, Price] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {p.key: p for p in self.prices})

    def get(self, provider: str, service: str, kind: str, region: str) -> Price | None:
        return self._index.get((provider, service, kind, region))

    @property
    def label(self) -> str:
        """One line: how the prices were obtained, when, how many."""
        how = "fetched from the providers' price APIs" if self.fetched else "transcribed by hand from published pages"
        return f"list prices {how} on {self.date} ({len(self.prices)} prices, {self.currency})"

    def to_json(self) -> str:
        doc = {
            "source": self.source,
            ("fetched_at" if self.fetched else "transcribed_at"): self.date,
            "currency": self.currency,
            "hours_per_month": HOURS_PER_MONTH,
            "source_urls": list(self.source_urls),
            "prices": [
                {
                    "provider": p.provider,
                    "service": p.service,
                    "kind": p.kind,
                    "region": p.region,
                    "unit": p.unit,
                    "usd": p.usd,
                    **({"note": p.note} if p.note else {}),
                }
                for p in sorted(self.prices, key=lambda p: p.key)
            ],
        }
        return json.dumps(doc, indent=1) + "\n"


def parse_snapshot(text: str, path: str = "") -> PriceSnapshot:
    """Parse a snapshot document; raise PriceDataError naming the file and the first problem."""
    where = path or "price snapshot"
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PriceDataError(f"{where} is not JSON ({exc}); fix it or delete it to use the shipped snapshot") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("prices"), list):
        raise PriceDataError(f"{where} has no 'prices' list; fix it or delete it to use the shipped snapshot")
    fetched = "fetched_at" in doc
    date = str(doc.get("fetched_at") or doc.get("transcribed_at") or "")[:10]
    if len(date) != 10:
        raise PriceDataError(f"{where} has no fetched_at or transcribed_at date (YYYY-MM-DD); add one")
    prices = []
    for n, item in enumerate(doc["prices"]):
        try:
            prices.append(
                Price(
                    str(item["provider"]),
                    str(item["service"]),
                    str(item["kind"]),
                    str(item["region"]),
                    str(item["unit"]),
                    float(item["usd"]),
                    str(item.get("note") or ""),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise PriceDataError(
                f"{where}: price #{n} lacks provider/service/kind/region/unit/usd ({exc!r}); fix that entry"
            ) from None
    return PriceSnapshot(
        source=str(doc.get("source") or ""),
        date=date,
        fetched=fetched,
        currency=str(doc.get("currency") or "USD"),
        prices=tuple(prices),
        source_urls=tuple(str(u) for u in doc.get("source_urls") or ()),
        path=path,
    )


def refreshed_dir(settings: Settings) -> Path:
    return settings.data_dir / "prices"


def snapshot_files(settings: Settings) -> list[Path]:
    """Every candidate snapshot: the shipped ones and those `prices refresh` wrote."""
    found: list[Path] = []
    for folder in (PACKAGED_DIR, refreshed_dir(settings)):
        if folder.is_dir():
            found += sorted(folder.glob("*.json"))
    return found


@lru_cache(maxsize=16)
def _load(path: str, mtime: float) -> PriceSnapshot:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise PriceDataError(f"cannot read price snapshot {path} ({exc.strerror}); check the path") from None
    return parse_snapshot(text, path)


def load_file(path: Path) -> PriceSnapshot:
    if not path.is_file():
        raise PriceDataError(f"price snapshot {path} does not exist; set AIDISCOVER_COST_PRICES_FILE to a JSON file")
    return _load(str(path), path.stat().st_mtime)


def newest(snapshots: Iterable[PriceSnapshot]) -> PriceSnapshot:
    """The newest by date; on a tie a fetched snapshot wins over a transcribed one."""
    ranked = sorted(snapshots, key=lambda s: (s.date, s.fetched, s.path))
    if not ranked:
        raise PriceDataError(f"no price snapshot found in {PACKAGED_DIR}; run `aidiscover prices refresh`")
    return ranked[-1]


def load_prices(settings: Settings) -> PriceSnapshot:
    """The snapshot to estimate with (see the module docstring)."""
    if settings.cost.prices_file is not None:
        return load_file(settings.cost.prices_file)
    return newest(load_file(p) for p in snapshot_files(settings))
