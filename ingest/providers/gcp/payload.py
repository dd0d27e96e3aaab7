"""What Cloud Asset returns, as frozen values: parsed (purely) from the v1 REST JSON (camelCase).

The fetch stage turns the SDK's messages back into that JSON (``MessageToDict``), so recorded payloads
under tests/data/gcp and live answers go through the same parser. ``resource.data`` stays a mapping:
its shape is each service's own API (Compute, GKE, Cloud SQL, ...), read by the transform.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

Json = Mapping[str, Any]


@dataclass(frozen=True)
class SearchResult:
    """One ResourceSearchResult of searchAllResources."""

    name: str
    asset_type: str
    project: str = ""  # projects/NUMBER
    display_name: str = ""
    location: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)
    network_tags: tuple[str, ...] = ()
    state: str = ""
    create_time: datetime | None = None
    parent_full_resource_name: str = ""
    additional_attributes: Json = field(default_factory=dict)
    # relationship type (e.g. INSTANCE_TO_INSTANCEGROUP) -> full resource names of the related resources
    relationships: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class AssetRecord:
    """One Asset of assets.list with content type RESOURCE."""

    name: str
    asset_type: str
    ancestors: tuple[str, ...] = ()
    parent: str = ""
    location: str = ""
    data: Json = field(default_factory=dict)


@dataclass(frozen=True)
class Binding:
    role: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class PolicyResult:
    """One IamPolicySearchResult of searchAllIamPolicies."""

    resource: str
    asset_type: str
    project: str
    bindings: tuple[Binding, ...]


@dataclass(frozen=True)
class GcpPayload:
    """Everything one scope returned."""

    scope: str
    resources: Sequence[SearchResult] = ()
    assets: Sequence[AssetRecord] = ()
    policies: Sequence[PolicyResult] = ()


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _map(value: object) -> Json:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def parse_time(value: object) -> datetime | None:
    """RFC 3339 (``Z``, offsets, fractions) to an aware UTC datetime; None when absent or malformed."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def parse_search_result(raw: Json) -> SearchResult:
    relationships = {
        str(kind): tuple(_str(r.get("fullResourceName")) for r in _list(_map(rel).get("relatedResources")) if r)
        for kind, rel in _map(raw.get("relationships")).items()
    }
    return SearchResult(
        name=_str(raw.get("name")),
        asset_type=_str(raw.get("assetType")),
        project=_str(raw.get("project")),
        display_name=_str(raw.get("displayName")),
        location=_str(raw.get("location")),
        labels={str(k): str(v) for k, v in _map(raw.get("labels")).items()},
        network_tags=tuple(str(t) for t in _list(raw.get("networkTags"))),
        state=_str(raw.get("state")),
        create_time=parse_time(raw.get("createTime")),
        parent_full_resource_name=_str(raw.get("parentFullResourceName")),
        additional_attributes=_map(raw.get("additionalAttributes")),
        relationships=relationships,
    )


def parse_asset(raw: Json) -> AssetRecord:
    resource = _map(raw.get("resource"))
    return AssetRecord(
        name=_str(raw.get("name")),
        asset_type=_str(raw.get("assetType")),
        ancestors=tuple(str(a) for a in _list(raw.get("ancestors"))),
        parent=_str(resource.get("parent")),
        location=_str(resource.get("location")),
        data=_map(resource.get("data")),
    )


def parse_policy(raw: Json) -> PolicyResult:
    bindings = tuple(
        Binding(_str(b.get("role")), tuple(str(m) for m in _list(b.get("members"))))
        for b in _list(_map(raw.get("policy")).get("bindings"))
        if isinstance(b, Mapping)
    )
    return PolicyResult(_str(raw.get("resource")), _str(raw.get("assetType")), _str(raw.get("project")), bindings)


def parse_payload(
    scope: str, resources: Sequence[Json], assets: Sequence[Json], policies: Sequence[Json]
) -> GcpPayload:
    """Parse the three answers; entries without a name are dropped (nothing could key them)."""
    return GcpPayload(
        scope=scope,
        resources=tuple(r for r in map(parse_search_result, resources) if r.name),
        assets=tuple(a for a in map(parse_asset, assets) if a.name),
        policies=tuple(p for p in map(parse_policy, policies) if p.resource),
    )
