"""What a caller without credentials learns, over real HTTP (uvicorn) against the real Neo4j and Redis:
no GraphiQL on GET /graphql, no introspection, no "Did you mean" suggestions, no /metrics, and from the
/graphiql page (served to anyone) nothing until a key is given; a signed-in caller keeps GraphiQL and
introspection (the viewer reads its capabilities by introspection), and Prometheus reads /metrics with its token.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from app.api import auth_store
from app.server import create_app
from core.errors import ConfigError
from core.settings import Settings, load_settings
from graph.neo4j.client import Graph
from tests.app.auth_server import clear_rate_limits, serving
from tests.settings_update import replace_settings

METRICS_TOKEN = "p" * 40
CAPABILITIES = (  # the viewer's first query once signed in (web/app/src/api.js)
    "{ __schema { queryType { fields { name } } mutationType { fields { name } } "
    "subscriptionType { fields { name } } } }"
)
ENUM_VARIABLE = "query($b: RollupBy!) { rollup(by: $b) { key count } }"


@pytest.fixture(scope="module")
def access_settings(settings: Settings) -> Settings:
    return replace_settings(
        settings,
        auth={
            "bcrypt_rounds": 4,
            "jwt_secret": SecretStr("a" * 48),
            "rate_limit_per_minute": 1000,
            "metrics_token": SecretStr(METRICS_TOKEN),
        },
    )


@pytest.fixture(scope="module")
def api(access_settings: Settings, session_graph: Graph) -> Iterator[str]:
    with serving(create_app(access_settings, session_graph)) as url:
        yield url


@pytest.fixture
def fresh(graph: Graph, access_settings: Settings) -> Graph:
    clear_rate_limits(access_settings.redis.url)
    return graph


def key(graph: Graph, role: str) -> dict[str, str]:
    return {"X-API-Key": auth_store.create_api_key(graph, f"access-{role}", role, "tests", 4).key}


def gql(url: str, query: str, headers: dict[str, str] | None = None, **variables: Any) -> dict[str, Any]:
    response = httpx.post(f"{url}/graphql", json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def graphiql(url: str, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.get(f"{url}/graphql", headers={"Accept": "text/html", **(headers or {})})


def test_an_anonymous_browser_gets_no_graphiql(api: str, fresh: Graph) -> None:
    refused = graphiql(api)
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/json"
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "graphiql" not in refused.text.lower().replace("graphiql:", "")
    signed_in = graphiql(api, key(fresh, "viewer"))
    assert signed_in.status_code == 200
    assert "graphiql" in signed_in.text.lower()


def test_the_graphiql_page_is_served_to_anyone_and_gives_nothing_away(api: str, fresh: Graph) -> None:
    """/graphiql answers a browser opening it (no header), but what it shows needs a key."""
    viewer = key(fresh, "viewer")
    page = httpx.get(f"{api}/graphiql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/static/dist/graphiql.js">' in page.text
    fields = {f["name"] for f in gql(api, CAPABILITIES, viewer)["data"]["__schema"]["queryType"]["fields"]}
    text = page.text.lower()
    assert {"resources", "findings", "blastRadius"} <= fields
    assert not [f for f in fields if len(f) > 4 and f.lower() in text], "the page names the schema's fields"
    # what the page asks first, without the tab's key: refused; with a key pasted into its headers: answered
    refused = gql(api, CAPABILITIES)
    assert refused.get("data") is None
    assert {e["extensions"]["code"] for e in refused["errors"]} == {"UNAUTHENTICATED"}
    assert gql(api, "{ resources(first: 1) { totalCount } }")["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "errors" not in gql(api, "{ resources(first: 1) { totalCount } }", viewer)


def test_anonymous_introspection_is_refused_and_a_signed_in_caller_keeps_it(api: str, fresh: Graph) -> None:
    viewer = key(fresh, "viewer")
    shown = gql(api, CAPABILITIES, viewer)  # first, so the document is cached as valid for a signed-in caller
    assert "errors" not in shown
    assert "kinds" in {f["name"] for f in shown["data"]["__schema"]["queryType"]["fields"]}
    hidden = '{ __type(name: "Query") { fields { name } } }', "{ kinds { label } __schema { types { name } } }"
    for query in (CAPABILITIES, *hidden):
        body = gql(api, query)
        assert body.get("data") is None, body
        assert {e["extensions"]["code"] for e in body["errors"]} == {"UNAUTHENTICATED"}
        assert "signed-in callers only" in body["errors"][0]["message"]
    assert gql(api, "{ __typename }") == {"data": {"__typename": "Query"}}  # reveals nothing: still allowed
    assert "errors" not in gql(api, '{ __type(name: "Query") { name } }', viewer)


def test_anonymous_errors_carry_no_suggestions(api: str, fresh: Graph) -> None:
    viewer = key(fresh, "viewer")
    cases: list[tuple[str, dict[str, Any]]] = [("{ kindz { label } }", {}), (ENUM_VARIABLE, {"b": "PROVIDR"})]
    for query, variables in cases:
        signed_in = gql(api, query, viewer, **variables)["errors"][0]["message"]
        assert "Did you mean" in signed_in  # the suggestion exists ...
        anonymous = gql(api, query, **variables)["errors"][0]["message"]
        assert "Did you mean" not in anonymous  # ... and an anonymous caller does not get it
        assert "kinds" not in anonymous
        assert "PROVIDER" not in anonymous
        assert anonymous.split(".")[0] == signed_in.split(".")[0]  # the error itself is still said


def test_public_schema_gives_anonymous_callers_graphiql_and_introspection(
    access_settings: Settings, session_graph: Graph, fresh: Graph
) -> None:
    with serving(create_app(replace_settings(access_settings, auth={"public_schema": True}), session_graph)) as url:
        assert graphiql(url).status_code == 200
        assert "errors" not in gql(url, CAPABILITIES)
        assert "Did you mean" in gql(url, "{ kindz { label } }")["errors"][0]["message"]


def test_auth_off_keeps_graphiql_and_introspection(access_settings: Settings, session_graph: Graph) -> None:
    with serving(create_app(replace_settings(access_settings, auth={"mode": "off"}), session_graph)) as url:
        assert graphiql(url).status_code == 200
        assert "errors" not in gql(url, CAPABILITIES)


def test_metrics_need_the_metrics_token_or_an_operator(api: str, fresh: Graph) -> None:
    def scrape(headers: dict[str, str] | None = None) -> httpx.Response:
        return httpx.get(f"{api}/metrics", headers=headers)

    anonymous = scrape()
    assert anonymous.status_code == 401
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "aidiscover_jobs" not in anonymous.text
    assert "llm" not in anonymous.text
    assert scrape({"Authorization": "Bearer " + "q" * 40}).status_code == 401  # a wrong token
    viewer = scrape(key(fresh, "viewer"))
    assert viewer.status_code == 403
    assert viewer.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    for headers in ({"Authorization": f"Bearer {METRICS_TOKEN}"}, key(fresh, "operator"), key(fresh, "admin")):
        allowed = scrape(headers)
        assert allowed.status_code == 200
        assert "aidiscover_llm_cost_usd_total" in allowed.text


def test_the_metrics_token_must_be_long(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIDISCOVER_METRICS_TOKEN", "short")
    with pytest.raises(ConfigError, match=r"AIDISCOVER_METRICS_TOKEN=\*\*\* is invalid.*at least 24 characters"):
        load_settings()
    monkeypatch.setenv("AIDISCOVER_METRICS_TOKEN", "")
    assert load_settings().auth.metrics_token is None
