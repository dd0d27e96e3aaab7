"""Cloud Asset ``resource.data`` of the local GCP estate filled from published payloads, so the fakes keep
the real shapes.

Each asset type has one template: a published payload of that type (tests/fixtures/real/gcp, sources and
licence in SOURCES.md there). ``fill`` takes the estate's declaration of one asset and returns the template
with the declared values in place of the real ones: the template's key order, every declared key, and the
template's plain settings the estate does not declare (enums, flags, numbers: ``kind``, ``cpuPlatform``,
``networkTier``). Identity, names, links, addresses, places and nested objects the estate does not declare
are removed, never carried over from the real estate. A declared key that no template of its type carries
fails the build (``TemplateError``), unless the API reference documents it (``DOCUMENTED``, with the page):
the fakes cannot drift from the real shapes. User maps (labels) are the user's keys and pass as declared.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["CORPUS", "DOCUMENTED", "TEMPLATES", "USER_MAPS", "TemplateError", "fill", "template"]

Json = dict[str, Any]
CORPUS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "real" / "gcp"
USER_MAPS = frozenset({"labels", "userLabels", "resourceLabels"})  # keys chosen by the user, not the API

# asset type -> (corpus directory, file, path inside resource.data to the template object or "")
TEMPLATES: Mapping[str, tuple[str, str, str]] = {
    "cloudresourcemanager.googleapis.com/Organization": ("GCPOrganization", "forseti_organizations-111222333.json", ""),
    "cloudresourcemanager.googleapis.com/Folder": ("GCPFolder", "forseti_folders-1031.json", ""),
    "cloudresourcemanager.googleapis.com/Project": ("GCPProject", "forseti_projects-1041.json", ""),
    "compute.googleapis.com/Network": ("GCPNetwork", "forseti_projects-project1-global-networks-default.json", ""),
    "compute.googleapis.com/Subnetwork": ("GCPSubnetwork", "cartography_default.json", ""),
    "compute.googleapis.com/Firewall": ("GCPFirewall", "forseti_default-allow-internal_service_accounts.json", ""),
    "compute.googleapis.com/Instance": ("GCPComputeInstance", "cartography_instance-1.json", ""),
    "compute.googleapis.com/Disk": (
        "GCPDisk",
        "forseti_projects-project1-zones-us-central1-c-disks-iap_instance1.json",
        "",
    ),
    "compute.googleapis.com/InstanceGroup": (
        "GCPInstanceGroup",
        "forseti_projects-project1-regions-us-central1-instanceGroups-bs-1-ig-1.json",
        "",
    ),
    "compute.googleapis.com/BackendService": (
        "GCPBackendService",
        "forseti_projects-project1-global-backendServices-bs-1.json",
        "",
    ),
    "compute.googleapis.com/UrlMap": ("GCPResource", "forseti_projects-project2-global-urlMaps-test-um.json", ""),
    "compute.googleapis.com/TargetHttpProxy": (
        "GCPTargetProxy",
        "forseti_projects-project2-global-targetHttpProxies-test-target-proxy.json",
        "",
    ),
    "compute.googleapis.com/GlobalForwardingRule": ("GCPForwardingRule", "cartography_global-rule-1.json", ""),
    "container.googleapis.com/Cluster": ("GCPGKECluster", "cartography_test-cluster.json", ""),
    "container.googleapis.com/NodePool": ("GCPGKECluster", "cartography_test-cluster.json", "nodePools"),
    "sqladmin.googleapis.com/Instance": (
        "GCPCloudSQLInstance",
        "forseti_projects-project1-instances-forseti.json",
        "",
    ),
    "cloudfunctions.googleapis.com/CloudFunction": ("GCPCloudFunction", "cartography_function-1.json", ""),
    "storage.googleapis.com/Bucket": ("GCPStorageBucket", "forseti-api_bucket1_acl.json", ""),
    "pubsub.googleapis.com/Topic": (
        "GCPResource",
        "forseti_projects-project2-topics-test-topic012345678901234567890123456789012345678901234.json",
        "",
    ),
    "iam.googleapis.com/ServiceAccount": ("GCPServiceAccount", "cartography_service-account-1.json", ""),
    "iam.googleapis.com/ServiceAccountKey": ("GCPServiceAccountKey", "cartography_1234567890.json", ""),
}

COMPUTE = "https://cloud.google.com/compute/docs/reference/rest/v1"
# Key paths the estate declares that no payload in the corpus carries yet, with the API reference page.
DOCUMENTED: Mapping[str, Mapping[str, str]] = {
    "compute.googleapis.com/Firewall": {
        p: f"{COMPUTE}/firewalls" for p in ("denied", "denied[].IPProtocol", "denied[].ports", "destinationRanges")
    }
    | {"sourceTags": f"{COMPUTE}/firewalls"},
    "compute.googleapis.com/Network": {"mtu": f"{COMPUTE}/networks"},
    "cloudfunctions.googleapis.com/CloudFunction": {
        "ingressSettings": "https://cloud.google.com/functions/docs/reference/rest/v1/projects.locations.functions"
    },
    "compute.googleapis.com/Subnetwork": {"purpose": f"{COMPUTE}/subnetworks"},
    "container.googleapis.com/Cluster": {
        p: "https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters"
        for p in (
            "masterAuthorizedNetworksConfig.cidrBlocks",
            "masterAuthorizedNetworksConfig.cidrBlocks[].cidrBlock",
            "masterAuthorizedNetworksConfig.cidrBlocks[].displayName",
            "nodePools[].autoscaling.enabled",
            "nodePools[].autoscaling.maxNodeCount",
            "nodePools[].autoscaling.minNodeCount",
        )
    },
    "container.googleapis.com/NodePool": {
        p: "https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters.nodePools"
        for p in ("autoscaling.enabled", "autoscaling.maxNodeCount", "autoscaling.minNodeCount")
    },
    "storage.googleapis.com/Bucket": {
        p: "https://cloud.google.com/storage/docs/json_api/v1/buckets"
        for p in (
            "iamConfiguration",
            "iamConfiguration.publicAccessPrevention",
            "iamConfiguration.uniformBucketLevelAccess",
            "iamConfiguration.uniformBucketLevelAccess.enabled",
            "locationType",
            "versioning",
            "versioning.enabled",
        )
    },
    # Cloud Asset holds Cloud Run services in the Admin API v1 (Knative) form; the corpus has a v2 service.
    "run.googleapis.com/Service": {
        p: "https://cloud.google.com/run/docs/reference/rest/v1/namespaces.services"
        for p in (
            "apiVersion",
            "kind",
            "metadata",
            "metadata.annotations",
            "metadata.annotations.run.googleapis.com/ingress",
            "metadata.creationTimestamp",
            "metadata.name",
            "metadata.namespace",
            "spec",
            "spec.template",
            "spec.template.spec",
            "spec.template.spec.containers",
            "spec.template.spec.containers[].image",
            "spec.template.spec.serviceAccountName",
            "status",
            "status.conditions",
            "status.conditions[].status",
            "status.conditions[].type",
            "status.url",
        )
    },
    "secretmanager.googleapis.com/Secret": {
        p: "https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets"
        for p in ("name", "replication", "replication.automatic", "createTime")
    },
}

# Template settings that name the real resource or its place are never carried over.
_IDENTITY = frozenset(
    {"id", "name", "description", "displayName", "selfLink", "email", "uniqueId", "project", "projectId"}
    | {"projectNumber", "region", "zone", "location", "gceZone", "oauth2ClientId", "etag", "fingerprint"}
)
_SETTING = re.compile(r"^[A-Za-z][A-Za-z0-9_#\-]*$")  # an enum, a kind: no path, address, e-mail or time
_PLACE = re.compile(r"^[a-z]+-[a-z]+\d+(-[a-z])?$")  # a region or zone name


class TemplateError(ValueError):
    """The estate declares a key that no published payload of its type carries."""


@cache
def _load(directory: str, file: str) -> Any:
    return json.loads((CORPUS / directory / file).read_text())


def template(asset_type: str) -> Json | None:
    """A fresh copy of the published ``resource.data`` an asset type is filled from (None: no template): the
    named payload, with the keys only other published payloads of the type carry merged in beneath it."""
    found = TEMPLATES.get(asset_type)
    if found is None:
        return None
    directory, file, inner = found
    kind = "container.googleapis.com/Cluster" if inner else asset_type
    bodies = [_load(directory, file), *(_load(directory, f.name) for f in sorted((CORPUS / directory).glob("*.json")))]
    merged: Any = {}
    for body in bodies:
        if body.get("assetType") != kind:
            continue
        data = body["resource"]["data"]
        for part in data.get(inner, []) if inner else [data]:
            merged = _merge(merged, part)
    return dict(copy.deepcopy(merged))


def _merge(first: Any, other: Any) -> Any:
    """``first`` with the keys only ``other`` has added (recursively); a list of objects becomes one object
    holding every element's keys, the element template."""
    if isinstance(first, Mapping) and isinstance(other, Mapping):
        out = dict(first)
        for key, value in other.items():
            out[key] = _merge(out[key], value) if key in out else value
        return out
    if isinstance(first, list) and isinstance(other, list):
        elements = [e for e in (*first, *other) if isinstance(e, Mapping)]
        if not elements:
            return first or other
        merged: Any = {}
        for element in elements:
            merged = _merge(merged, element)
        return [merged]
    return first


