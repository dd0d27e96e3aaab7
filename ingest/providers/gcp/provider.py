"""GCP as a provider of the sync pipeline: per scope, one Cloud Asset Inventory unit and one bucket access
unit (Cloud Storage JSON API, ``storage_unit``).

A scope (organization, folder or project) is read with three paged SDK calls, transformed (pure),
and cleaned up per project it holds (account = project id, every region, every GCP label) and for
the scope itself (the organization, folders and principals). A scope Google refuses
(PermissionDenied) fails its unit with a warning and removes nothing; the other scopes go on.
"""

from __future__ import annotations

from dataclasses import dataclass

from google.api_core import exceptions as gexc

from core.errors import ConfigError, UnitFailedError
from core.settings import Settings
from graph.rows import ALL_REGIONS, Scope
from graph.schema.gcp import LABELS
from ingest.jobs.model import JobRequest, UnitSpec
from ingest.providers.gcp.client import asset_client, gcp_errors
from ingest.providers.gcp.fetch import fetch_scope
from ingest.providers.gcp.storage_unit import SERVICE as STORAGE_IAM
from ingest.providers.gcp.storage_unit import GcpStorageUnit
from ingest.providers.gcp.transform import transform_gcp
from ingest.providers.unit import UnitRows

__all__ = ["GCP", "GcpProvider", "GcpUnit"]

SERVICE = "cloud-asset"


@dataclass(frozen=True)
class GcpUnit:
    service: str = SERVICE

    def read(self, spec: UnitSpec, settings: Settings) -> UnitRows:
        client = asset_client(settings.gcp)
        with gcp_errors(settings.gcp.endpoint):
            try:
                payload = fetch_scope(client, spec.source, settings.gcp.asset_types, settings.gcp.page_size)
            except (gexc.PermissionDenied, gexc.Forbidden) as exc:
                raise UnitFailedError(
                    f"{spec.key}: permission denied ({exc.code}); skipped, nothing removed", warning=True
                ) from exc
        out = transform_gcp(payload)
        accounts = sorted({*out.accounts, spec.source})
        scopes = tuple(Scope("gcp", account, ALL_REGIONS, LABELS) for account in accounts)
        return UnitRows(out.rows.nodes, out.rows.edges, scopes)


@dataclass(frozen=True)
class GcpProvider:
    name: str = "gcp"

    def configured(self, settings: Settings) -> bool:
        return bool(settings.gcp.scopes)

    def plan(self, request: JobRequest, settings: Settings, warnings: list[str]) -> tuple[UnitSpec, ...]:
        """Per scope asked for, else per configured scope (AIDISCOVER_GCP_SCOPES): the Cloud Asset unit and the
        bucket access unit."""
        asked = request.accounts if request.provider == self.name else ()
        scopes = asked or settings.gcp.scopes
        if not scopes:
            raise ConfigError("no GCP scope to discover: set AIDISCOVER_GCP_SCOPES (e.g. projects/p)")
        return tuple(
            UnitSpec("gcp", scope, "*", service, scope) for scope in scopes for service in (SERVICE, STORAGE_IAM)
        )

    def unit(self, spec: UnitSpec) -> GcpUnit | GcpStorageUnit:
        return GcpStorageUnit() if spec.service == STORAGE_IAM else GcpUnit()

    def failure(self, spec: UnitSpec, exc: BaseException) -> UnitFailedError | None:
        return None  # the client's errors are project errors already (``gcp_errors``)


GCP = GcpProvider()
