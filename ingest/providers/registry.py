"""The providers the sync pipeline knows, by name."""

from __future__ import annotations

from core.errors import ConfigError
from ingest.providers.aws.provider import AWS
from ingest.providers.azure.provider import AZURE
from ingest.providers.gcp.provider import GCP
from ingest.providers.unit import Provider

__all__ = ["PROVIDERS", "provider"]

PROVIDERS: dict[str, Provider] = {p.name: p for p in (AWS, AZURE, GCP)}


def provider(name: str) -> Provider:
    try:
        return PROVIDERS[name]
    except KeyError:
        raise ConfigError(f"unknown provider {name!r}; use {', '.join(PROVIDERS)} or all") from None
