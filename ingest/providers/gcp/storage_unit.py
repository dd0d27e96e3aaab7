"""Bucket IAM policies and ACLs from the Cloud Storage JSON API, as a unit of its own.

The scope's buckets (and its projects, for their ids) come from Cloud Asset, read with the same transform
as the Cloud Asset unit so the access nodes sit in their buckets' projects; each bucket's resource and
IAM policy come from the JSON API (``storage_fetch``). A bucket the credentials may not read (403) becomes
a warning naming the permission, and the unit then removes no access record in that bucket's project; in
every other project of the scope, records of buckets no longer there are removed.
"""

from __future__ import annotations

from dataclasses import dataclass

from google.api_core import exceptions as gexc

from core.errors import UnitFailedError
from core.settings import Settings
from graph.rows import ALL_REGIONS, Scope
from ingest.jobs.model import UnitSpec
from ingest.providers.gcp.client import asset_client, gcp_errors
from ingest.providers.gcp.fetch import fetch_scope
from ingest.providers.gcp.storage_access import BUCKET_NAME_PREFIX, transform_bucket_access
from ingest.providers.gcp.storage_fetch import BucketRead, StorageRefused, storage_reader
from ingest.providers.gcp.transform import transform_gcp
from ingest.providers.unit import UnitRows

__all__ = ["ASSET_TYPES", "SERVICE", "GcpStorageUnit"]

SERVICE = "storage-iam"
LABELS = ("GCPBucketIamPolicy",)
ASSET_TYPES = ("storage.googleapis.com/Bucket", "cloudresourcemanager.googleapis.com/Project")


@dataclass(frozen=True)
class GcpStorageUnit:
    service: str = SERVICE

    def read(self, spec: UnitSpec, settings: Settings) -> UnitRows:
        """``spec.source``: the Cloud Asset scope whose buckets are read."""
        client = asset_client(settings.gcp)
        with gcp_errors(settings.gcp.endpoint):
            try:
                payload = fetch_scope(client, spec.source, ASSET_TYPES, settings.gcp.page_size)
            except (gexc.PermissionDenied, gexc.Forbidden) as exc:
                raise UnitFailedError(
                    f"{spec.key}: permission denied listing buckets ({exc.code}); skipped, nothing removed",
                    warning=True,
                ) from exc
        out = transform_gcp(payload)
        buckets = {n.id: n for n in out.rows.nodes if n.label == "GCPStorageBucket"}
        reads: list[BucketRead] = []
        refused: list[StorageRefused] = []
        with storage_reader(settings.gcp) as reader:
            for bucket_id in sorted(buckets):
                got = reader.read(bucket_id.removeprefix(BUCKET_NAME_PREFIX))
                if isinstance(got, StorageRefused):
                    refused.append(got)
                elif got is not None:
                    reads.append(got)
        rows = transform_bucket_access(reads, buckets)
        blocked = {str(buckets[f"{BUCKET_NAME_PREFIX}{r.name}"].props.get("account")) for r in refused}
        accounts = sorted({str(n.props.get("account")) for n in out.rows.nodes if n.label == "GCPProject"} - blocked)
        warnings = tuple(
            f"gcp bucket {r.name}: {r.permission} refused ({r.reason}); grant it (e.g. roles/storage.admin "
            "or a custom role with storage.buckets.get and storage.buckets.getIamPolicy); its project's bucket "
            "access records were kept"
            for r in refused
        )
        scopes = tuple(Scope("gcp", account, ALL_REGIONS, LABELS) for account in accounts)
        return UnitRows(rows.nodes, (), scopes, references=rows.edges, warnings=warnings)
