"""The GraphQL API served over real HTTP (uvicorn on a loopback port) on a graph discovered from moto.

Requests carry an admin API key (created in the graph like any other); auth itself is tested in test_auth*.py.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from app.api import auth_store
from app.server import create_app
from core.settings import Settings
from devclouds.demo_estate import DEMO_REGIONS, DemoEstate, seed_demo_estate
from devclouds.moto_server import MotoServer
from graph.neo4j.client import Graph, Params
from ingest.providers.aws.registry import unit
from tests.discovery import discover_job
from tests.settings_update import replace_settings


class CountingGraph(Graph):
    """The real graph, counting read round trips (to prove DataLoader batching)."""

    reads = 0

    def read(self, query: Any, params: Params | None = None) -> Any:
        type(self).reads += 1
        return super().read(query, params)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def estate(moto_server: MotoServer, session_graph: Graph, settings: Settings) -> DemoEstate:
    """Seeded and discovered once for the module: these tests only read."""
    moto_server.reset()
    session_graph.wipe()
    estate = seed_demo_estate(moto_server.url)
    aws = replace_settings(settings, aws={"endpoint_url": moto_server.url})
    with pytest.MonkeyPatch.context() as env:  # the default credentials the job's account is reached with
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.delenv("AWS_PROFILE", raising=False)
        discover_job(aws, session_graph, regions=DEMO_REGIONS, units=(unit("ec2"),))
    return estate


KEYS: dict[str, str] = {}  # base URL -> the admin API key its requests send


@pytest.fixture(scope="module")
def api(settings: Settings, estate: DemoEstate, session_graph: Graph) -> Iterator[str]:
    key = auth_store.create_api_key(session_graph, "tests", "admin", "tests", rounds=4).key
    port = _free_port()
    graph = CountingGraph(settings.neo4j, settings.redis)
    config = uvicorn.Config(create_app(settings, graph), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    KEYS[f"http://127.0.0.1:{port}"] = key
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    graph.close()


def gql(api: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    response = httpx.post(
        f"{api}/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"X-API-Key": KEYS[api]},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


INSTANCE_QUERY = """
query($name: String!) {
  resources(filter: {kinds: ["EC2Instance"], search: $name}) {
    totalCount
    edges { node {
      id name region account provider
      ... on EC2Instance { instanceId instanceType state }
      neighbors(direction: OUT) {
        type
        node {
          kind
          ... on Resource { name }
          ... on SecurityGroup { groupName }
          neighbors(direction: OUT, types: ["IN_VPC"]) { type node { kind ... on VPC { name cidrBlock } } }
        }
      }
    } }
  }
}
"""


def test_instance_with_its_subnet_vpc_and_security_group_over_http(api: str, estate: DemoEstate) -> None:
    body = gql(api, INSTANCE_QUERY, {"name": "bastion"})
    assert "errors" not in body
    conn = body["data"]["resources"]
    assert conn["totalCount"] == 1
    node = conn["edges"][0]["node"]
    assert node["name"] == "bastion"
    assert node["instanceId"] == estate.instances["bastion"]
    assert node["id"] == f"arn:aws:ec2:us-east-1:123456789012:instance/{estate.instances['bastion']}"
    assert (node["provider"], node["account"], node["region"]) == ("aws", "123456789012", "us-east-1")
    by_type = {n["type"]: n["node"] for n in node["neighbors"]}
    assert set(by_type) == {"IN_SUBNET", "MEMBER_OF_SECURITY_GROUP"}
    subnet = by_type["IN_SUBNET"]
    assert (subnet["kind"], subnet["name"]) == ("Subnet", "public-a")
    assert subnet["neighbors"] == [
        {"type": "IN_VPC", "node": {"kind": "VPC", "name": "prod-vpc", "cidrBlock": "10.0.0.0/16"}}
    ]
    group = by_type["MEMBER_OF_SECURITY_GROUP"]
    assert (group["kind"], group["groupName"]) == ("SecurityGroup", "bastion-sg")
    assert group["neighbors"][0]["node"]["name"] == "prod-vpc"


def test_security_group_rules_are_typed_neighbours(api: str) -> None:
    query = """{ resources(filter: {kinds: ["SecurityGroup"], search: "db-sg"}) { edges { node {
        neighbors(types: ["HAS_RULE"]) { node { ... on SecurityGroupRule {
            direction protocol fromPort toPort cidr peerGroupId
            neighbors(types: ["ALLOWS_FROM"], direction: OUT) { node { ... on Resource { name } } } } } } } } } }"""
    body = gql(api, query)
    rules = [n["node"] for n in body["data"]["resources"]["edges"][0]["node"]["neighbors"]]
    ingress = [r for r in rules if r["direction"] == "ingress"]
    assert len(ingress) == 1
    rule = ingress[0]
    assert (rule["protocol"], rule["fromPort"], rule["toPort"], rule["cidr"]) == ("tcp", 5432, 5432, None)
    assert rule["neighbors"] == [{"node": {"name": "app-sg"}}]


def test_pages_cover_every_instance_once_in_id_order(api: str, estate: DemoEstate) -> None:
    query = """query($after: String) { resources(filter: {kinds: ["EC2Instance"]}, first: 2, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }"""
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        conn = gql(api, query, {"after": after})["data"]["resources"]
        assert conn["totalCount"] == len(estate.instances)
        seen += [e["node"]["id"] for e in conn["edges"]]
        pages += 1
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert pages == 3
    assert seen == sorted(seen)
    assert sorted(i.rsplit("/", 1)[1] for i in seen) == sorted(estate.instances.values())


def test_filters_by_tag_region_and_provider(api: str) -> None:
    query = """query($f: ResourceFilterInput) { resources(filter: $f, first: 100) { totalCount edges { node {
        name region tags { key value } } } } }"""
    staging = gql(api, query, {"f": {"tags": [{"key": "env", "value": "staging"}]}})["data"]["resources"]
    names = sorted(e["node"]["name"] for e in staging["edges"])
    assert names == ["staging-a", "staging-app-1", "staging-vpc"]
    assert all({"key": "env", "value": "staging"} in e["node"]["tags"] for e in staging["edges"])
    eu = gql(api, query, {"f": {"regions": ["eu-west-1"], "kinds": ["EC2Instance"]}})["data"]["resources"]
    assert [e["node"]["name"] for e in eu["edges"]] == ["staging-app-1"]
    none = gql(api, query, {"f": {"providers": ["azure"]}})["data"]["resources"]
    assert none == {"totalCount": 0, "edges": []}


def test_nested_neighbours_are_batched_not_n_plus_one(api: str) -> None:
    gql(api, "{ kinds { label } }")  # the API key is checked (and cached) on the first request
    CountingGraph.reads = 0
    body = gql(api, '{ resources(filter: {kinds: ["EC2Instance"]}) { edges { node { neighbors { type } } } } }')
    assert len(body["data"]["resources"]["edges"]) == 6
    # one page query + one neighbour query for all six instances, read with the page; no count is asked for
    assert CountingGraph.reads == 2
    CountingGraph.reads = 0
    gql(api, '{ resources(filter: {kinds: ["EC2Instance"]}) { totalCount edges { node { neighbors { type } } } } }')
    assert CountingGraph.reads == 3  # the count, when asked for


def test_neighbours_in_a_fragment_are_batched_and_equal_those_read_with_the_page(api: str) -> None:
    plain = """{ resources(filter: {kinds: ["EC2Instance"]}) { edges { node { id
        neighbors(first: 5) { type direction node { id kind } } } } } }"""
    fragment = """{ resources(filter: {kinds: ["EC2Instance"]}) { edges { node { id
        ... on EC2Instance { neighbors(first: 5) { type direction node { id kind } } } } } } }"""
    CountingGraph.reads = 0
    via_loader = gql(api, fragment)["data"]["resources"]["edges"]
    assert CountingGraph.reads == 2  # page + one batched neighbour query (the loader)
    assert gql(api, plain)["data"]["resources"]["edges"] == via_loader
    assert sum(len(e["node"]["neighbors"]) for e in via_loader) > 6


def test_neighbours_read_by_id_only_match_whole_neighbours(api: str) -> None:
    query = """{ resources(filter: {kinds: ["EC2Instance"]}) { edges { node {
        neighbors { type direction node { id kind %s } } } } } }"""
    light = gql(api, query % "")["data"]["resources"]["edges"]
    whole = gql(api, query % "properties")["data"]["resources"]["edges"]
    for a, b in zip(light, whole, strict=True):
        assert a["node"]["neighbors"] == [
            {**n, "node": {"id": n["node"]["id"], "kind": n["node"]["kind"]}} for n in b["node"]["neighbors"]
        ]
        assert all(n["node"]["properties"]["id"] == n["node"]["id"] for n in b["node"]["neighbors"])
    assert sum(len(e["node"]["neighbors"]) for e in light) > 6


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('{ resources(after: "bm9wZQ") { totalCount } }', "is not one this API returned"),
        ('{ resources(filter: {kinds: ["Nope"]}) { totalCount } }', "unknown kind(s) Nope; known kinds: "),
        ("{ resources(first: 0) { totalCount } }", "first must be between 1 and 1000, got 0"),
        (
            '{ resources { edges { node { neighbors(types: ["NOPE"]) { type } } } } }',
            "unknown relationship type(s) NOPE",
        ),
    ],
)
def test_bad_arguments_get_a_message_that_says_how_to_fix_them(api: str, query: str, expected: str) -> None:
    body = gql(api, query)
    messages = [e["message"] for e in body["errors"]]
    assert any(expected in m for m in messages), messages


def test_health_ready_and_graphiql(api: str) -> None:
    assert httpx.get(f"{api}/health").json() == {"status": "ok"}
    ready = httpx.get(f"{api}/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"neo4j": "ok", "redis": "ok"}}
    page = httpx.get(f"{api}/graphql", headers={"accept": "text/html", "X-API-Key": KEYS[api]})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()
    assert httpx.get(f"{api}/graphql", headers={"accept": "text/html"}).status_code == 401  # not anonymously
    assert "AI-Discover" in httpx.get(f"{api}/").text


def test_ready_is_503_and_names_redis_when_redis_is_down(settings: Settings, session_graph: Graph) -> None:
    broken = replace_settings(settings, redis={"url": f"redis://127.0.0.1:{_free_port()}/0"})

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=create_app(broken, session_graph))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get("/ready")

    response = asyncio.run(call())
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["neo4j"] == "ok"
    assert "Redis does not answer" in checks["redis"]
    assert "aidiscover services up" in checks["redis"]


TOO_DEEP = "{ resources { edges { node { " + "neighbors { node { " * 6 + "id" + " } }" * 6 + " } } } }"
TOO_COSTLY = "{ resources(first: 1000) { edges { node { neighbors(first: 1000) { node { kind } } } } } }"


@pytest.mark.parametrize(
    ("body", "code", "expected"),
    [
        ({"query": "{ resources { edges { node { id } }"}, "BAD_QUERY", "Syntax Error"),
        ({"query": "{ resources { nope } }"}, "BAD_QUERY", "Cannot query field 'nope'"),
        ({"query": "{ resources(first: 5000) { totalCount } }"}, "BAD_INPUT", "first must be between 1 and 1000"),
        (
            {"query": "query($n: Int!) { resources(first: $n) { totalCount } }", "variables": {"n": "many"}},
            "BAD_INPUT",
            "Int cannot represent",
        ),
        ({"query": '{ resources(after: "!!") { totalCount } }'}, "BAD_INPUT", "is not one this API returned"),
        ({"query": TOO_DEEP}, "QUERY_TOO_DEEP", "levels deep; at most 12"),
        ({"query": TOO_COSTLY}, "QUERY_TOO_COSTLY", "estimated cost"),
        ({"query": "{ " + " ".join(f"a{i}: kinds {{ label }}" for i in range(21)) + " }"}, "TOO_MANY_ALIASES", "21"),
        ({"query": "{ kinds { " + "label " * 2100 + "} }"}, "TOO_MANY_TOKENS", "2000 tokens"),
        ({"query": "mutation { nope }"}, "BAD_QUERY", "Cannot query field 'nope'"),
    ],
)
def test_bad_queries_get_a_message_and_a_code_never_a_5xx(
    api: str, body: dict[str, Any], code: str, expected: str
) -> None:
    response = httpx.post(f"{api}/graphql", json=body, headers={"X-API-Key": KEYS[api]}, timeout=30)
    assert response.status_code in (200, 400), response.text
    errors = response.json()["errors"]
    assert [e["extensions"]["code"] for e in errors] == [code], errors
    assert expected in errors[0]["message"]


def test_unknown_ids_are_null_not_errors(api: str) -> None:
    assert gql(api, '{ resource(id: "arn:aws:ec2:us-east-1:1:instance/i-nope") { id } }') == {
        "data": {"resource": None}
    }


@pytest.mark.parametrize(
    "content",
    [b"{not json", b'{"query": 42}', b"[]", b'{"variables": {}}'],
)
def test_malformed_request_bodies_are_400(api: str, content: bytes) -> None:
    response = httpx.post(
        f"{api}/graphql",
        content=content,
        headers={"X-API-Key": KEYS[api], "content-type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 400, response.text
