"""The providers the sync pipeline knows, by name, each imported when first asked for.

A provider's module brings its cloud's SDK (boto3, the Azure and Google clients: seconds of imports
together), so `aidiscover discover aws` loads AWS's alone."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator, Mapping

from core.errors import ConfigError
from ingest.providers.unit import Provider

__all__ = ["PROVIDERS", "PROVIDER_NAMES", "provider"]

# name -> (module, attribute) of the provider object
_WHERE: dict[str, tuple[str, str]] = {
    "aws": ("ingest.providers.aws.provider", "AWS"),
    "azure": ("ingest.providers.azure.provider", "AZURE"),
    "gcp": ("ingest.providers.gcp.provider", "GCP"),
}
PROVIDER_NAMES: tuple[str, ...] = tuple(_WHERE)


class _Providers(Mapping[str, Provider]):
    """Every provider by name; a provider's module is imported on first access."""

    def __init__(self) -> None:
        self._loaded: dict[str, Provider] = {}
        self._lock = threading.Lock()

    def __getitem__(self, name: str) -> Provider:
        hit = self._loaded.get(name)
        if hit is not None:
            return hit
        module, attribute = _WHERE[name]  # KeyError for an unknown name, as a dict
        with self._lock:
            loaded: Provider = getattr(importlib.import_module(module), attribute)
            self._loaded[name] = loaded
        return loaded

    def __iter__(self) -> Iterator[str]:
        return iter(PROVIDER_NAMES)

    def __len__(self) -> int:
        return len(PROVIDER_NAMES)


PROVIDERS: Mapping[str, Provider] = _Providers()


def provider(name: str) -> Provider:
    try:
        return PROVIDERS[name]
    except KeyError:
        raise ConfigError(f"unknown provider {name!r}; use {', '.join(PROVIDER_NAMES)} or all") from None
