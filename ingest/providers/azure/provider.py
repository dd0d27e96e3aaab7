"""Azure as a provider of the sync pipeline: one Resource Graph unit per subscription.

A unit reads its subscription (or, when none is configured, every subscription the credentials see:
Resource Graph takes many per query) and cleans up per subscription it saw (azure, subscription id,
every region, every Azure label). A subscription Resource Graph did not return (no access, wrong id)
fails its unit with a warning, and nothing of it is removed. An unreachable endpoint or rejected
credentials fail the unit with a one-line error before anything is written.
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
from ingest.providers.azure.transform import SUBSCRIPTION_TYPE, transform_azure
from ingest.providers.unit import UnitRows

__all__ = ["ALL_SUBSCRIPTIONS", "AZURE", "AzureProvider", "AzureUnit", "visible_subscriptions"]

ALL_SUBSCRIPTIONS = "*"
SERVICE = "resource-graph"


def visible_subscriptions(payload: AzurePayload) -> tuple[str, ...]:
    """Subscription ids Resource Graph returned a subscription row for (lower-case, sorted)."""
    return tuple(
        sorted({lid(r.get("subscriptionId")) for r in payload.containers if lid(r.get("type")) == SUBSCRIPTION_TYPE})
    )


@dataclass(frozen=True)
class AzureUnit:
    service: str = SERVICE

    def read(self, spec: UnitSpec, settings: Settings) -> UnitRows:
        requested = () if spec.account == ALL_SUBSCRIPTIONS else (spec.account,)
        client = make_client(settings)
        with client, azure_errors(settings.azure_endpoint):
            payload = fetch_azure(client, requested, settings.azure_page_size, https_required(settings))
        seen = visible_subscriptions(payload)
        if requested and spec.account not in seen:
            raise UnitFailedError(
                f"{spec.key}: subscription not visible to these credentials in Resource Graph; "
                "skipped, nothing removed",
                warning=True,
            )
        rows = transform_azure(payload)
        scopes = tuple(Scope("azure", sub, ALL_REGIONS, LABELS) for sub in seen)
        return UnitRows(rows.nodes, rows.edges, scopes)


@dataclass(frozen=True)
class AzureProvider:
    name: str = "azure"

    def configured(self, settings: Settings) -> bool:
        return bool(settings.azure_subscriptions)

    def plan(self, request: JobRequest, settings: Settings, warnings: list[str]) -> tuple[UnitSpec, ...]:
        """One unit per subscription asked for (or configured); one over every visible one when none is."""
        asked = request.accounts if request.provider == self.name else ()
        subs = tuple(lid(s) for s in (asked or settings.azure_subscriptions) if lid(s))
        return tuple(UnitSpec("azure", sub, "*", SERVICE, sub) for sub in subs or (ALL_SUBSCRIPTIONS,))

    def unit(self, spec: UnitSpec) -> AzureUnit:
        return AzureUnit()

    def failure(self, spec: UnitSpec, exc: BaseException) -> UnitFailedError | None:
        return None  # the client's errors are project errors already (``azure_errors``)


AZURE = AzureProvider()
