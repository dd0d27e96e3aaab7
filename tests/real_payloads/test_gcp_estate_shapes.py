"""The demo estate's Cloud Asset payloads have the shape of published ones: per asset type, every key path
of the fake ``resource.data`` is carried by a real payload of that type, or is listed below with the API
reference page that documents it (fields no payload in the corpus happens to carry yet)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from devclouds.gcp_estate import build_estate
from tests.real_payloads.gcp_corpus import load_corpus

USER_MAPS = frozenset({"labels", "userLabels", "resourceLabels"})  # keys chosen by the user, not the API
COMPUTE = "https://cloud.google.com/compute/docs/reference/rest/v1"
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


def key_paths(value: Any, prefix: str = "") -> set[str]:
    out: set[str] = set()
    if isinstance(value, Mapping):
        for key, inner in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if key not in USER_MAPS:  # a map of the user's labels: every resource may have one
                out.add(path)
                out |= key_paths(inner, path)
    elif isinstance(value, list):
        for inner in value:
            out |= key_paths(inner, f"{prefix}[]")
    return out


def real_shapes() -> dict[str, set[str]]:
    shapes: dict[str, set[str]] = defaultdict(set)
    for payload in load_corpus():
        shapes[payload.body["assetType"]] |= key_paths(payload.data)
        for pool in payload.data.get("nodePools", []):  # a cluster lists its pools in the NodePool form
            shapes["container.googleapis.com/NodePool"] |= key_paths(pool)
    return shapes


def test_every_fake_payload_key_is_carried_by_a_real_payload_of_its_type() -> None:
    real = real_shapes()
    fake: dict[str, set[str]] = defaultdict(set)
    for asset in build_estate().assets:
        fake[asset["assetType"]] |= key_paths(asset["resource"]["data"])
    invented = {
        asset_type: sorted(paths - real.get(asset_type, set()) - set(DOCUMENTED.get(asset_type, {})))
        for asset_type, paths in fake.items()
    }
    assert {t: p for t, p in invented.items() if p} == {}
    # the comparison has something to compare: most fake types are matched by real payloads
    assert len([t for t in fake if t in real]) >= len(fake) - 1


def test_documented_exceptions_are_still_needed() -> None:
    real = real_shapes()
    fake: dict[str, set[str]] = defaultdict(set)
    for asset in build_estate().assets:
        fake[asset["assetType"]] |= key_paths(asset["resource"]["data"])
    stale = {
        asset_type: sorted(set(paths) - (fake[asset_type] - real.get(asset_type, set())))
        for asset_type, paths in DOCUMENTED.items()
    }
    assert {t: p for t, p in stale.items() if p} == {}, "a real payload now carries these: drop the exception"
