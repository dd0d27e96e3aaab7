"""Rate and login limits a client cannot dodge, over real HTTP (uvicorn, configured as `aidiscover serve`
configures it) and the real Redis.

Attacks: rotating X-Forwarded-For (or Forwarded, X-Real-IP) to look like a new client each request;
spraying many usernames from one address; one username from many addresses; a burst straddling a
minute boundary, which a fixed window let through twice over.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator

import httpx
import pytest
import redis
from pydantic import SecretStr

from app.api.ratelimit import PREFIX, RateLimiter
from app.server import create_app, uvicorn_config
from core.errors import ConfigError
from core.settings import Settings, load_settings
from graph.neo4j.client import Graph
from tests.app.auth_server import clear_rate_limits, serving
from tests.settings_update import replace_settings

LOGIN = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }"


@pytest.fixture(scope="module")
def limited(settings: Settings) -> Settings:
    return replace_settings(
        settings, auth={"bcrypt_rounds": 4, "jwt_secret": SecretStr("l" * 48), "rate_limit_per_minute": 1000}
    )


@pytest.fixture
def counts(limited: Settings) -> Iterator[redis.Redis]:
    """The Redis the limits live in, with no limit counts left from earlier tests."""
    clear_rate_limits(limited.redis.url)
    client = redis.Redis.from_url(limited.redis.url)
    yield client
    client.close()


@pytest.fixture(scope="module")
def direct(limited: Settings, session_graph: Graph) -> Iterator[str]:
    """The API with no trusted proxies (the default)."""
    with serving(create_app(limited, session_graph)) as url:
        yield url


@pytest.fixture(scope="module")
def proxied(limited: Settings, session_graph: Graph) -> Iterator[str]:
    """The API behind a trusted reverse proxy on 127.0.0.1."""
    with serving(create_app(replace_settings(limited, api={"trusted_proxies": ("127.0.0.1",)}), session_graph)) as url:
        yield url


def login(url: str, username: str, headers: dict[str, str]) -> str:
    body = httpx.post(
        f"{url}/graphql", json={"query": LOGIN, "variables": {"u": username, "p": "wrong horse"}}, headers=headers
    ).json()
    return str(body["errors"][0]["extensions"]["code"])


def keys(counts: redis.Redis, pattern: str) -> set[str]:
    return {k.decode().removeprefix(PREFIX) for k in counts.scan_iter(match=f"{PREFIX}{pattern}")}


def spoofed(i: int) -> dict[str, str]:
    address = f"198.51.100.{i}"
    return {"X-Forwarded-For": address, "Forwarded": f"for={address}", "X-Real-IP": address}


def test_rotating_x_forwarded_for_does_not_dodge_the_login_limit(
    direct: str, graph: Graph, counts: redis.Redis, limited: Settings
) -> None:
    """30 usernames sprayed from 127.0.0.1, each attempt claiming a new address in every proxy header."""
    codes = [login(direct, f"spray{i}", spoofed(i)) for i in range(30)]
    limit = limited.auth.login_attempts_per_minute
    assert codes == ["UNAUTHENTICATED"] * limit + ["RATE_LIMITED"] * (30 - limit)
    assert keys(counts, "login:ip:*") == {"login:ip:127.0.0.1"}  # the headers named no client


def test_rotating_x_forwarded_for_does_not_dodge_the_request_limit(
    limited: Settings, session_graph: Graph, graph: Graph, counts: redis.Redis
) -> None:
    with serving(create_app(replace_settings(limited, auth={"rate_limit_per_minute": 20}), session_graph)) as url:
        statuses = [
            httpx.post(f"{url}/graphql", json={"query": "{ __typename }"}, headers=spoofed(i)).status_code
            for i in range(25)
        ]
    assert statuses == [200] * 20 + [429] * 5


def test_one_username_from_many_proxied_addresses_is_limited(
    proxied: str, graph: Graph, counts: redis.Redis, limited: Settings
) -> None:
    codes = [login(proxied, "ada", {"X-Forwarded-For": f"198.51.100.{i}"}) for i in range(15)]
    limit = limited.auth.login_attempts_per_minute
    assert codes == ["UNAUTHENTICATED"] * limit + ["RATE_LIMITED"] * (15 - limit)
    assert len(keys(counts, "login:ip:198.51.100.*")) == 15  # behind the proxy, each address is its own client


def test_behind_a_trusted_proxy_the_client_is_the_right_most_untrusted_address(
    proxied: str, graph: Graph, counts: redis.Redis, limited: Settings
) -> None:
    """The client may write anything left of what the proxy appends: only the proxy's entry counts."""
    headers = [{"X-Forwarded-For": f"10.9.9.{i}, 203.0.113.7, 127.0.0.1"} for i in range(20)]
    codes = [login(proxied, f"spray{i}", h) for i, h in enumerate(headers)]
    limit = limited.auth.login_attempts_per_minute
    assert codes == ["UNAUTHENTICATED"] * limit + ["RATE_LIMITED"] * (20 - limit)
    assert keys(counts, "login:ip:*") == {"login:ip:203.0.113.7"}