def _setting(key: str, value: object) -> bool:
    if key in _IDENTITY:
        return False
    if isinstance(value, bool | int | float):
        return True
    return isinstance(value, str) and bool(_SETTING.match(value)) and not _PLACE.match(value)


def fill(asset_type: str, values: Mapping[str, Any]) -> Json:
    """The template of ``asset_type`` with ``values`` in place (see the module's description)."""
    documented = DOCUMENTED.get(asset_type, {})
    return _fill(asset_type, template(asset_type) or {}, values, "", documented)


def _fill(
    asset_type: str, tpl: Mapping[str, Any], values: Mapping[str, Any], prefix: str, doc: Mapping[str, str]
) -> Json:
    out: Json = {}
    for key, real in tpl.items():
        if key in values:
            out[key] = _value(asset_type, real, values[key], f"{prefix}{key}", doc)
        elif _setting(key, real):
            out[key] = real
    for key, value in values.items():
        path = f"{prefix}{key}"
        if key in tpl:
            continue
        if key not in USER_MAPS and path not in doc:
            raise TemplateError(
                f"{asset_type}: the estate declares {path!r}, which its template {TEMPLATES.get(asset_type)} does "
                "not carry; use a key of the published payload, or add a published payload that carries it "
                "(or the API reference page in DOCUMENTED)"
            )
        out[key] = _value(asset_type, None, value, path, doc)
    return out


def _value(asset_type: str, real: Any, value: Any, path: str, doc: Mapping[str, str]) -> Any:
    if path.rsplit(".", 1)[-1].removesuffix("[]") in USER_MAPS:
        return copy.deepcopy(value)
    if isinstance(value, Mapping):
        return _fill(asset_type, real if isinstance(real, Mapping) else {}, value, f"{path}.", doc)
    if isinstance(value, list):
        first = real[0] if isinstance(real, list) and real and isinstance(real[0], Mapping) else {}
        return [
            _fill(asset_type, first, v, f"{path}[].", doc) if isinstance(v, Mapping) else copy.deepcopy(v)
            for v in value
        ]
    return value
