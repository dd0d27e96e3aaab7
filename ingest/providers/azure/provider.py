"""Azure as a provider of the sync pipeline: one Resource Graph unit over every subscription asked for,
and units reading from ARM what Resource Graph does not index: SQL server firewall rules, and App Service
TLS and FTP settings.

Resource Graph takes many subscriptions per query, and the transform resolves references between
subscriptions (a peering to a hub network, a private endpoint to a shared store) within the one
payload, so the unit reads the requested subscriptions together (or, when none is configured, every
subscription the credentials see) and cleans up per subscription it saw (azure, subscription id,
every region, every Azure label). A requested subscription Resource Graph did not return (no access,
wrong id) becomes the unit's warning, and nothing of it is removed. An unreachable endpoint or
rejected credentials fail the unit with a one-line error before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import UnitFailedError
from core.settings import Settings
from graph.rows import ALL_REGIONS, Scope
from graph.schema.azure import LABELS
from ingest.jobs.model import JobRequest, UnitSpec
from ingest.providers.azure.client import azure_errors, https_required, make_client
from ingest.providers.azure.props import lid
from ingest.providers.azure.query import AzurePayload, fetch_azure
from ingest.providers.azure.sql_firewall import SERVICE as SQL_FIREWALL
from ingest.providers.azure.sql_firewall import AzureSqlFirewallUnit
from ingest.providers.azure.transform import SUBSCRIPTION_TYPE, read_azure
from ingest.providers.azure.web_config import SERVICE as WEB_CONFIG
from ingest.providers.azure.web_config import AzureWebConfigUnit
from ingest.providers.references import unresolved_warning
from ingest.providers.unit import UnitRows

__all__ = ["ALL_SUBSCRIPTIONS", "AZURE", "AzureProvider", "AzureUnit", "visible_subscriptions"]

ALL_SUBSCRIPTIONS = "*"
SERVICE = "resource-graph"
# The labels the Resource Graph unit owns: SQL firewall rules and web app settings are read (and cleaned up)
# by their own units.
GRAPH_LABELS = tuple(label for label in LABELS if label not in ("AzureSqlFirewallRule", "AzureWebAppConfig"))


def visible_subscriptions(payload: AzurePayload) -> tuple[str, ...]:
    """Subscription ids Resource Graph returned a subscription row for (lower-case, sorted)."""
    return tuple(
        sorted({lid(r.get("subscriptionId")) for r in payload.containers if lid(r.get("type")) == SUBSCRIPTION_TYPE})
    )


@dataclass(frozen=True)
class AzureUnit:
    service: str = SERVICE

    def read(self, spec: UnitSpec, settings: Settings) -> UnitRows:
        """``spec.source``: the subscriptions, comma-separated (empty: every visible one)."""
        requested = tuple(s for s in spec.source.split(",") if s)
        client = make_client(settings.azure)
        with client, azure_errors(settings.azure.endpoint):
            payload = fetch_azure(client, requested, settings.azure.page_size, https_required(settings.azure))
        seen = visible_subscriptions(payload)
        warnings = tuple(
            f"subscription {s}: not visible to these credentials in Resource Graph; skipped, nothing removed"
            for s in requested
            if s not in seen
        )
        read = read_azure(payload)
        unknown = unresolved_warning(spec.key, read.unresolved)
        scopes = tuple(Scope("azure", sub, ALL_REGIONS, GRAPH_LABELS) for sub in seen)
        return UnitRows(read.rows.nodes, read.rows.edges, scopes, warnings=(*warnings, *filter(None, [unknown])))


@dataclass(frozen=True)
class AzureProvider:
    name: str = "azure"

    def configured(self, settings: Settings) -> bool:
        return bool(settings.azure.subscriptions)

    def plan(self, request: JobRequest, settings: Settings, warnings: list[str]) -> tuple[UnitSpec, ...]:
        """Over the subscriptions asked for, else those configured, else every visible one: the Resource Graph
        unit and the ARM units (SQL firewall rules, web app settings)."""
        asked = request.accounts if request.provider == self.name else ()
        subs = ",".join(dict.fromkeys(lid(s) for s in (asked or settings.azure.subscriptions) if lid(s)))
        return (
            UnitSpec("azure", ALL_SUBSCRIPTIONS, "*", SERVICE, subs),
            UnitSpec("azure", ALL_SUBSCRIPTIONS, "*", SQL_FIREWALL, subs),
            UnitSpec("azure", ALL_SUBSCRIPTIONS, "*", WEB_CONFIG, subs),
        )

    def unit(self, spec: UnitSpec) -> AzureUnit | AzureSqlFirewallUnit | AzureWebConfigUnit:
        if spec.service == SQL_FIREWALL:
            return AzureSqlFirewallUnit()
        return AzureWebConfigUnit() if spec.service == WEB_CONFIG else AzureUnit()

    def failure(self, spec: UnitSpec, exc: BaseException) -> UnitFailedError | None:
        return None  # the client's errors are project errors already (``azure_errors``)


AZURE = AzureProvider()
