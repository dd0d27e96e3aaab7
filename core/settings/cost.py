"""Cost estimates, savings and `prices refresh`: the price snapshot and the price APIs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from core.settings.base import AreaSettings, split_csv

__all__ = ["CostSettings"]


class CostSettings(AreaSettings):
    """Where prices come from and what counts as a saving."""

    model_config = SettingsConfigDict(env_prefix="AIDISCOVER_COST_")

    prices_file: Path | None = Field(
        None,
        description="Price snapshot (JSON) to estimate with; empty: the newest of <data_dir>/prices/*.json "
        "(written by `aidiscover prices refresh`) and the snapshot shipped in queries/cost/prices.",
    )
    snapshot_max_age_days: int = Field(
        90, ge=1, description="EBS snapshots older than this many days are reported as a possible saving."
    )
    aws_pricing_url: str = Field(
        "https://pricing.us-east-1.amazonaws.com",
        description="AWS Price List bulk API base (offer index and per-region offer files) for `prices refresh`.",
    )
    azure_prices_url: str = Field(
        "https://prices.azure.com/api/retail/prices", description="Azure Retail Prices API for `prices refresh`."
    )
    gcp_billing_url: str = Field(
        "https://cloudbilling.googleapis.com", description="GCP Cloud Billing Catalog API base for `prices refresh`."
    )
    gcp_api_key: SecretStr | None = Field(
        None, repr=False, description="API key for the Cloud Billing Catalog API (GCP prices are skipped without)."
    )
    refresh_regions: Annotated[tuple[str, ...], NoDecode] = Field(
        ("us-east-1", "eu-west-1", "eastus", "westeurope", "us-central1", "europe-west1"),
        description="Comma-separated regions `prices refresh` fetches (AWS, Azure and GCP names mixed).",
    )
    refresh_timeout: float = Field(60.0, gt=0, description="Seconds per price API request.")

    @field_validator("refresh_regions", mode="before")
    @classmethod
    def _split_regions(cls, value: object) -> object:
        return split_csv(value)
