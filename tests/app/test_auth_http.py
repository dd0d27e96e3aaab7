"""Authentication, rate limits, security headers, CORS and websocket sign-in over real HTTP (uvicorn).

The API runs on a loopback port against the real Neo4j (users and keys live there) and the real Redis
(rate-limit counters). Every refusal must carry a message and a code, and never be a 5xx.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from app.api import auth_store
from app.api.auth_tokens import ALGORITHM, ISSUER
from app.server import create_app
from core.settings import Settings
from graph.neo4j.client import Graph
from tests.app.auth_server import clear_rate_limits, serving
from tests.settings_update import replace_settings

SECRET = "s" * 48


@pytest.fixture(scope="module")
def api_settings(settings: Settings) -> Settings:
    return replace_settings(
        settings, auth={"bcrypt_rounds": 4, "jwt_secret": SecretStr(SECRET), "rate_limit_per_minute": 30}
    )


@pytest.fixture(scope="module")
def api(api_settings: Settings, session_graph: Graph) -> Iterator[str]:
    with serving(create_app(api_settings, session_graph)) as url:
        yield url


@pytest.fixture
def fresh(graph: Graph, api_settings: Settings) -> Graph:
    """An empty graph and no rate-limit counts."""
    clear_rate_limits(api_settings.redis.url)
    return graph


def post(api: str, query: str, headers: dict[str, str] | None = None, **variables: Any) -> httpx.Response:
    return httpx.post(f"{api}/graphql", json={"query": query, "variables": variables}, headers=headers, timeout=30)


def error(response: httpx.Response) -> tuple[int, str, str]:
    body = response.json()
    first = body["errors"][0]
    return response.status_code, first["extensions"]["code"], first["message"]


def key(graph: Graph, role: str = "admin", name: str = "tests") -> str:
    return auth_store.create_api_key(graph, name, role, "tests", 4).key


def test_no_credentials_are_unauthenticated(api: str, fresh: Graph) -> None:
    status, code, message = error(post(api, "{ kinds { label } }"))
    assert (status, code) == (200, "UNAUTHENTICATED")
    assert "X-API-Key" in message


def test_an_api_key_in_either_header_reads(api: str, fresh: Graph) -> None:
    admin = key(fresh)
    for headers in ({"X-API-Key": admin}, {"Authorization": f"Bearer {admin}"}):
        response = post(api, "{ me { role via } kinds { label } }", headers)
        assert response.status_code == 200
        body = response.json()
        assert "errors" not in body
        assert body["data"]["me"] == {"role": "admin", "via": "api_key"}


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({"X-API-Key": "aid_0123456789abcdef_nope"}, "API key 0123456789abcdef is not valid"),
        ({"X-API-Key": "hello"}, "the API key is malformed"),
        ({"Authorization": "Bearer not-a-token"}, "the access token is not valid"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "must read `Bearer <token>`"),
    ],
)
def test_bad_credentials_are_401_with_a_code(api: str, fresh: Graph, headers: dict[str, str], message: str) -> None:
    response = post(api, "{ kinds { label } }", headers)
    assert error(response)[:2] == (401, "UNAUTHENTICATED")
    assert message in error(response)[2]
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_expired_access_token_is_refused_with_what_to_do(api: str, fresh: Graph) -> None:
    now = datetime.now(UTC)
    token = jwt_token(now - timedelta(minutes=31), now - timedelta(minutes=1))
    status, code, message = error(post(api, "{ kinds { label } }", {"Authorization": f"Bearer {token}"}))
    assert (status, code) == (401, "UNAUTHENTICATED")
    assert "expired: get a new one with the refreshToken mutation" in message


def jwt_token(iat: datetime, exp: datetime) -> str:
    import jwt

    claims = {"iss": ISSUER, "sub": "ada", "role": "admin", "typ": "access", "iat": iat, "exp": exp}
    return jwt.encode(claims, SECRET, algorithm=ALGORITHM)


def test_login_refresh_and_use_the_tokens(api: str, fresh: Graph) -> None:
    auth_store.create_user(fresh, "ada", "correct horse", "operator", 4)
    login = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken refreshToken } }"
    tokens = post(api, login, u="ada", p="correct horse").json()["data"]["login"]
    me = post(api, "{ me { name role via } }", {"Authorization": f"Bearer {tokens['accessToken']}"})
    assert me.json() == {"data": {"me": {"name": "ada", "role": "operator", "via": "jwt"}}}
    refresh = "mutation($t: String!) { refreshToken(token: $t) { accessToken } }"
    renewed = post(api, refresh, t=tokens["refreshToken"]).json()["data"]["refreshToken"]["accessToken"]
    assert post(api, "{ me { name } }", {"Authorization": f"Bearer {renewed}"}).json()["data"]["me"]["name"] == "ada"
    # the refresh token is not an access token
    assert error(post(api, "{ me { name } }", {"Authorization": f"Bearer {tokens['refreshToken']}"}))[:2] == (
        401,
        "UNAUTHENTICATED",
    )
    wrong = post(api, login, u="ada", p="wrong horse")
    assert error(wrong)[:2] == (200, "UNAUTHENTICATED")


def test_a_revoked_key_is_refused(api: str, fresh: Graph) -> None:
    own = key(fresh, role="viewer", name="mine")
    headers = {"X-API-Key": own}
    key_id = post(api, "{ me { keyId } }", headers).json()["data"]["me"]["keyId"]
    revoked = post(api, "mutation($id: String!) { revokeApiKey(keyId: $id) { revoked } }", headers, id=key_id)
    assert revoked.json() == {"data": {"revokeApiKey": {"revoked": True}}}
    status, code, message = error(post(api, "{ kinds { label } }", headers))
    assert (status, code) == (401, "UNAUTHENTICATED")
    assert "was revoked" in message


def test_a_viewer_cannot_call_an_admin_mutation(api: str, fresh: Graph) -> None:
    viewer = {"X-API-Key": key(fresh, role="viewer")}
    response = post(api, 'mutation { createApiKey(name: "x", role: "admin") { key } }', viewer)
    status, code, message = error(response)
    assert (status, code) == (200, "FORBIDDEN")
    assert "has role viewer; this needs role admin" in message


def test_requests_past_the_limit_get_429_with_retry_after(api: str, fresh: Graph, api_settings: Settings) -> None:
    headers = {"X-API-Key": key(fresh, role="viewer")}
    statuses = [
        post(api, "{ me { role } }", headers).status_code for _ in range(api_settings.auth.rate_limit_per_minute)
    ]
    assert statuses == [200] * api_settings.auth.rate_limit_per_minute
    refused = post(api, "{ me { role } }", headers)
    status, code, message = error(refused)
    assert (status, code) == (429, "RATE_LIMITED")
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert f"more than {api_settings.auth.rate_limit_per_minute} requests this minute" in message
    # another caller is counted on its own
    assert post(api, "{ me { role } }", {"X-API-Key": key(fresh, name="other")}).status_code == 200


def test_security_headers_on_every_response(api: str) -> None:
    for path in ("/", "/health", "/graphql"):
        response = httpx.get(f"{api}{path}", headers={"accept": "text/html"})
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp
        assert "default-src 'self'" in csp
        assert "strict-transport-security" not in response.headers  # plain http
    for path in ("/", "/graphql", "/graphiql"):  # GraphiQL is bundled: no page may load from another origin
        csp = httpx.get(f"{api}{path}").headers["content-security-policy"]
        assert "https:" not in csp
        assert "unpkg" not in csp
        assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    # refusals carry them too
    assert post(api, "{ kinds { label } }", {"X-API-Key": "x"}).headers["x-frame-options"] == "DENY"


def test_cors_is_off_unless_origins_are_set(api: str, api_settings: Settings, session_graph: Graph) -> None:
    preflight = {"Origin": "https://viewer.example", "Access-Control-Request-Method": "POST"}
    assert "access-control-allow-origin" not in httpx.options(f"{api}/graphql", headers=preflight).headers
    allowed = replace_settings(api_settings, api={"cors_origins": ("https://viewer.example",)})
    with serving(create_app(allowed, session_graph)) as url:
        response = httpx.options(f"{url}/graphql", headers=preflight)
        assert response.headers["access-control-allow-origin"] == "https://viewer.example"
        other = httpx.options(f"{url}/graphql", headers={**preflight, "Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_auth_off_makes_every_request_the_local_admin(
    api_settings: Settings, session_graph: Graph, caplog: pytest.LogCaptureFixture
) -> None:
    with serving(create_app(replace_settings(api_settings, auth={"mode": "off"}), session_graph)) as url:
        body = post(url, "{ me { name role via } }").json()
    assert body == {"data": {"me": {"name": "local", "role": "admin", "via": "local"}}}
    assert any("AIDISCOVER_AUTH=off" in r.getMessage() for r in caplog.records)


def ws_init(api: str, payload: dict[str, Any] | None) -> dict[str, Any]:
    url = api.replace("http://", "ws://") + "/graphql"
    with connect(url, subprotocols=["graphql-transport-ws"], open_timeout=10) as ws:  # type: ignore[list-item]
        ws.send(json.dumps({"type": "connection_init", **({"payload": payload} if payload is not None else {})}))
        try:
            return dict(json.loads(ws.recv(timeout=10)))
        except ConnectionClosed as closed:
            return {"closed": closed.rcvd.code if closed.rcvd else None}


def test_websocket_connection_init_authenticates(api: str, fresh: Graph) -> None:
    admin = key(fresh)
    assert ws_init(api, {"apiKey": admin}) == {"type": "connection_ack"}
    assert ws_init(api, {"authorization": f"Bearer {admin}"}) == {"type": "connection_ack"}
    assert ws_init(api, {}) == {"closed": 4403}
    assert ws_init(api, {"apiKey": "aid_0123456789abcdef_nope"}) == {"closed": 4403}


def test_hsts_only_on_https(api_settings: Settings, session_graph: Graph) -> None:
    async def call(base_url: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=create_app(api_settings, session_graph))
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            return await client.get("/health")

    assert asyncio.run(call("https://aidiscover.example")).headers["strict-transport-security"].startswith("max-age=")
    assert "strict-transport-security" not in asyncio.run(call("http://aidiscover.example")).headers
