"""Read one Cloud Asset scope through the SDK: every page of the three calls discovery needs.

The SDK's pagers follow ``nextPageToken``; each message is turned back into its REST JSON
(``MessageToDict``: camelCase, timestamps as RFC 3339) and parsed by ``payload``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from google.cloud import asset_v1
from google.protobuf import field_mask_pb2
from google.protobuf.json_format import MessageToDict

from ingest.providers.gcp.payload import GcpPayload, Json, parse_payload

log = logging.getLogger(__name__)

SEARCH_PAGE_MAX = 500  # searchAllResources / searchAllIamPolicies accept at most 500 per page
# searchAllResources returns a default field set without ``relationships`` (instance -> instance group);
# asking for them means naming every field wanted: proto names, which the REST transport sends camelCase.
# ``versionedResources`` (large) is left out.
SEARCH_FIELDS = (
    "name",
    "asset_type",
    "project",
    "folders",
    "organization",
    "display_name",
    "description",
    "location",
    "labels",
    "network_tags",
    "kms_keys",
    "create_time",
    "update_time",
    "state",
    "additional_attributes",
    "parent_full_resource_name",
    "parent_asset_type",
    "relationships",
)


def _as_json(messages: Iterable[Any]) -> list[Json]:
    return [MessageToDict(type(msg).pb(msg)) for msg in messages]


def fetch_scope(
    client: asset_v1.AssetServiceClient, scope: str, asset_types: tuple[str, ...] = (), page_size: int = 500
) -> GcpPayload:
    """searchAllResources (with relationships), assets.list (content RESOURCE) and searchAllIamPolicies."""
    search_size = min(page_size, SEARCH_PAGE_MAX)
    resources = _as_json(
        client.search_all_resources(
            request=asset_v1.SearchAllResourcesRequest(
                scope=scope,
                asset_types=list(asset_types),
                page_size=search_size,
                read_mask=field_mask_pb2.FieldMask(paths=list(SEARCH_FIELDS)),
            )
        )
    )
    assets = _as_json(
        client.list_assets(
            request=asset_v1.ListAssetsRequest(
                parent=scope,
                content_type=asset_v1.ContentType.RESOURCE,
                asset_types=list(asset_types),
                page_size=page_size,
            )
        )
    )
    policies = _as_json(
        client.search_all_iam_policies(request=asset_v1.SearchAllIamPoliciesRequest(scope=scope, page_size=search_size))
    )
    log.info("gcp %s: %s resources, %s assets, %s IAM policies", scope, len(resources), len(assets), len(policies))
    return parse_payload(scope, resources, assets, policies)