def test_uvicorn_reads_proxy_headers_only_from_trusted_proxies(limited: Settings, session_graph: Graph) -> None:
    app = create_app(limited, session_graph)
    none = uvicorn_config(app, limited)
    assert none.proxy_headers is False  # uvicorn's default would trust 127.0.0.1
    some = uvicorn_config(app, replace_settings(limited, api={"trusted_proxies": ("10.0.0.0/8", "192.0.2.1")}))
    assert some.proxy_headers is True
    assert some.forwarded_allow_ips == ["10.0.0.0/8", "192.0.2.1"]


def test_trusted_proxies_must_be_addresses_or_networks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIDISCOVER_TRUSTED_PROXIES", " 10.0.0.5, 10.1.0.0/16 ,::1")
    assert load_settings().api.trusted_proxies == ("10.0.0.5", "10.1.0.0/16", "::1")
    for bad in ("*", "proxy.example", "10.0.0.0/99"):
        monkeypatch.setenv("AIDISCOVER_TRUSTED_PROXIES", bad)
        with pytest.raises(ConfigError, match="AIDISCOVER_TRUSTED_PROXIES"):
            load_settings()


def test_no_burst_across_a_minute_boundary_passes_more_than_the_limit(limited: Settings, counts: redis.Redis) -> None:
    """200 requests in 3.5 s around a minute boundary: a fixed window let all of them through."""
    limiter = RateLimiter(limited.redis.url)
    boundary = 1_800_000_000.0  # a whole minute
    times = [boundary - 1.75 + i * 3.5 / 200 for i in range(200)]
    allowed = [t for t in times if limiter.hit("test:burst", 100, t).allowed]
    assert len(allowed) == 100
    assert not limiter.hit("test:burst", 100, boundary + 55).allowed  # still inside a minute of the burst
    assert limiter.hit("test:burst", 100, allowed[0] + 60.001).allowed  # the first admitted one has left
    limiter.close()


def test_no_sixty_second_span_admits_more_than_the_limit(limited: Settings, counts: redis.Redis) -> None:
    limiter = RateLimiter(limited.redis.url)
    rng = random.Random(15)
    now_ms, admitted = 1_800_000_000_000, []
    for _ in range(1500):  # bursts and pauses over about five minutes (times in whole milliseconds)
        now_ms += rng.choice((10, 50, 200, 1000, 7000))
        if limiter.hit("test:random", 30, now_ms / 1000).allowed:
            admitted.append(now_ms)
    assert len(admitted) > 30 * 4  # it does admit again once requests leave the window
    for i, start in enumerate(admitted):
        assert sum(1 for t in admitted[i:] if t < start + 60_000) <= 30
    limiter.close()


def test_with_redis_down_requests_are_allowed_and_a_warning_logged(caplog: pytest.LogCaptureFixture) -> None:
    down = RateLimiter("redis://127.0.0.1:1/0")
    with caplog.at_level(logging.WARNING, logger="app.api.ratelimit"):
        assert all(down.hit("test:down", 1).allowed for _ in range(3))
    assert [r.getMessage() for r in caplog.records if "rate limiting is off" in r.getMessage()]
    down.close()
