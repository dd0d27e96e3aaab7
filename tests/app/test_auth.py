"""Users, API keys and tokens against the real secret store (Redis) and Neo4j; roles through the GraphQL schema;
the CLI."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from pydantic import SecretStr

from app.api import auth_store
from app.api.auth import LOCAL_ADMIN, Authenticator, ensure_demo_api_key, startup_hint
from app.api.auth_tokens import ALGORITHM, ISSUER, decode_token, load_jwt_secret
from app.api.context import Context
from app.api.permissions import Principal
from app.api.ratelimit import RateLimiter
from app.api.schema import schema
from app.cli import main
from core.errors import AlreadyExistsError, AuthError, ConfigError, NotFoundError, QueryInputError, RateLimitedError
from core.settings import Settings
from graph.neo4j.client import Graph
from graph.secretstore import secret_store, store_of
from tests.settings_update import replace_settings


@pytest.fixture
def auth(graph: Graph, fast: Settings) -> Iterator[Authenticator]:
    authenticator = Authenticator(graph, fast)
    yield authenticator
    authenticator.limiter.close()


def execute(graph: Graph, settings: Settings, query: str, principal: Principal | None, **variables: Any) -> Any:
    ctx = Context(graph=graph, settings=settings, principal=principal, client="10.0.0.9")
    return asyncio.run(schema.execute(query, variable_values=variables, context_value=ctx))


def codes(result: Any) -> list[str]:
    return [e.extensions.get("code") for e in result.errors or []]


# --- store -------------------------------------------------------------------------------------------


def test_users_are_stored_with_a_bcrypt_hash_only(graph: Graph, fast: Settings) -> None:
    user = auth_store.create_user(graph, "ada", "correct horse", "operator", fast.auth.bcrypt_rounds)
    assert (user.username, user.role, user.disabled) == ("ada", "operator", False)
    stored = json.loads(store_of(graph).get("users", "ada") or "{}")
    assert stored["password_hash"].startswith("$2b$04$")
    assert graph.read("MATCH (n) RETURN count(n) AS c")[0]["c"] == 0  # nothing about users in the graph
    assert "correct horse" not in str(stored)
    assert "correct horse" not in repr(auth_store.get_user(graph, "ada"))
    with pytest.raises(AlreadyExistsError, match="exists already"):
        auth_store.create_user(graph, "ada", "another one", "viewer", fast.auth.bcrypt_rounds)
    assert [u.username for u in auth_store.list_users(graph)] == ["ada"]
    auth_store.remove_user(graph, "ada")
    with pytest.raises(NotFoundError, match="aidiscover users list"):
        auth_store.remove_user(graph, "ada")


@pytest.mark.parametrize(
    ("username", "password", "role", "message"),
    [
        ("bad name", "long enough", "viewer", "is not allowed"),
        ("ok", "short", "viewer", "8 to 72 bytes"),
        ("ok", "x" * 73, "viewer", "8 to 72 bytes"),
        ("ok", "long enough", "root", "is not one of viewer, operator, admin"),
    ],
)
def test_bad_user_input_is_refused_with_what_to_do(
    graph: Graph, fast: Settings, username: str, password: str, role: str, message: str
) -> None:
    with pytest.raises(QueryInputError, match=message):
        auth_store.create_user(graph, username, password, role, fast.auth.bcrypt_rounds)
    assert auth_store.list_users(graph) == []


def test_api_keys_look_like_aid_id_secret_and_only_the_hash_is_stored(graph: Graph, fast: Settings) -> None:
    created = auth_store.create_api_key(graph, "ci", "viewer", "cli", fast.auth.bcrypt_rounds)
    prefix, key_id, secret = created.key.split("_", 2)
    assert (prefix, key_id, created.record.key_id) == ("aid", key_id, key_id)
    assert len(key_id) == 16
    assert len(secret) >= 40
    assert created.key not in repr(created)
    stored = json.loads(store_of(graph).get("apikeys", key_id) or "{}")
    assert secret not in str(stored)
    assert auth_store.check_secret(secret, stored["hash"])
    assert not auth_store.check_secret(secret + "x", stored["hash"])
    with pytest.raises(AuthError, match="malformed"):
        auth_store.parse_api_key("aid_nothex_secret")


# --- authenticator ------------------------------------------------------------------------------------


def test_api_key_authenticates_is_cached_and_refused_once_revoked(auth: Authenticator, graph: Graph) -> None:
    created = auth_store.create_api_key(graph, "ci", "operator", "cli", auth.settings.auth.bcrypt_rounds)
    principal = auth.api_key(created.key)
    assert (principal.role, principal.via, principal.key_id) == ("operator", "api_key", created.record.key_id)
    assert auth_store.get_api_key(graph, created.record.key_id).last_used_at is not None  # type: ignore[union-attr]
    # cached: a second check does not need the store (it is answered even with the record gone)
    store_of(graph).delete("apikeys", created.record.key_id)
    assert auth.api_key(created.key) == principal
    # a wrong secret for the same id is never answered from the cache
    with pytest.raises(AuthError, match="is not valid"):
        auth.api_key(created.key[:-2] + "zz")
    again = auth_store.create_api_key(graph, "ci2", "viewer", "cli", auth.settings.auth.bcrypt_rounds)
    auth_store.revoke_api_key(graph, again.record.key_id)
    with pytest.raises(AuthError, match="was revoked"):
        auth.api_key(again.key)


def test_headers_give_the_principal(auth: Authenticator, graph: Graph) -> None:
    created = auth_store.create_api_key(graph, "ci", "viewer", "cli", auth.settings.auth.bcrypt_rounds)
    assert auth.from_headers({}) is None
    assert auth.from_headers({"x-api-key": created.key}).role == "viewer"  # type: ignore[union-attr]
    assert auth.from_headers({"authorization": f"Bearer {created.key}"}).role == "viewer"  # type: ignore[union-attr]
    with pytest.raises(AuthError, match="Bearer <token>"):
        auth.from_headers({"authorization": "Basic abc"})
    with pytest.raises(AuthError, match="not valid"):
        auth.from_headers({"authorization": "Bearer not.a.jwt"})
    off = Authenticator(graph, replace_settings(auth.settings, auth={"mode": "off"}), auth.limiter)
    assert off.from_headers({}) == LOCAL_ADMIN


def test_login_gives_tokens_that_authenticate_and_refresh(auth: Authenticator, graph: Graph) -> None:
    auth_store.create_user(graph, "ada", "correct horse", "admin", auth.settings.auth.bcrypt_rounds)
    pair = auth.login("ada", "correct horse", "10.0.0.1")
    assert pair.expires_in == 30 * 60
    assert auth.bearer(f"Bearer {pair.access_token}") == Principal("ada", "admin", "jwt")
    claims = jwt.decode(pair.refresh_token, auth.secret, algorithms=[ALGORITHM], issuer=ISSUER)
    assert claims["exp"] - claims["iat"] == 7 * 24 * 3600
    with pytest.raises(AuthError, match="not the access token"):
        auth.bearer(f"Bearer {pair.refresh_token}")
    renewed = auth.refresh(pair.refresh_token)
    assert decode_token(auth.secret, renewed.access_token, "access").role == "admin"
    # a change to the user voids the refresh token: signing in again gives the current role
    auth_store.update_user(graph, "ada", role="viewer")
    with pytest.raises(AuthError, match="predates a change to the user"):
        auth.refresh(pair.refresh_token)
    again = auth.login("ada", "correct horse", "10.0.0.1")
    assert decode_token(auth.secret, again.access_token, "access").role == "viewer"
    auth_store.update_user(graph, "ada", disabled=True)
    with pytest.raises(AuthError, match="disabled"):
        auth.refresh(again.refresh_token)


def test_expired_and_foreign_tokens_are_refused(auth: Authenticator) -> None:
    now = datetime.now(UTC)
    claims = {"iss": ISSUER, "sub": "ada", "role": "admin", "typ": "access", "iat": now - timedelta(hours=1)}
    expired = jwt.encode({**claims, "exp": now - timedelta(minutes=1)}, auth.secret, algorithm=ALGORITHM)
    with pytest.raises(AuthError, match="expired: get a new one with the refreshToken mutation"):
        auth.bearer(f"Bearer {expired}")
    foreign = jwt.encode({**claims, "exp": now + timedelta(minutes=5)}, "x" * 40, algorithm=ALGORITHM)
    with pytest.raises(AuthError, match="signed with another secret"):
        auth.bearer(f"Bearer {foreign}")
    unsigned = jwt.encode({**claims, "exp": now + timedelta(minutes=5)}, None, algorithm="none")  # type: ignore[arg-type]
    with pytest.raises(AuthError, match="not valid"):
        auth.bearer(f"Bearer {unsigned}")


def test_wrong_passwords_and_unknown_users_get_the_same_answer(auth: Authenticator, graph: Graph) -> None:
    auth_store.create_user(graph, "ada", "correct horse", "viewer", auth.settings.auth.bcrypt_rounds)
    with pytest.raises(AuthError) as wrong:
        auth.login("ada", "wrong horse", "10.0.0.1")
    with pytest.raises(AuthError) as unknown:
        auth.login("nobody", "wrong horse", "10.0.0.1")
    assert (
        str(wrong.value)
        == str(unknown.value)
        == ("wrong username or password; try again, or ask an admin to create your user")
    )


def test_login_attempts_are_limited_per_username_and_address(auth: Authenticator, graph: Graph) -> None:
    auth_store.create_user(graph, "ada", "correct horse", "viewer", auth.settings.auth.bcrypt_rounds)
    limit = auth.settings.auth.login_attempts_per_minute
    for i in range(limit):
        with pytest.raises(AuthError, match="wrong username"):
            auth.login("ada", "wrong horse", f"10.0.1.{i}")  # a new address each time: the username counts
    with pytest.raises(RateLimitedError, match="too many login attempts") as refused:
        auth.login("ada", "correct horse", "10.0.2.1")  # even the right password waits
    assert 1 <= refused.value.retry_after <= 60
    for i in range(limit):
        with pytest.raises(AuthError):
            auth.login(f"user{i}", "wrong horse", "10.0.3.1")  # one address, many names
    with pytest.raises(RateLimitedError):
        auth.login("someone", "wrong horse", "10.0.3.1")


def test_sliding_window_counts_per_bucket_and_says_when_to_retry(fast: Settings) -> None:
    limiter = RateLimiter(fast.redis.url)
    now = 1_000_040.0
    decisions = [limiter.hit("test:a", 3, now) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert decisions[-1].retry_after == 60  # until the oldest of the three leaves the window
    assert limiter.hit("test:b", 3, now).allowed
    assert limiter.hit("test:a", 3, now + 60).allowed  # a minute later
    down = RateLimiter("redis://127.0.0.1:1/0")
    assert down.hit("test:a", 1, now).allowed
    assert down.hit("test:a", 1, now).allowed
    limiter.close()
    down.close()


def test_the_token_secret_is_generated_once_into_the_secret_store(fast: Settings) -> None:
    first = load_jwt_secret(fast)
    assert secret_store(fast.redis).jwt_secret() == first
    assert not (fast.data_dir / "jwt-secret").exists()  # nothing a file read on the host could find
    assert load_jwt_secret(fast) == first
    assert len(first) >= 32
    assert load_jwt_secret(replace_settings(fast, auth={"jwt_secret": SecretStr("s" * 32)})) == "s" * 32
    with pytest.raises(ConfigError, match="at least 32 characters"):
        load_jwt_secret(replace_settings(fast, auth={"jwt_secret": SecretStr("short")}))


def test_the_demo_key_is_a_fresh_admin_key_and_the_old_one_is_revoked(graph: Graph, fast: Settings) -> None:
    first = ensure_demo_api_key(graph, fast.auth)
    second = ensure_demo_api_key(graph, fast.auth)
    auth = Authenticator(graph, fast)
    assert auth.api_key(second).role == "admin"
    with pytest.raises(AuthError, match="revoked"):
        auth.api_key(first)
    auth.limiter.close()


# --- roles through GraphQL ------------------------------------------------------------------------------

VIEWER = Principal("vic", "viewer", "jwt")
OPERATOR = Principal("olga", "operator", "jwt")
ADMIN = Principal("ada", "admin", "jwt")


def test_no_principal_is_unauthenticated_on_every_protected_field(graph: Graph, fast: Settings) -> None:
    for query in (
        "{ kinds { label } }",
        "{ resources { totalCount } }",
        '{ resource(id: "x") { id } }',
        "{ me { name } }",
    ):
        result = execute(graph, fast, query, None)
        assert codes(result) == ["UNAUTHENTICATED"], query
        assert "X-API-Key" in result.errors[0].message


def test_a_viewer_may_read_but_not_create_keys_or_users(graph: Graph, fast: Settings) -> None:
    assert execute(graph, fast, "{ kinds { label } }", VIEWER).errors is None
    refused = execute(graph, fast, 'mutation { createApiKey(name: "x", role: "admin") { key } }', VIEWER)
    assert codes(refused) == ["FORBIDDEN"]
    assert refused.errors[0].message == "vic has role viewer; this needs role admin or above"
    refused = execute(graph, fast, 'mutation { createUser(username: "x", password: "12345678") { role } }', OPERATOR)
    assert codes(refused) == ["FORBIDDEN"]
    assert auth_store.list_api_keys(graph) == []
    assert auth_store.list_users(graph) == []


def test_an_admin_creates_keys_and_users_and_the_key_is_shown_once(graph: Graph, fast: Settings) -> None:
    created = execute(
        graph,
        fast,
        'mutation { createApiKey(name: "ci", role: "operator") { key apiKey { keyId role createdBy } } }',
        ADMIN,
    )
    assert created.errors is None
    out = created.data["createApiKey"]
    assert out["key"].startswith(f"aid_{out['apiKey']['keyId']}_")
    assert out["apiKey"]["role"] == "operator"
    assert out["apiKey"]["createdBy"] == "ada"
    listed = execute(graph, fast, "{ apiKeys { keyId name revoked } }", ADMIN)
    assert listed.data == {"apiKeys": [{"keyId": out["apiKey"]["keyId"], "name": "ci", "revoked": False}]}
    assert out["key"] not in str(listed.data)
    create_user = 'mutation { createUser(username: "bo", password: "12345678", role: "viewer") { username role } }'
    user = execute(graph, fast, create_user, ADMIN)
    assert user.data == {"createUser": {"username": "bo", "role": "viewer"}}
    dup = execute(graph, fast, 'mutation { createUser(username: "bo", password: "12345678") { role } }', ADMIN)
    assert codes(dup) == ["ALREADY_EXISTS"]
    bad = execute(graph, fast, 'mutation { createApiKey(name: "x", role: "root") { key } }', ADMIN)
    assert codes(bad) == ["BAD_INPUT"]
    assert "viewer, operator, admin" in bad.errors[0].message


def test_a_key_may_revoke_itself_but_only_admins_revoke_others(graph: Graph, fast: Settings) -> None:
    own = auth_store.create_api_key(graph, "mine", "viewer", "cli", fast.auth.bcrypt_rounds).record
    other = auth_store.create_api_key(graph, "theirs", "viewer", "cli", fast.auth.bcrypt_rounds).record
    me = Principal("api key 'mine'", "viewer", "api_key", key_id=own.key_id)
    query = "mutation($id: String!) { revokeApiKey(keyId: $id) { keyId revoked } }"
    refused = execute(graph, fast, query, me, id=other.key_id)
    assert codes(refused) == ["FORBIDDEN"]
    assert execute(graph, fast, query, me, id=own.key_id).data == {
        "revokeApiKey": {"keyId": own.key_id, "revoked": True}
    }
    assert execute(graph, fast, query, ADMIN, id=other.key_id).data["revokeApiKey"]["revoked"] is True
    assert codes(execute(graph, fast, query, ADMIN, id="0123456789abcdef")) == ["NOT_FOUND"]


def test_login_and_refresh_mutations(graph: Graph, fast: Settings) -> None:
    auth_store.create_user(graph, "ada", "correct horse", "operator", fast.auth.bcrypt_rounds)
    login = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken refreshToken expiresIn tokenType } }"  # noqa: E501
    wrong = execute(graph, fast, login, None, u="ada", p="wrong horse")
    assert codes(wrong) == ["UNAUTHENTICATED"]
    assert wrong.data is None
    tokens = execute(graph, fast, login, None, u="ada", p="correct horse").data["login"]
    assert tokens["expiresIn"] == 1800
    assert tokens["tokenType"] == "Bearer"
    renewed = execute(
        graph, fast, "mutation($t: String!) { refreshToken(token: $t) { accessToken } }", None, t=tokens["refreshToken"]
    )
    assert renewed.errors is None
    auth = Authenticator(graph, fast)
    assert auth.bearer(f"Bearer {renewed.data['refreshToken']['accessToken']}").role == "operator"
    auth.limiter.close()
    misuse = execute(
        graph, fast, "mutation($t: String!) { refreshToken(token: $t) { accessToken } }", None, t=tokens["accessToken"]
    )
    assert codes(misuse) == ["UNAUTHENTICATED"]


# --- CLI -----------------------------------------------------------------------------------------------


def test_cli_creates_lists_and_revokes_keys_and_users(
    graph: Graph, fast: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AIDISCOVER_BCRYPT_ROUNDS", "4")
    monkeypatch.setenv("AIDISCOVER_DATA_DIR", str(fast.data_dir))
    assert main(["apikeys", "create", "--name", "demo", "--role", "admin"]) == 0
    out, err = capsys.readouterr()
    key = out.strip()
    assert key.startswith("aid_")
    assert "shown only now" in err
    auth = Authenticator(graph, fast)
    assert auth.api_key(key).role == "admin"
    key_id = key.split("_")[1]
    assert main(["apikeys", "list"]) == 0
    listing = capsys.readouterr().out
    assert key_id in listing
    assert "demo" in listing
    assert "active" in listing
    assert key not in listing
    assert main(["apikeys", "revoke", key_id]) == 0
    assert "revoked API key" in capsys.readouterr().out
    auth.forget_key(key_id)
    with pytest.raises(AuthError, match="revoked"):
        auth.api_key(key)
    assert main(["apikeys", "revoke", "0123456789abcdef"]) == 2
    assert "no API key" in capsys.readouterr().err

    monkeypatch.setattr("sys.stdin", _Stdin("correct horse\n"))
    assert main(["users", "add", "ada", "--role", "operator", "--password-stdin"]) == 0
    assert "created user ada with role operator" in capsys.readouterr().out
    assert main(["users", "list"]) == 0
    assert "ada" in capsys.readouterr().out
    assert auth.login("ada", "correct horse", "10.0.0.5").expires_in == 1800
    assert main(["users", "remove", "ada"]) == 0
    assert main(["users", "remove", "ada"]) == 2
    assert "no user 'ada'" in capsys.readouterr().err
    auth.limiter.close()


class _Stdin:
    def __init__(self, text: str) -> None:
        self.text = text

    def readline(self) -> str:
        line, _, self.text = self.text.partition("\n")
        return line + "\n"


def test_startup_hint_until_somebody_can_sign_in(graph: Graph, fast: Settings) -> None:
    assert "aidiscover apikeys create" in (startup_hint(graph) or "")
    created = auth_store.create_api_key(graph, "ci", "viewer", "cli", fast.auth.bcrypt_rounds)
    assert startup_hint(graph) is None
    auth_store.revoke_api_key(graph, created.record.key_id)
    assert startup_hint(graph) is not None
    auth_store.create_user(graph, "ada", "correct horse", "viewer", fast.auth.bcrypt_rounds)
    assert startup_hint(graph) is None
