"""Bucket access from the Cloud Storage JSON API, end to end: the local GCP server answers buckets.get and
getIamPolicy shaped like Google's published responses, the storage unit reads them with the product's
fetch layer, and a bucket public only through its ACL (which Cloud Asset does not show) fires the public
bucket rule and is an entry of the critical paths."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from core.settings import Settings, load_settings
from devclouds.gcp_cloud_asset import CloudAssetServer
from devclouds.gcp_estate import ORG_ID, GcpEstate, build_estate
from graph.neo4j.client import Graph
from queries.findings.catalogue import BY_ID
from queries.findings.evaluate import run_rule
from queries.paths import critical_paths
from tests.discovery import discover_job

ORG = f"organizations/{ORG_ID}"
SHARED = "acme-shared-downloads"
SHARED_ID = f"//storage.googleapis.com/{SHARED}"


def with_acl_public_bucket(estate: GcpEstate) -> GcpEstate:
    """The estate plus a fine-grained bucket whose ACL lets allUsers read it (its Cloud Asset data shows no ACL)."""
    private = estate.asset("//storage.googleapis.com/acme-data-private")
    shared = copy.deepcopy(private)
    shared["name"] = SHARED_ID
    data = shared["resource"]["data"]
    data.update(id=SHARED, name=SHARED)
    data["iamConfiguration"] = {"uniformBucketLevelAccess": {"enabled": False}, "publicAccessPrevention": "inherited"}
    estate.assets.append(shared)
    estate.bucket_acls[SHARED] = [("project-owners-222222222222", "OWNER"), ("allUsers", "READER")]
    return estate


@pytest.fixture
def server() -> Iterator[CloudAssetServer]:
    with CloudAssetServer(with_acl_public_bucket(build_estate())) as srv:
        yield srv


@pytest.fixture
def gcp_settings(server: CloudAssetServer, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("AIDISCOVER_GCP_ENDPOINT", server.url)
    monkeypatch.setenv("AIDISCOVER_GCP_ANONYMOUS", "true")
    monkeypatch.setenv("AIDISCOVER_GCP_SCOPES", ORG)
    monkeypatch.delenv("AIDISCOVER_GCP_STORAGE_ENDPOINT", raising=False)
    return load_settings()


def access(graph: Graph, bucket_id: str) -> dict[str, object]:
    rows = graph.read(
        "MATCH (a:GCPBucketIamPolicy)-[:APPLIES_TO]->(b:GCPStorageBucket {id: $id}) "
        "RETURN properties(a) AS a, b.is_public AS bucket_public",
        {"id": bucket_id},
    )
    assert len(rows) == 1, rows
    return {**rows[0]["a"], "bucket_public": rows[0]["bucket_public"]}


def test_a_bucket_public_through_its_acl_fires_the_rule_and_is_an_entry_point(
    gcp_settings: Settings, graph: Graph, server: CloudAssetServer
) -> None:
    report = discover_job(gcp_settings, graph, "gcp")
    assert report.warnings == ()
    shared = access(graph, SHARED_ID)
    assert shared["bucket_public"] is False  # Cloud Asset's bucket data carries no ACL
    assert (shared["is_public"], shared["public_members"]) == (True, ["allUsers"])
    assert "allUsers:READER" in shared["acl_entities"]  # type: ignore[operator]
    assert server.requests["storage_bucket"] == server.requests["storage_iam"] == 3
    hits = {h.resource_id: h for h in run_rule(graph, BY_ID["gcp-storage-bucket-public"], datetime.now(UTC))}
    assert set(hits) == {SHARED_ID, "//storage.googleapis.com/acme-public-assets"}
    assert "--member=allUsers" in hits[SHARED_ID].command
    paths = critical_paths(graph, first=100, provider="gcp").paths
    assert any(p.entry.id == f"{SHARED_ID}/iamPolicy" and p.store.id == SHARED_ID for p in paths)
    private = access(graph, "//storage.googleapis.com/acme-data-private")
    assert (private["is_public"], private["uniform_bucket_level_access"]) == (False, True)


def test_a_refused_bucket_is_a_warning_and_its_project_keeps_its_access_records(
    gcp_settings: Settings, graph: Graph, server: CloudAssetServer
) -> None:
    discover_job(gcp_settings, graph, "gcp")
    before = graph.read("MATCH (a:GCPBucketIamPolicy) RETURN a.id AS id ORDER BY id")
    server.deny_bucket(SHARED)
    server.estate.bucket_acls[SHARED] = [("project-owners-222222222222", "OWNER")]
    server.estate.remove("//storage.googleapis.com/acme-data-private")
    report = discover_job(gcp_settings, graph, "gcp")
    [warning] = report.warnings
    assert warning.startswith(f"gcp bucket {SHARED}: storage.buckets.get refused (")
    assert "its project's bucket access records were kept" in warning
    assert graph.read("MATCH (a:GCPBucketIamPolicy) RETURN a.id AS id ORDER BY id") == before
    assert access(graph, SHARED_ID)["is_public"] is True  # the stored record stays as last read
