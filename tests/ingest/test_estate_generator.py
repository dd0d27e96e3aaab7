"""The demo estate generator: deterministic, and everything in its manifest is discovered (S and M, end to end)."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from core.settings import Settings
from devclouds.estate_generator import azure_estate_for, gcp_estate_for, generate_estate
from devclouds.estate_manifest import AWS_ACCOUNTS, AWS_REGIONS, EstateManifest, ManifestEdge
from devclouds.moto_server import MotoServer
from graph.neo4j.client import Graph
from tests.estates import SharedEstate, build_estate_in, restore_estate


def test_the_same_seed_builds_the_same_azure_and_gcp_rows_and_another_seed_different_ones() -> None:
    assert azure_estate_for("S", 7) == azure_estate_for("S", 7)
    assert gcp_estate_for("S", 7) == gcp_estate_for("S", 7)
    assert azure_estate_for("S", 7).resources != azure_estate_for("S", 8).resources
    assert gcp_estate_for("S", 7).assets != gcp_estate_for("S", 8).assets


def _aws_names_and_tags(manifest: EstateManifest) -> list[tuple[str, str, tuple[str, ...]]]:
    return sorted((r.label, r.name, r.tags) for r in manifest.resources if r.cloud == "aws" and r.tags)


def test_the_same_seed_creates_the_same_aws_names_and_tags(shared_estate: SharedEstate, moto: MotoServer) -> None:
    first = shared_estate.manifest  # seed 1, generated into an emptied moto
    again = generate_estate("S", shared_estate.seed, moto.url)
    moto.reset()
    other = generate_estate("S", shared_estate.seed + 1, moto.url)
    assert _aws_names_and_tags(first) == _aws_names_and_tags(again)
    assert _aws_names_and_tags(first) != _aws_names_and_tags(other)
    assert [r for r in first.resources if r.cloud != "aws"] == [r for r in again.resources if r.cloud != "aws"]


REQUIRED_MISCONFIGURATIONS = {
    "s3-bucket-public-policy",
    "s3-bucket-public-acl",
    "sg-admin-port-open-to-world",
    "sg-database-port-open-to-world",
    "ebs-volume-not-encrypted",
    "rds-storage-not-encrypted",
    "rds-publicly-accessible",
    "iam-user-console-without-mfa",
    "iam-access-key-older-than-90-days",
    "iam-policy-admin-wildcard",
    "iam-role-trusts-anyone",
    "iam-role-trusts-foreign-account-without-condition",
    "lambda-function-url-without-auth",
    "eks-public-endpoint-open-to-world",
    "s3-bucket-without-encryption",
    "kms-key-rotation-disabled",
    "azure-storage-public-blob-access",
    "azure-nsg-rdp-from-internet",
    "azure-sql-firewall-allows-all",
    "azure-key-vault-without-purge-protection",
    "azure-aks-not-private",
    "gcp-bucket-public",
    "gcp-firewall-ssh-open-to-world",
    "gke-public-endpoint",
    "gcp-instance-default-sa-editor",
    "toxic-exposed-instance-reads-sensitive-bucket",
    "toxic-public-load-balancer-to-admin-instance",
}


def test_size_s_is_a_multi_tier_estate_across_two_aws_accounts_and_regions_with_its_misconfigurations(
    shared_estate: SharedEstate,
) -> None:
    manifest = shared_estate.manifest
    assert 450 <= len(manifest.resources) <= 750
    vpcs = [r.id for r in manifest.resources if r.label == "VPC"]
    assert {v.split(":")[4] for v in vpcs} == set(AWS_ACCOUNTS)
    assert {v.split(":")[3] for v in vpcs} == set(AWS_REGIONS)
    assert len(manifest.ids("S3Bucket")) == 2 * len(AWS_ACCOUNTS) + 4  # assets, public-reports; shared services
    assert {"IAMRole", "LambdaFunction", "EKSCluster", "AzureKeyVault", "AzureAKSCluster", "GCPGKECluster"} <= (
        manifest.labels()
    )
    assert {m.slug for m in manifest.misconfigurations} >= REQUIRED_MISCONFIGURATIONS
    assert len(manifest.misconfigurations) >= 20
    ids = {r.id: r.label for r in manifest.resources}
    assert all(ids.get(m.resource_id) == m.label for m in manifest.misconfigurations)
    decoded = json.loads(manifest.to_json())
    assert len(decoded["resources"]) == len(manifest.resources)
    assert len(decoded["edges"]) == len(manifest.edges)
    assert {m["slug"] for m in decoded["misconfigurations"]} == {m.slug for m in manifest.misconfigurations}


@pytest.fixture(scope="module", params=["S", pytest.param("M", marks=pytest.mark.slow)])
def discovered_estate(
    request: pytest.FixtureRequest,
    settings: Settings,
    moto_server: MotoServer,
    session_graph: Graph,
    tmp_path_factory: pytest.TempPathFactory,
) -> EstateManifest:
    """Each size generated and discovered for the module's end-to-end tests: S is the session's shared estate
    (tests/estates.py), restored; M (~11k resources, 3-9 min on a shared 2-core machine) is built here, in the
    slow lane."""
    if request.param == "S":
        shared: SharedEstate = request.getfixturevalue("shared_estate")
        restore_estate(session_graph, shared)
        return shared.manifest
    manifest, _ = build_estate_in(settings, moto_server, session_graph, request.param, 1)
    return manifest


@pytest.fixture
def discovered(discovered_estate: EstateManifest) -> EstateManifest:
    return discovered_estate


# generating and discovering M (~11k resources) takes 3-9 min on a shared 2-core machine
@pytest.mark.timeout(1200)
def test_every_manifest_resource_is_discovered_and_nothing_else_of_its_kinds(
    discovered: EstateManifest, session_graph: Graph
) -> None:
    for label in sorted(discovered.labels()):
        rows = session_graph.read("MATCH (n) WHERE $label IN labels(n) RETURN n.id AS id", {"label": label})
        assert {r["id"] for r in rows} == discovered.ids(label), label


# generating and discovering M (~11k resources) takes 3-9 min on a shared 2-core machine
@pytest.mark.timeout(1200)
def test_every_manifest_edge_is_a_relationship(discovered: EstateManifest, session_graph: Graph) -> None:
    wanted: dict[tuple[str, str, str], set[tuple[str, str]]] = defaultdict(set)
    for e in discovered.edges:
        wanted[(e.type, e.source_label, e.target_label)].add((e.source, e.target))
    assert {"IN_SUBNET", "MEMBER_OF_SECURITY_GROUP", "IN_VPC", "HAS_NETWORK_INTERFACE", "IN_SUBNETWORK"} <= {
        t for t, _, _ in wanted
    }
    for (type_, source, target), pairs in sorted(wanted.items()):
        rows = session_graph.read(
            "MATCH (a)-[r]->(b) WHERE type(r) = $type AND $source IN labels(a) AND $target IN labels(b) "
            "RETURN a.id AS a, b.id AS b",
            {"type": type_, "source": source, "target": target},
        )
        found = {(r["a"], r["b"]) for r in rows}
        missing = sorted(pairs - found)[:3]
        assert not missing, (ManifestEdge(type_, source, "", target, ""), missing)
