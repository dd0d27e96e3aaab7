"""App Service TLS and FTP settings, read from Azure Resource Manager as a unit of its own.

The sites Resource Graph returns do not carry ``siteConfig.minTlsVersion`` and ``ftpsState`` reliably (the
site body's ``siteConfig`` is mostly nulls), so the apps come from Resource Graph and each app's settings
from ``GET {site}/config/web``; each becomes one AzureWebAppConfig node that its app points at. An absent
value takes its documented default: minimum TLS 1.2, FTP and FTPS both allowed. An app whose settings the
credentials may not read (403) becomes a warning naming the permission, and the unit then removes nothing in
that subscription; an app deleted in between (404) is skipped. The edge from the app is a reference: the
Resource Graph unit writes the app.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from core.settings import Settings
from graph.rows import Transformed
from ingest.jobs.model import UnitSpec
from ingest.providers.azure.arm import ArmReader, Refused
from ingest.providers.azure.arm_unit import read_each, read_parents, unit_rows
from ingest.providers.azure.builder import (
    Builder,
    account_of,
    arm_row,
    base_props,
    parent_id,
    region_of,
)
from ingest.providers.azure.props import lid
from ingest.providers.azure.query import ArmRow
from ingest.providers.unit import UnitRows

__all__ = [
    "API_VERSION",
    "DEFAULT_FTPS_STATE",
    "DEFAULT_MIN_TLS",
    "SERVICE",
    "SITES_QUERY",
    "AzureWebConfigUnit",
    "WebConfigRead",
    "read_web_configs",
    "transform_web_configs",
]

SERVICE = "web-config"
API_VERSION = "2023-12-01"
SITES_QUERY = "Resources | where type =~ 'microsoft.web/sites' | order by id asc"
LABELS = ("AzureWebAppConfig",)
DEFAULT_MIN_TLS = "1.2"  # App Service enforces TLS 1.2 unless minTlsVersion says otherwise
DEFAULT_FTPS_STATE = "AllAllowed"  # FTP and FTPS are both accepted unless ftpsState says otherwise


@dataclass(frozen=True)
class WebConfigRead:
    """The apps, their config/web bodies, and the apps whose settings could not be read."""

    sites: tuple[ArmRow, ...]
    configs: tuple[ArmRow, ...]
    refused: tuple[Refused, ...]


def read_web_configs(arm: ArmReader, sites: tuple[ArmRow, ...]) -> WebConfigRead:
    def config(site: str) -> list[ArmRow] | Refused | None:
        got = arm.get_one(f"{site}/config/web", API_VERSION)
        return [got] if got is not None and not isinstance(got, Refused) else got

    configs, refused = read_each(sites, config)
    return WebConfigRead(sites, configs, refused)


def _text(value: object, default: str | None = None) -> str | None:
    return str(value) if isinstance(value, str) and value else default


def _config_props(properties: Mapping[str, Any]) -> dict[str, str | bool | None]:
    http2 = properties.get("http20Enabled")
    return {
        "min_tls_version": _text(properties.get("minTlsVersion"), DEFAULT_MIN_TLS),
        "scm_min_tls_version": _text(properties.get("scmMinTlsVersion")),
        "ftps_state": _text(properties.get("ftpsState"), DEFAULT_FTPS_STATE),
        "http20_enabled": http2 if isinstance(http2, bool) else None,
    }


def transform_web_configs(sites: Iterable[ArmRow], configs: Iterable[ArmRow]) -> Transformed:
    """config/web bodies read from ARM -> AzureWebAppConfig nodes, and the edges from their apps (nodes
    another unit writes). A config takes its app's location."""
    location = {lid(s.get("id")): s.get("location") for s in sites}
    b = Builder()
    for item in configs:
        rid = lid(item.get("id"))
        if not rid:
            continue
        site = parent_id(rid, "config")
        row = arm_row(item, location.get(site))
        account = account_of(row)
        app = site.rsplit("/", 1)[-1]
        props = base_props(row, account, region_of(row))
        properties = item.get("properties")
        props.update(_config_props(properties if isinstance(properties, Mapping) else {}))
        props.update(name=f"{app} config/web", app=app)
        b.node("AzureWebAppConfig", rid, props)
        b.edge("HAS_CONFIG", ("AzureWebApp", site), "AzureWebAppConfig", rid)
    return Transformed(tuple(b.nodes), tuple(b.edges))


def _warning(r: Refused) -> str:
    return (
        f"azure web app {r.path.rsplit('/config/', 1)[0]}: TLS and FTP settings not readable ({r.reason}); "
        "grant Microsoft.Web/sites/config/read (e.g. the Reader role); its subscription's settings were kept"
    )


@dataclass(frozen=True)
class AzureWebConfigUnit:
    service: str = SERVICE

    def read(self, spec: UnitSpec, settings: Settings) -> UnitRows:
        """``spec.source``: the subscriptions, comma-separated (empty: every visible one)."""
        containers, read = read_parents(spec, settings, SITES_QUERY, read_web_configs)
        return unit_rows(transform_web_configs(read.sites, read.configs), containers, read.refused, LABELS, _warning)
