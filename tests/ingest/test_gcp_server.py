"""The local Cloud Asset server speaks the v1 REST wire format: routes, paging, assetTypes, errors.

Raw HTTP (urllib) checks the JSON field names; the real SDK checks that its REST transport accepts them.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from google.api_core import exceptions as gexc
from google.api_core.client_options import ClientOptions
from google.auth.credentials import AnonymousCredentials
from google.cloud import asset_v1

from devclouds.gcp_cloud_asset import CloudAssetServer
from devclouds.gcp_estate import ORG_ID, PROJECT_NUMBERS, GcpEstate, build_estate

ORG = f"organizations/{ORG_ID}"


@pytest.fixture
def server() -> Iterator[CloudAssetServer]:
    with CloudAssetServer(build_estate()) as srv:
        yield srv


def get(server: CloudAssetServer, path: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(server.url + path, timeout=5) as resp:  # noqa: S310 - loopback URL
            return int(resp.status), json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return int(err.code), json.loads(err.read())


def sdk(server: CloudAssetServer) -> asset_v1.AssetServiceClient:
    return asset_v1.AssetServiceClient(
        credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
        transport="rest",
        client_options=ClientOptions(api_endpoint=server.url),
    )


def all_pages(server: CloudAssetServer, path: str, field: str, size: int) -> tuple[list[dict[str, Any]], int]:
    items: list[dict[str, Any]] = []
    token, pages = "", 0
    while True:
        sep = "&" if "?" in path else "?"
        status, body = get(server, f"{path}{sep}pageSize={size}" + (f"&pageToken={token}" if token else ""))
        assert status == 200, body
        pages += 1
        items += body.get(field, [])
        token = body.get("nextPageToken", "")
        if not token:
            return items, pages


def test_search_all_resources_pages_through_every_result_exactly_once(server: CloudAssetServer) -> None:
    estate: GcpEstate = server.estate
    items, pages = all_pages(server, f"/v1/{ORG}:searchAllResources", "results", 5)
    assert len(estate.assets) == 39
    assert pages == 8  # ceil(39 / 5)
    assert [r["name"] for r in items] == [a["name"] for a in estate.assets]


def test_search_result_fields_are_camel_case_and_project_is_the_number(server: CloudAssetServer) -> None:
    status, body = get(server, f"/v1/{ORG}:searchAllResources?assetTypes=compute.googleapis.com/Instance&readMask=*")
    assert status == 200
    web1 = next(r for r in body["results"] if r["displayName"] == "web-1")
    assert web1["name"] == "//compute.googleapis.com/projects/acme-prod/zones/us-central1-a/instances/web-1"
    assert web1["assetType"] == "compute.googleapis.com/Instance"
    assert web1["project"] == f"projects/{PROJECT_NUMBERS['acme-prod']}"
    assert web1["location"] == "us-central1-a"
    assert web1["networkTags"] == ["web"]
    assert web1["labels"] == {"env": "prod", "role": "web"}
    assert web1["state"] == "RUNNING"
    assert web1["createTime"] == "2024-03-01T18:00:00Z"
    assert web1["additionalAttributes"]["internalIPs"] == ["10.10.0.11"]
    assert web1["relationships"]["INSTANCE_TO_INSTANCEGROUP"]["relatedResources"][0]["fullResourceName"] == (
        "//compute.googleapis.com/projects/acme-prod/zones/us-central1-a/instanceGroups/web-ig"
    )
    assert "nextPageToken" not in body


def test_relationships_arrive_only_when_the_read_mask_asks_for_them(server: CloudAssetServer) -> None:
    path = f"/v1/{ORG}:searchAllResources?assetTypes=compute.googleapis.com/Instance"
    _, default = get(server, path)
    _, masked = get(server, f"{path}&readMask=name,relationships")
    _, snake = get(server, f"{path}&readMask=name,asset_type,relationships")
    assert not any("relationships" in r for r in default["results"])
    assert default["results"][0]["location"] == "us-central1-a"  # the default set keeps the display fields
    members = [r for r in masked["results"] if "relationships" in r]
    assert len(members) == 2
    assert {frozenset(r) for r in masked["results"]} <= {frozenset({"name", "relationships"}), frozenset({"name"})}
    assert {r["assetType"] for r in snake["results"]} == {"compute.googleapis.com/Instance"}
    status, body = get(server, f"{path}&readMask=name,noSuchField")
    assert (status, body["error"]["status"]) == (400, "INVALID_ARGUMENT")


def test_asset_types_filter_keeps_only_those_types(server: CloudAssetServer) -> None:
    status, body = get(
        server,
        f"/v1/{ORG}/assets?contentType=RESOURCE&assetTypes=compute.googleapis.com/Firewall"
        "&assetTypes=storage.googleapis.com/Bucket",
    )
    assert status == 200
    assert sorted({a["assetType"] for a in body["assets"]}) == [
        "compute.googleapis.com/Firewall",
        "storage.googleapis.com/Bucket",
    ]
    assert len(body["assets"]) == 7  # five firewall rules, two buckets
    assert body["assets"][0]["resource"]["data"]["network"].startswith("https://www.googleapis.com/compute/v1/")


def test_project_scope_accepts_id_or_number_and_excludes_other_projects(server: CloudAssetServer) -> None:
    by_id, _ = all_pages(server, "/v1/projects/acme-data/assets?contentType=1", "assets", 100)
    by_number, _ = all_pages(server, f"/v1/projects/{PROJECT_NUMBERS['acme-data']}/assets?contentType=1", "assets", 9)
    assert by_id == by_number
    assert {a["ancestors"][0] for a in by_id} == {f"projects/{PROJECT_NUMBERS['acme-data']}"}
    assert len(by_id) == 11  # the project, seven resources, two service accounts, a key


def test_content_type_unspecified_omits_the_resource(server: CloudAssetServer) -> None:
    status, body = get(server, f"/v1/{ORG}/assets?pageSize=3")
    assert status == 200
    assert [set(a) for a in body["assets"]] == [{"name", "assetType", "updateTime", "ancestors"}] * 3


def test_iam_policy_search_returns_bindings(server: CloudAssetServer) -> None:
    status, body = get(server, "/v1/projects/acme-data:searchAllIamPolicies")
    assert status == 200
    bucket = next(r for r in body["results"] if r["resource"] == "//storage.googleapis.com/acme-public-assets")
    assert bucket["policy"]["bindings"][0] == {"role": "roles/storage.objectViewer", "members": ["allUsers"]}
    assert bucket["project"] == f"projects/{PROJECT_NUMBERS['acme-data']}"
    assert len(body["results"]) == 4  # the project, two buckets, the Cloud Run service


@pytest.mark.parametrize(
    ("path", "code", "status"),
    [
        (f"/v1/{ORG}:searchAllResources?pageToken=bm90LWEtdG9rZW4=", 400, "INVALID_ARGUMENT"),
        (f"/v1/{ORG}:searchAllResources?pageSize=-1", 400, "INVALID_ARGUMENT"),
        (f"/v1/{ORG}/assets?contentType=IAM_POLICY", 400, "INVALID_ARGUMENT"),
        (f"/v1/{ORG}:exportAssets", 404, "NOT_FOUND"),
    ],
)
def test_errors_have_google_shape(server: CloudAssetServer, path: str, code: int, status: str) -> None:
    got, body = get(server, path)
    assert got == code
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["status"] == status
    assert body["error"]["message"]


def test_denied_scope_answers_403_permission_denied(server: CloudAssetServer) -> None:
    server.deny("projects/acme-data")
    got, body = get(server, "/v1/projects/acme-data:searchAllResources")
    assert (got, body["error"]["status"], body["error"]["code"]) == (403, "PERMISSION_DENIED", 403)
    with pytest.raises(gexc.Forbidden, match="acme-data"):  # api_core maps HTTP 403 to Forbidden
        list(sdk(server).search_all_resources(scope="projects/acme-data"))


def test_the_sdk_pages_with_its_own_pager(server: CloudAssetServer) -> None:
    client = sdk(server)
    request = asset_v1.ListAssetsRequest(parent=ORG, content_type=asset_v1.ContentType.RESOURCE, page_size=4)
    assets = list(client.list_assets(request=request))
    assert len(assets) == 39
    assert server.requests["list_assets"] == 10  # ceil(39 / 4)
    sql = next(a for a in assets if a.asset_type == "sqladmin.googleapis.com/Instance")
    assert sql.resource.data["settings"]["ipConfiguration"]["authorizedNetworks"][0]["value"] == "0.0.0.0/0"
    assert list(sql.ancestors) == [f"projects/{PROJECT_NUMBERS['acme-data']}", "folders/345678901234", ORG]
