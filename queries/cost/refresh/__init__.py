"""`aidiscover prices refresh`: rebuild the price snapshot from the providers' public price APIs.

AWS Price List bulk files and the Azure Retail Prices API need no credentials; the GCP Cloud Billing
Catalog needs ``AIDISCOVER_COST_GCP_API_KEY`` (GCP is skipped without it). Prices the APIs did not
return are carried over from the current snapshot and marked so in their note; the new snapshot is
written to ``<data_dir>/prices/prices-<date>.json`` (or ``--out``) and is used from then on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from core.errors import PriceDataError
from core.settings import Settings
from queries.cost.prices_snapshot import Price, PriceSnapshot, load_prices, refreshed_dir
from queries.cost.refresh.aws import fetch_aws
from queries.cost.refresh.azure import fetch_azure
from queries.cost.refresh.gcp import fetch_gcp

log = logging.getLogger(__name__)

AZURE_REGIONS = frozenset(
    {
        "eastus",
        "eastus2",
        "westus2",
        "westeurope",
        "northeurope",
        "uksouth",
        "germanywestcentral",
        "francecentral",
        "southeastasia",
        "australiaeast",
        "japaneast",
        "centralus",
    }
)


def _provider_of(region: str) -> str:
    if region in AZURE_REGIONS or (region.isalpha() and region.islower()):
        return "azure"
    parts = region.split("-")
    return "aws" if len(parts) == 3 and parts[2].isdigit() else "gcp"


@dataclass(frozen=True)
class RefreshResult:
    written: Path | None
    fetched: dict[str, int]
    carried_over: int
    notes: tuple[str, ...]

    def lines(self) -> list[str]:
        out = [f"{p}: {n} prices fetched" for p, n in sorted(self.fetched.items())]
        out += [f"note: {n}" for n in self.notes]
        if self.written:
            out.append(f"carried over from the previous snapshot: {self.carried_over}")
            out.append(f"wrote {self.written}")
        else:
            out.append("error: no price was fetched; nothing written (the current snapshot stays in use)")
        return out


def refresh_prices(settings: Settings, providers: tuple[str, ...], out: Path | None = None) -> RefreshResult:
    regions = {p: [r for r in settings.cost.refresh_regions if _provider_of(r) == p] for p in ("aws", "azure", "gcp")}
    fetched: list[Price] = []
    counts: dict[str, int] = {}
    notes: list[str] = []
    with httpx.Client(timeout=settings.cost.refresh_timeout, follow_redirects=True) as client:
        for provider in providers:
            try:
                if provider == "aws":
                    found, more = fetch_aws(client, settings.cost.aws_pricing_url.rstrip("/"), regions["aws"])
                elif provider == "azure":
                    found, more = fetch_azure(client, settings.cost.azure_prices_url, regions["azure"])
                elif settings.cost.gcp_api_key is None:
                    found, more = [], ["gcp skipped: set AIDISCOVER_COST_GCP_API_KEY (Cloud Billing Catalog API key)"]
                else:
                    key = settings.cost.gcp_api_key.get_secret_value()
                    found, more = fetch_gcp(client, settings.cost.gcp_billing_url.rstrip("/"), key, regions["gcp"])
            except PriceDataError as exc:
                found, more = [], [f"{provider} failed: {exc}"]
            counts[provider] = len(found)
            fetched += found
            notes += more
    if not fetched:
        return RefreshResult(None, counts, 0, tuple(notes))
    current = load_prices(settings)
    keys = {p.key for p in fetched}
    carried = [
        Price(
            p.provider,
            p.service,
            p.kind,
            p.region,
            p.unit,
            p.usd,
            f"carried over from the snapshot of {current.date}" + (f"; {p.note}" if p.note else ""),
        )
        for p in current.prices
        if p.key not in keys
    ]
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    snapshot = PriceSnapshot(
        source=f"Fetched from the public price APIs ({', '.join(p for p in providers if counts.get(p))}) on {today}: "
        f"{len(fetched)} prices; {len(carried)} prices the APIs did not return were carried over from the "
        f"snapshot of {current.date} (their note says so).",
        date=today,
        fetched=True,
        currency="USD",
        prices=tuple(fetched + carried),
        source_urls=(settings.cost.aws_pricing_url, settings.cost.azure_prices_url, settings.cost.gcp_billing_url),
    )
    path = out or refreshed_dir(settings) / f"prices-{today}.json"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(snapshot.to_json(), encoding="utf-8")
    except OSError as exc:
        raise PriceDataError(f"cannot write {path} ({exc.strerror}); choose another --out") from None
    log.info("wrote price snapshot %s: %s fetched, %s carried over", path, len(fetched), len(carried))
    return RefreshResult(path, counts, len(carried), tuple(notes))
