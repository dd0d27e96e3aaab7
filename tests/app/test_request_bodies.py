"""Bodies /graphql will not read answer 4xx with a JSON error and a code, never a bare 500, over real
HTTP (uvicorn) against the real Neo4j and Redis."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr

from app.api.request_body import json_depth_exceeds
from app.server import create_app
from core.settings import Settings
from graph.neo4j.client import Graph
from tests.app.auth_server import serving
from tests.settings_update import replace_settings

JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def api(settings: Settings, session_graph: Graph) -> Iterator[str]:
    auth = {"jwt_secret": SecretStr("b" * 48), "rate_limit_per_minute": 10_000}
    with serving(create_app(replace_settings(settings, auth=auth), session_graph)) as url:
        yield url


def refused(response: httpx.Response) -> tuple[int, str]:
    assert response.headers["content-type"] == "application/json", response.text
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["message"]
    return response.status_code, body["errors"][0]["extensions"]["code"]


def post(url: str, content: bytes, headers: dict[str, str] = JSON) -> httpx.Response:
    return httpx.post(f"{url}/graphql", content=content, headers=headers, timeout=30)


def nested(depth: int) -> bytes:
    return b'{"query": "{ __typename }", "variables": {"v": ' + b"[" * depth + b"]" * depth + b"}}"


def test_invalid_utf8_is_400_bad_encoding(api: str) -> None:
    assert refused(post(api, b'{"query": "{ __typename \xff\xfe }"}')) == (400, "BAD_ENCODING")
    assert refused(post(api, b'{"query": "{ __typename }", "variables": {"x": "\xc3\x28"}}')) == (400, "BAD_ENCODING")


def test_invalid_json_is_400_bad_json(api: str) -> None:
    for body in (b'{"query": ', b"{'query': 1}", b'"just a string"', b"null", b"42"):
        assert refused(post(api, body)) == (400, "BAD_JSON"), body


def test_variables_nested_100k_deep_are_400_at_once(api: str) -> None:
    started = time.monotonic()
    response = post(api, nested(100_000))
    assert refused(response) == (400, "JSON_TOO_DEEP")
    assert time.monotonic() - started < 2
    assert refused(post(api, nested(5000))) == (400, "JSON_TOO_DEEP")  # deeper than Python's parser recurses
    assert refused(post(api, nested(63))) == (400, "JSON_TOO_DEEP")  # 2 + 63 levels: past the 64 allowed
    within = post(api, nested(62))  # 2 + 62 = 64 levels: read (the variable is simply unused)
    assert within.status_code == 200
    assert within.json()["data"] == {"__typename": "Query"}


def test_deep_json_in_the_query_string_is_400_too(api: str) -> None:
    response = httpx.get(f"{api}/graphql", params={"query": "{ __typename }", "variables": "[" * 2000})
    assert refused(response) == (400, "JSON_TOO_DEEP")


def test_a_body_past_the_limit_is_413_declared_or_streamed(api: str, settings: Settings) -> None:
    assert settings.api.max_body_bytes == 1_048_576
    huge = json.dumps({"query": "{ __typename }", "variables": {"x": "a" * 2_000_000}}).encode()
    assert refused(post(api, huge)) == (413, "BODY_TOO_LARGE")

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while it streams in
        yield b'{"query": "{ __typename }", "variables": {"x": "'
        for _ in range(300):
            yield b"a" * 4096
        yield b'"}}'

    assert refused(post(api, chunks())) == (413, "BODY_TOO_LARGE")  # type: ignore[arg-type]


def test_a_wrong_content_type_is_415(api: str) -> None:
    body = b'{"query": "{ __typename }"}'
    for content_type in (
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/jsonx",
        "application/json; charset=latin-1",
    ):
        assert refused(post(api, body, {"Content-Type": content_type})) == (415, "UNSUPPORTED_MEDIA_TYPE")
    assert post(api, body, {"Content-Type": "application/json; charset=UTF-8"}).status_code == 200


def test_other_malformed_requests_are_json_400s(api: str) -> None:
    for body in (b"[]", b"{}", b'{"query": 5}', b'{"query": "{ __typename }", "variables": [1]}'):
        assert refused(post(api, body)) == (400, "BAD_REQUEST"), body


def test_the_depth_check_skips_brackets_inside_strings() -> None:
    text = json.dumps({"a": ["[[[[{{{{", {"b": '"]]]]'}]}).encode()
    assert not json_depth_exceeds(text, 3)
    assert json_depth_exceeds(text, 2)
    assert not json_depth_exceeds(b'"\\"' * 10_000, 1)  # unterminated: no depth (the parser refuses it)
