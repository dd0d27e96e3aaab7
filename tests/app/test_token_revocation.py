"""Tokens die with their users, and with the signing secret; secrets are out of the graph's reach.

Against the real secret store (Redis) and Neo4j; the attacks over real HTTP (uvicorn). Each test here
failed before the secret store: access tokens were never checked against the user, the secret could
not be rotated, and users, keys, accounts and targets were nodes any graph read could return.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from pydantic import SecretStr

from app.api import auth_store
from app.api.auth import USER_CACHE_SECONDS, Authenticator
from app.api.auth_tokens import ALGORITHM, ISSUER
from app.cli import main
from app.notify.model import TargetSpec
from app.notify.store import add_target
from app.server import create_app
from core.errors import AuthError
from core.settings import Settings
from graph.neo4j.client import Graph
from graph.secretstore import PREFIX as STORE_PREFIX
from graph.secretstore import secret_store
from ingest.accounts.crypto import generate_key
from ingest.accounts.model import AccountSpec
from ingest.accounts.store import register_account
from tests.app.auth_server import serving
from tests.settings_update import replace_settings

PASSWORD = "correct horse"


@pytest.fixture
def auth(graph: Graph, fast: Settings) -> Iterator[Authenticator]:
    authenticator = Authenticator(graph, fast)
    authenticator.cache_seconds = 0.0  # every check reads the store: the tests see each change at once
    yield authenticator
    authenticator.limiter.close()


def forged(secret: str, username: str, role: str = "admin", typ: str = "access") -> str:
    now = datetime.now(UTC)
    claims = {"iss": ISSUER, "sub": username, "role": role, "typ": typ, "iat": now, "exp": now + timedelta(minutes=5)}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


# --- at the authenticator ---------------------------------------------------------------------------


def test_a_token_signed_with_the_right_secret_for_a_user_who_does_not_exist_is_refused(auth: Authenticator) -> None:
    with pytest.raises(AuthError, match="user 'ghost' does not exist"):
        auth.bearer(f"Bearer {forged(auth.secret, 'ghost')}")
    with pytest.raises(AuthError, match="does not exist"):
        auth.refresh(forged(auth.secret, "ghost", typ="refresh"))
    with pytest.raises(AuthError, match="signed with another secret"):
        auth.bearer(f"Bearer {forged('w' * 48, 'ghost')}")


def test_a_deleted_users_access_and_refresh_tokens_are_refused_on_the_next_request(
    auth: Authenticator, graph: Graph
) -> None:
    auth_store.create_user(graph, "ada", PASSWORD, "admin", 4)
    pair = auth.login("ada", PASSWORD, "10.0.0.1")
    assert auth.bearer(f"Bearer {pair.access_token}").role == "admin"
    auth_store.remove_user(graph, "ada")
    with pytest.raises(AuthError, match="does not exist"):
        auth.bearer(f"Bearer {pair.access_token}")
    with pytest.raises(AuthError, match="does not exist"):
        auth.refresh(pair.refresh_token)
    # a user re-created under the same name and role does not inherit the old tokens
    auth_store.create_user(graph, "ada", PASSWORD, "admin", 4)
    with pytest.raises(AuthError, match="predates a change to the user"):
        auth.bearer(f"Bearer {pair.access_token}")
    with pytest.raises(AuthError, match="predates a change to the user"):
        auth.refresh(pair.refresh_token)


def test_a_disabled_user_is_refused_and_enabling_needs_a_new_sign_in(auth: Authenticator, graph: Graph) -> None:
    auth_store.create_user(graph, "ada", PASSWORD, "operator", 4)
    pair = auth.login("ada", PASSWORD, "10.0.0.1")
    auth_store.update_user(graph, "ada", disabled=True)
    with pytest.raises(AuthError, match="disabled"):
        auth.bearer(f"Bearer {pair.access_token}")
    with pytest.raises(AuthError, match="disabled"):
        auth.login("ada", PASSWORD, "10.0.0.1")
    auth_store.update_user(graph, "ada", disabled=False)
    with pytest.raises(AuthError, match="predates a change to the user"):
        auth.bearer(f"Bearer {pair.access_token}")
    assert auth.bearer(f"Bearer {auth.login('ada', PASSWORD, '10.0.0.1').access_token}").role == "operator"


def test_a_changed_role_refuses_the_old_token(auth: Authenticator, graph: Graph) -> None:
    auth_store.create_user(graph, "ada", PASSWORD, "admin", 4)
    pair = auth.login("ada", PASSWORD, "10.0.0.1")
    auth_store.update_user(graph, "ada", role="viewer")
    with pytest.raises(AuthError, match="predates a change to the user"):
        auth.bearer(f"Bearer {pair.access_token}")
    with pytest.raises(AuthError, match="predates a change to the user"):
        auth.refresh(pair.refresh_token)
    assert auth.bearer(f"Bearer {auth.login('ada', PASSWORD, '10.0.0.1').access_token}").role == "viewer"


def test_a_changed_password_kills_older_access_and_refresh_tokens(auth: Authenticator, graph: Graph) -> None:
    auth_store.create_user(graph, "ada", PASSWORD, "operator", 4)
    old = auth.login("ada", PASSWORD, "10.0.0.1")
    before = auth_store.get_user(graph, "ada")
    user = auth_store.update_user(graph, "ada", password="battery staple", rounds=4)
    assert before is not None
    assert user.token_version == before.token_version + 1
    with pytest.raises(AuthError, match="predates a change to the user"):
        auth.bearer(f"Bearer {old.access_token}")
    with pytest.raises(AuthError, match="predates a change to the user"):
        auth.refresh(old.refresh_token)
    with pytest.raises(AuthError, match="wrong username or password"):
        auth.login("ada", PASSWORD, "10.0.0.1")
    new = auth.login("ada", "battery staple", "10.0.0.1")
    assert auth.bearer(f"Bearer {new.access_token}").name == "ada"
    assert auth.bearer(f"Bearer {auth.refresh(new.refresh_token).access_token}").name == "ada"


def test_user_checks_are_cached_for_at_most_a_few_seconds(graph: Graph, fast: Settings) -> None:
    assert USER_CACHE_SECONDS <= 5
    auth = Authenticator(graph, fast)
    auth_store.create_user(graph, "ada", PASSWORD, "admin", 4)
    pair = auth.login("ada", PASSWORD, "10.0.0.1")
    assert auth.bearer(f"Bearer {pair.access_token}").role == "admin"
    auth_store.remove_user(graph, "ada")
    time.sleep(USER_CACHE_SECONDS + 0.1)
    with pytest.raises(AuthError, match="does not exist"):
        auth.bearer(f"Bearer {pair.access_token}")
    auth.limiter.close()


def test_an_api_key_revoked_through_another_process_is_refused_within_seconds(graph: Graph, fast: Settings) -> None:
    serving, elsewhere = Authenticator(graph, fast), Authenticator(graph, fast)
    new = auth_store.create_api_key(graph, "ci", "operator", "cli", 4)
    assert serving.api_key(new.key).role == "operator"  # verified and cached by the serving process
    auth_store.revoke_api_key(graph, new.record.key_id)  # as `aidiscover apikeys revoke` or another replica does
    assert elsewhere is not serving
    time.sleep(USER_CACHE_SECONDS + 0.1)
    with pytest.raises(AuthError, match="was revoked"):
        serving.api_key(new.key)
    serving.limiter.close()
    elsewhere.limiter.close()


def test_rotate_secret_refuses_every_token_issued_before(
    auth: Authenticator,
    graph: Graph,
    fast: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    auth_store.create_user(graph, "ada", PASSWORD, "admin", 4)
    pair = auth.login("ada", PASSWORD, "10.0.0.1")
    before = auth.secret
    monkeypatch.delenv("AIDISCOVER_JWT_SECRET", raising=False)
    assert main(["auth", "rotate-secret"]) == 0
    out = capsys.readouterr().out
    assert "every access and refresh token issued before is refused" in out
    assert auth.secret != before
    assert secret_store(fast.redis).jwt_secret() == auth.secret
    with pytest.raises(AuthError, match="signed with another secret"):
        auth.bearer(f"Bearer {pair.access_token}")
    with pytest.raises(AuthError, match="signed with another secret"):
        auth.refresh(pair.refresh_token)
    assert auth.bearer(f"Bearer {auth.login('ada', PASSWORD, '10.0.0.1').access_token}").name == "ada"
    # with the secret given as a setting there is nothing to rotate in the store: a clear error, exit 2
    monkeypatch.setenv("AIDISCOVER_JWT_SECRET", "x" * 48)
    assert main(["auth", "rotate-secret"]) == 2
    assert "comes from AIDISCOVER_JWT_SECRET" in capsys.readouterr().err


def test_no_graph_read_can_reach_a_hash_a_ciphertext_or_a_webhook_url(graph: Graph, fast: Settings) -> None:
    keyed = replace_settings(fast, accounts={"secret_key": SecretStr(generate_key())})
    user = auth_store.create_user(graph, "ada", PASSWORD, "admin", 4)
    key = auth_store.create_api_key(graph, "ci", "admin", "cli", 4)
    register_account(
        graph,
        keyed.accounts,
        AccountSpec(
            provider="aws", auth_method="role", secret="ext-id-4242", role_arn="arn:aws:iam::210987654321:role/audit"
        ),
    )
    add_target(
        graph, keyed.accounts, TargetSpec(name="hook", kind="slack", url="https://hooks.slack.com/services/T0/B0/tok")
    )
    graph.write("CREATE (:Resource:VPC {id: 'vpc-1', provider: 'aws', account: '210987654321', name: 'x'})")
    # everything a read query could return: every node with its labels and properties, every relationship
    # (label and property-key tokens outlive their last use in Neo4j, so db.labels() is no witness)
    dump = json.dumps(
        [
            graph.read("MATCH (n) RETURN labels(n) AS l, properties(n) AS p"),
            graph.read("MATCH ()-[r]->() RETURN type(r) AS t, properties(r) AS p"),
        ],
        default=str,
    )
    stored = secret_store(fast.redis).all("accounts")["aws:210987654321"]
    for needle in (
        user.password_hash,
        key.record.hash,
        key.key,
        json.loads(stored)["ciphertext"],
        "ext-id-4242",
        "hooks.slack.com",
        "password_hash",
        STORE_PREFIX,
        "User",
        "ApiKey",
        "CloudAccount",
        "NotificationTarget",
    ):
        assert needle not in dump, needle


# --- over HTTP --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store_api(settings: Settings, session_graph: Graph) -> Iterator[str]:
    """The API with the signing secret in the secret store (no AIDISCOVER_JWT_SECRET)."""
    api_settings = replace_settings(settings, auth={"bcrypt_rounds": 4, "jwt_secret": None, "rate_limit_per_minute": 0})
    with serving(create_app(api_settings, session_graph)) as url:
        yield url


def post(api: str, query: str, token: str | None = None, **variables: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else None
    return httpx.post(f"{api}/graphql", json={"query": query, "variables": variables}, headers=headers, timeout=30)


LOGIN = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken refreshToken } }"
MINT = 'mutation { createApiKey(name: "backdoor", role: "admin") { key } }'


def _refused(response: httpx.Response) -> bool:
    body = response.json()
    codes = {e.get("extensions", {}).get("code") for e in body.get("errors") or []}
    return bool(codes & {"UNAUTHENTICATED", "FORBIDDEN"}) and not (body.get("data") or {}).get("createApiKey")


def test_a_deleted_admins_token_can_no_longer_list_users_keys_or_mint_an_admin_key(
    store_api: str, graph: Graph, fast: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth_store.create_user(graph, "ada", PASSWORD, "admin", 4)
    auth_store.create_user(graph, "root2", PASSWORD, "admin", 4)
    tokens = post(store_api, LOGIN, u="ada", p=PASSWORD).json()["data"]["login"]
    access = tokens["accessToken"]
    ok = post(store_api, "{ users { username } apiKeys { keyId } }", access).json()
    assert ok["data"]["users"] == [{"username": "ada"}, {"username": "root2"}]
    # another admin deletes ada (here through the CLI, a process of its own would do the same)
    monkeypatch.setenv("AIDISCOVER_BCRYPT_ROUNDS", "4")
    assert main(["users", "remove", "ada"]) == 0
    time.sleep(USER_CACHE_SECONDS + 0.2)
    for query in ("{ users { username } }", "{ apiKeys { keyId } }", MINT):
        response = post(store_api, query, access)
        assert _refused(response), (query, response.text)
        assert response.status_code == 401
    refresh = post(
        store_api, "mutation($t: String!) { refreshToken(token: $t) { accessToken } }", t=tokens["refreshToken"]
    )
    assert _refused(refresh)
    assert [k.name for k in auth_store.list_api_keys(graph)] == []  # no backdoor key was minted


def test_rotate_secret_over_http_refuses_the_tokens_issued_before(
    store_api: str, graph: Graph, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    auth_store.create_user(graph, "ada", PASSWORD, "viewer", 4)
    access = post(store_api, LOGIN, u="ada", p=PASSWORD).json()["data"]["login"]["accessToken"]
    assert post(store_api, "{ me { name } }", access).json() == {"data": {"me": {"name": "ada"}}}
    monkeypatch.delenv("AIDISCOVER_JWT_SECRET", raising=False)
    assert main(["auth", "rotate-secret"]) == 0
    assert "refused" in capsys.readouterr().out
    time.sleep(USER_CACHE_SECONDS + 0.2)
    response = post(store_api, "{ me { name } }", access)
    assert response.status_code == 401
    assert "signed with another secret" in response.json()["errors"][0]["message"]
    fresh = post(store_api, LOGIN, u="ada", p=PASSWORD).json()["data"]["login"]["accessToken"]
    assert post(store_api, "{ me { name } }", fresh).json() == {"data": {"me": {"name": "ada"}}}


def test_cli_users_set_changes_role_password_and_state_and_voids_tokens(
    auth: Authenticator, graph: Graph, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AIDISCOVER_BCRYPT_ROUNDS", "4")
    auth_store.create_user(graph, "ada", PASSWORD, "admin", 4)
    pair = auth.login("ada", PASSWORD, "10.0.0.1")
    assert main(["users", "set", "ada", "--role", "viewer"]) == 0
    assert "user ada: role viewer, active; tokens issued before are refused" in capsys.readouterr().out
    with pytest.raises(AuthError, match="predates a change"):
        auth.bearer(f"Bearer {pair.access_token}")
    monkeypatch.setattr("sys.stdin", io.StringIO("battery staple\n"))
    assert main(["users", "set", "ada", "--password-stdin", "--disable"]) == 0
    assert "role viewer, disabled" in capsys.readouterr().out
    with pytest.raises(AuthError, match="disabled"):
        auth.login("ada", "battery staple", "10.0.0.1")
    assert main(["users", "set", "ada", "--enable"]) == 0
    assert auth.login("ada", "battery staple", "10.0.0.1").expires_in > 0
    assert main(["users", "set", "ada"]) == 2
    assert "nothing to change" in capsys.readouterr().err
    assert main(["users", "set", "nobody", "--enable"]) == 2
    assert "no user 'nobody'" in capsys.readouterr().err
