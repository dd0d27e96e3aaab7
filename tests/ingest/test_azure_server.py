"""The local Resource Graph's wire format: raw HTTP as the SDK sends it, paging tokens, filters and ARM errors."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from azure.mgmt.resourcegraph import ResourceGraphClient

from devclouds.azure_estate import PROD, SHARED, AzureEstate, build_estate
from devclouds.azure_resource_graph import AzureResourceGraphServer
from ingest.providers.azure.client import StaticTokenCredential
from ingest.providers.azure.query import RESOURCES_QUERY, fetch_azure, query_all

API = "/providers/Microsoft.ResourceGraph/resources?api-version=2021-03-01"


@pytest.fixture
def estate() -> AzureEstate:
    return build_estate()


@pytest.fixture
def server(estate: AzureEstate) -> Iterator[AzureResourceGraphServer]:
    with AzureResourceGraphServer(estate) as srv:
        yield srv


def post(
    server: AzureResourceGraphServer,
    body: Any,
    path: str = API,
    token: str | None = "t",  # noqa: S107 - the local server accepts any bearer token
) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(  # noqa: S310 - loopback test server
        server.url + path, json.dumps(body).encode(), headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback test server
            return int(response.status), json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def body(query: str, subscriptions: list[str] | None = None, /, **options: Any) -> dict[str, Any]:
    return {"subscriptions": subscriptions or [], "query": query, "options": {"resultFormat": "objectArray", **options}}


def ids_of(rows: list[dict[str, Any]]) -> list[str]:
    return [r["id"] for r in rows]


def test_pages_follow_skip_tokens_until_every_row_was_returned_once_in_id_order(
    server: AzureResourceGraphServer, estate: AzureEstate
) -> None:
    expected = sorted((r["id"] for r in estate.resources if r["subscriptionId"] == PROD), key=str.lower)
    pages: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        options: dict[str, Any] = {"$top": 4} | ({"$skipToken": token} if token else {})
        status, page = post(server, body("Resources | order by id asc", [PROD], **options))
        assert status == 200
        pages.append(page)
        token = page.get("$skipToken")
        if not token:
            break
    assert [p["count"] for p in pages] == [4] * (len(expected) // 4) + (
        [len(expected) % 4] if len(expected) % 4 else []
    )
    assert {p["totalRecords"] for p in pages} == {len(expected)}
    assert {p["resultTruncated"] for p in pages} == {"false"}
    assert all(p["facets"] == [] for p in pages)
    assert [i for p in pages for i in ids_of(p["data"])] == expected
    assert "$skipToken" not in pages[-1]
    assert all("$skipToken" in p for p in pages[:-1])
    assert len(pages) == 10  # 38 prod resources, 4 per page


def test_the_subscriptions_filter_keeps_only_their_rows_and_an_empty_list_means_all(
    server: AzureResourceGraphServer, estate: AzureEstate
) -> None:
    _, shared = post(server, body("Resources", [SHARED.upper()], **{"$top": 1000}))
    assert ids_of(shared["data"]) == [r["id"] for r in estate.resources if r["subscriptionId"] == SHARED]
    assert shared["totalRecords"] == 2  # vnet-shared and rsv-shared
    _, everything = post(server, body("Resources", [], **{"$top": 1000}))
    assert everything["totalRecords"] == len(estate.resources) == 40
    _, containers = post(server, body("ResourceContainers", [PROD]))
    assert sorted(r["name"] for r in containers["data"]) == [
        "Contoso Production",
        "MC_rg-aks_aks-prod_westeurope",
        "rg-aks",
        "rg-app",
        "rg-data",
        "rg-network",
        "rg-web",
    ]


def test_where_type_filters_case_insensitively_and_order_by_desc_reverses(server: AzureResourceGraphServer) -> None:
    _, page = post(
        server,
        body(
            "Resources | where type in~ ('Microsoft.Compute/virtualMachines', 'microsoft.web/SITES') | order by id desc"
        ),
    )
    assert [r["name"] for r in page["data"]] == ["vm-web-2", "vm-web-1", "func-prod-orders", "app-prod-web", "vm-app-1"]
    _, roles = post(server, body("authorizationresources | where type =~ 'Microsoft.Authorization/roleAssignments'"))
    assert roles["totalRecords"] == 5


@pytest.mark.parametrize(
    "query",
    [
        "Resources | project id, name",
        "Resources | where name == 'vm-web-1'",
        "Resources | summarize count() by type",
        "SecurityResources",
        "Resources | where type =~ 'a' | extend x = 1",
        "",
    ],
)
def test_unsupported_kql_gets_arm_bad_request(server: AzureResourceGraphServer, query: str) -> None:
    status, error = post(server, body(query))
    assert status == 400
    assert set(error) == {"error"}
    assert error["error"]["code"] == "BadRequest"
    assert "not supported by this local Resource Graph" in error["error"]["message"]


def test_a_skip_token_is_bound_to_its_query_and_subscriptions(server: AzureResourceGraphServer) -> None:
    _, first = post(server, body("Resources", [PROD], **{"$top": 2}))
    token = first["$skipToken"]
    status, error = post(server, body("Resources", [SHARED], **{"$top": 2, "$skipToken": token}))
    assert (status, error["error"]["code"]) == (400, "BadRequest")
    assert "$skipToken is invalid" in error["error"]["message"]
    status, _ = post(server, body("Resources", [PROD], **{"$top": 2, "$skipToken": "garbage"}))
    assert status == 400
    status, second = post(server, body("Resources", [PROD], **{"$top": 2, "$skipToken": token}))
    assert (status, second["count"]) == (200, 2)
    assert ids_of(second["data"]) != ids_of(first["data"])


def test_auth_path_format_and_top_errors_are_shaped_like_arm(server: AzureResourceGraphServer) -> None:
    missing = "Authentication failed. The 'Authorization' header is missing."
    assert post(server, body("Resources"), token=None) == (
        401,
        {"error": {"code": "AuthenticationFailed", "message": missing}},
    )
    status, error = post(server, body("Resources"), path="/subscriptions/x/resources?api-version=2021-04-01")
    assert (status, error["error"]["code"]) == (404, "NotFound")
    status, error = post(server, body("Resources"), path="/providers/Microsoft.ResourceGraph/resources")
    assert (status, error["error"]["code"]) == (400, "MissingApiVersionParameter")
    status, error = post(server, {"query": "Resources", "options": {"resultFormat": "table"}})
    assert (status, error["error"]["code"]) == (400, "BadRequest")
    status, error = post(server, body("Resources", **{"$top": 0}))
    assert (status, error["error"]["message"]) == (400, "$top must be an integer between 1 and 1000")


def test_max_page_size_caps_top(estate: AzureEstate) -> None:
    with AzureResourceGraphServer(estate, max_page_size=3) as srv:
        _, page = post(srv, body("Resources", **{"$top": 1000}))
    assert (page["count"], page["totalRecords"]) == (3, 40)
    assert "$skipToken" in page


def test_the_real_sdk_pages_through_the_server_with_small_pages(
    server: AzureResourceGraphServer, estate: AzureEstate
) -> None:
    client = ResourceGraphClient(StaticTokenCredential("local"), base_url=server.url, retry_total=0)
    rows = query_all(client, RESOURCES_QUERY, [PROD, SHARED], page_size=5, enforce_https=False)
    assert [r["id"] for r in rows] == sorted((r["id"] for r in estate.resources), key=str.lower)
    assert len(server.requests) == 8  # 40 rows, 5 per page
    assert {json.dumps(r["options"], sort_keys=True) for r in server.requests[:1]} == {
        json.dumps({"$top": 5, "resultFormat": "objectArray", "allowPartialScopes": False}, sort_keys=True)
    }
    assert all(r["subscriptions"] == [PROD, SHARED] and r["query"] == RESOURCES_QUERY for r in server.requests)
    assert [bool(r["options"].get("$skipToken")) for r in server.requests] == [False] + [True] * 7
    payload = fetch_azure(client, [SHARED], page_size=1000, enforce_https=False)
    assert (len(payload.containers), len(payload.resources), len(payload.role_assignments)) == (3, 2, 1)
