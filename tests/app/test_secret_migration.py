"""Upgrading: old User/ApiKey/CloudAccount/NotificationTarget nodes and the jwt-secret file move into the
secret store with nothing lost; backup and restore carry the store. Real Neo4j and Redis."""

from __future__ import annotations

import gzip
import json
import os
import stat
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import bcrypt
import httpx
import pytest
import redis
from cryptography.fernet import Fernet
from pydantic import SecretStr

from app.api import auth_store
from app.api.auth import Authenticator
from app.api.auth_tokens import SECRET_FILE, load_jwt_secret
from app.api.ratelimit import PREFIX
from app.cli import main
from app.notify.model import TargetSpec
from app.notify.store import add_target, list_deliveries, load_target
from app.secret_migration import migrate_secrets
from core.errors import AuthError, QueryInputError
from core.settings import Settings
from graph.backup import backup, restore
from graph.neo4j.client import Graph
from graph.secretstore import COLLECTIONS, JWT_SECRET_KEY, secret_store, store_of
from ingest.accounts.crypto import generate_key
from ingest.accounts.model import AccountSpec
from ingest.accounts.schedules import list_schedules
from ingest.accounts.store import list_accounts, register_account
from tests.app.auth_server import free_port
from tests.settings_update import replace_settings

ROOT = Path(__file__).resolve().parents[2]

PASSWORD = "correct horse"
KEY_SECRET = "old-key-secret-0123456789abcdefghijklmnopqrstuv"
KEY_ID = "0123456789abcdef"
EXTERNAL_ID = "ext-id-4242"
HOOK_SECRET = "whsec-0123456789abcdef"
OLD_JWT = "j" * 64


@pytest.fixture
def keyed(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A Fernet key, cheap bcrypt, a data dir of its own, the same for the CLI (which reads the environment)."""
    key = generate_key()
    monkeypatch.setenv("AIDISCOVER_SECRET_KEY", key)
    monkeypatch.setenv("AIDISCOVER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AIDISCOVER_BCRYPT_ROUNDS", "4")
    monkeypatch.delenv("AIDISCOVER_JWT_SECRET", raising=False)
    client = redis.Redis.from_url(settings.redis.url)
    for k in client.scan_iter(match=f"{PREFIX}*"):
        client.delete(k)
    client.delete(JWT_SECRET_KEY)  # a store as an upgrade finds it: no signing secret yet
    client.close()
    return replace_settings(
        settings,
        accounts={"secret_key": SecretStr(key)},
        auth={"bcrypt_rounds": 4, "jwt_secret": None},
        data_dir=tmp_path,
    )


def _plant_old_nodes(graph: Graph, settings: Settings) -> None:
    """What an older version left in Neo4j: the nodes with their old properties, relationships and constraints."""
    fernet = Fernet(settings.accounts.secret_key.get_secret_value().encode())  # type: ignore[union-attr]
    graph.write("CREATE CONSTRAINT user_id IF NOT EXISTS FOR (n:User) REQUIRE n.id IS UNIQUE")
    graph.write("CREATE CONSTRAINT cloudaccount_id IF NOT EXISTS FOR (n:CloudAccount) REQUIRE n.id IS UNIQUE")
    graph.write("CREATE INDEX cloudaccount_provider IF NOT EXISTS FOR (n:CloudAccount) ON (n.provider)")
    graph.write(
        """
        CREATE (:User {id: 'ada', username: 'ada', role: 'admin', password_hash: $pw, created_at: $at,
                       disabled: false})
        CREATE (:User {id: 'bo', username: 'bo', role: 'viewer', password_hash: $pw, created_at: $at, disabled: true})
        CREATE (:ApiKey {id: $key_id, key_id: $key_id, name: 'ci', role: 'operator', hash: $key_hash,
                         created_at: $at, created_by: 'cli', revoked: false})
        CREATE (a:CloudAccount {id: 'aws:210987654321', provider: 'aws', account_id: '210987654321', name: 'prod',
                auth_method: 'role', role_arn: 'arn:aws:iam::210987654321:role/audit', regions: ['eu-west-1'],
                has_secret: true, secret: $account_secret, created_at: $at})
        CREATE (s:Schedule {id: 'aws:210987654321', account: 'aws:210987654321', spec: '0 3 * * *', regions: [],
                paused: false, created_at: $at, updated_at: $at})-[:DISCOVERS]->(a)
        CREATE (t:NotificationTarget {id: 'hook', channel: 'webhook', url: 'http://127.0.0.1:9/hook',
                events: ['job.failed'], smtp_starttls: false, mail_to: [], has_secret: true, secret: $hook_secret,
                created_at: $at})
        CREATE (:Delivery {id: 'e1:hook:1', target: 'hook', event_id: 'e1', event_type: 'job.failed', attempt: 1,
                status: 'delivered', at: $at})-[:DELIVERED_TO]->(t)
        """,
        {
            "pw": bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode(),
            "at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
            "key_id": KEY_ID,
            "key_hash": bcrypt.hashpw(KEY_SECRET.encode(), bcrypt.gensalt(4)).decode(),
            "account_secret": fernet.encrypt(EXTERNAL_ID.encode()).decode(),
            "hook_secret": fernet.encrypt(HOOK_SECRET.encode()).decode(),
        },
    )
    (settings.data_dir / SECRET_FILE).write_text(OLD_JWT)


OLD = "MATCH (n) WHERE n:User OR n:ApiKey OR n:CloudAccount OR n:NotificationTarget RETURN count(n) AS c"


def _store_snapshot(graph: Graph) -> dict[str, dict[str, str]]:
    store = store_of(graph)
    return {c: store.all(c) for c in COLLECTIONS}


def test_migration_moves_every_old_record_into_the_store_and_nothing_is_lost(
    graph: Graph, keyed: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    _plant_old_nodes(graph, keyed)
    assert main(["auth", "migrate-secrets"]) == 0
    out = capsys.readouterr().out
    assert "User: 2 moved, 0 already in the store, 0 differing (store kept), 0 failed" in out
    assert "ApiKey: 1 moved" in out
    assert "CloudAccount: 1 moved" in out
    assert "NotificationTarget: 1 moved" in out
    assert "signing secret file: moved" in out
    for secret in (PASSWORD, KEY_SECRET, EXTERNAL_ID, HOOK_SECRET, OLD_JWT):
        assert secret not in out  # counts, never values
    # the nodes, their relationships and their constraints are gone; schedules and deliveries stay
    assert graph.read(OLD)[0]["c"] == 0
    assert graph.read("MATCH ()-[r:DISCOVERS|DELIVERED_TO]->() RETURN count(r) AS c")[0]["c"] == 0
    names = {r["name"] for r in graph.read("SHOW CONSTRAINTS YIELD name")}
    names |= {r["name"] for r in graph.read("SHOW INDEXES YIELD name")}
    assert not names & {"user_id", "cloudaccount_id", "cloudaccount_provider"}
    assert [s.id for s in list_schedules(graph)] == ["aws:210987654321"]
    assert [d.target for d in list_deliveries(graph)] == ["hook"]
    # users sign in with their passwords, the key authenticates, secrets decrypt to the same values
    auth = Authenticator(graph, keyed)
    assert auth.secret == OLD_JWT  # tokens issued before the upgrade stay valid
    assert not (keyed.data_dir / SECRET_FILE).exists()
    pair = auth.login("ada", PASSWORD, "10.0.0.1")
    assert auth.bearer(f"Bearer {pair.access_token}").role == "admin"
    with pytest.raises(AuthError, match="disabled"):
        auth.login("bo", PASSWORD, "10.0.0.1")
    principal = auth.api_key(f"aid_{KEY_ID}_{KEY_SECRET}")
    assert (principal.role, principal.key_id) == ("operator", KEY_ID)
    account = list_accounts(graph, keyed.accounts)[0]
    assert (account.id, account.secret, account.regions, account.name) == (
        "aws:210987654321",
        EXTERNAL_ID,
        ("eu-west-1",),
        "prod",
    )
    assert account.created_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    target = load_target(graph, keyed.accounts, "hook")
    assert (target.secret, target.url, target.events) == (HOOK_SECRET, "http://127.0.0.1:9/hook", ("job.failed",))
    auth.limiter.close()

    # a second run changes nothing
    before = _store_snapshot(graph)
    before = {c: {k: v for k, v in records.items() if c != "apikeys"} for c, records in before.items()}
    assert main(["auth", "migrate-secrets"]) == 0
    assert "nothing to move" in capsys.readouterr().out
    after = _store_snapshot(graph)
    assert {c: {k: v for k, v in r.items() if c != "apikeys"} for c, r in after.items()} == before
    assert secret_store(keyed.redis).jwt_secret() == OLD_JWT


def test_a_record_already_in_the_store_wins_and_the_difference_is_counted(graph: Graph, keyed: Settings) -> None:
    auth_store.create_user(graph, "ada", "the newer password", "viewer", 4)
    secret_store(keyed.redis).replace_jwt_secret("n" * 64)
    _plant_old_nodes(graph, keyed)
    summary = migrate_secrets(graph, keyed)
    users = next(c for c in summary.labels if c.label == "User")
    assert (users.moved, users.differing, users.failed) == (1, 1, 0)
    assert summary.old_file == "differing (store kept)"
    assert graph.read(OLD)[0]["c"] == 0
    kept = auth_store.get_user(graph, "ada")
    assert kept is not None
    assert kept.role == "viewer"
    assert auth_store.check_secret("the newer password", kept.password_hash)
    assert secret_store(keyed.redis).jwt_secret() == "n" * 64


def test_an_unreadable_node_stays_in_neo4j_and_the_command_exits_1(
    graph: Graph, keyed: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    graph.write("CREATE (:User {id: 'eve', username: 'eve', role: 'root', password_hash: 'x'})")
    graph.write("CREATE (:User {id: 'ok', username: 'ok', role: 'viewer', password_hash: 'x'})")
    assert main(["auth", "migrate-secrets"]) == 1
    captured = capsys.readouterr()
    assert "User: 1 moved, 0 already in the store, 0 differing (store kept), 1 failed" in captured.out
    assert "left in place" in captured.err
    assert graph.read("MATCH (u:User) RETURN u.id AS id")[0]["id"] == "eve"
    assert [u.username for u in auth_store.list_users(graph)] == ["ok"]


def test_backup_and_restore_carry_the_secret_store_and_never_a_plain_secret(
    graph: Graph, keyed: Settings, tmp_path: Path
) -> None:
    auth_store.create_user(graph, "ada", PASSWORD, "admin", 4)
    key = auth_store.create_api_key(graph, "ci", "operator", "cli", 4)
    register_account(
        graph,
        keyed.accounts,
        AccountSpec(
            provider="aws", auth_method="role", secret=EXTERNAL_ID, role_arn="arn:aws:iam::210987654321:role/audit"
        ),
    )
    add_target(
        graph, keyed.accounts, TargetSpec(name="hook", kind="webhook", url="http://127.0.0.1:9/x", secret=HOOK_SECRET)
    )
    graph.write("CREATE (:Schedule {id: 's1', account: 'aws:210987654321', spec: '0 3 * * *', paused: false})")
    before = _store_snapshot(graph)
    path = tmp_path / "b.jsonl.gz"
    summary = backup(graph, path)
    assert (summary.nodes, summary.secrets) == (1, 4)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with gzip.open(path, "rt") as stream:
        text = stream.read()
    for plain in (PASSWORD, key.key.split("_", 2)[2], EXTERNAL_ID, HOOK_SECRET, load_jwt_secret(keyed)):
        assert plain not in text
    with pytest.raises(QueryInputError, match="already holds 1 nodes"):
        restore(graph, path)
    graph.wipe()
    with pytest.raises(QueryInputError, match=r"secret store .* already holds 4 records"):
        restore(graph, path)
    store_of(graph).clear()
    restored = restore(graph, path)
    assert (restored.nodes, restored.secrets) == (1, 4)
    assert _store_snapshot(graph) == before
    auth = Authenticator(graph, keyed)
    assert auth.bearer(f"Bearer {auth.login('ada', PASSWORD, '10.0.0.1').access_token}").role == "admin"
    assert auth.api_key(key.key).role == "operator"
    assert list_accounts(graph, keyed.accounts)[0].secret == EXTERNAL_ID
    assert load_target(graph, keyed.accounts, "hook").secret == HOOK_SECRET
    assert [s.id for s in list_schedules(graph)] == ["s1"]
    auth.limiter.close()


def test_a_version_1_backup_with_old_nodes_restores_and_then_migrates(graph: Graph, keyed: Settings) -> None:
    _plant_old_nodes(graph, keyed)
    rows = graph.read("MATCH (n) RETURN count(n) AS c")[0]["c"]
    path = keyed.data_dir / "v1.jsonl.gz"
    backup(graph, path)
    with gzip.open(path, "rt") as stream:
        lines = stream.read().splitlines()
    header = json.loads(lines[0])
    header["version"] = 1
    del header["secrets"]
    with gzip.open(path, "wt") as out:
        out.write("\n".join([json.dumps(header), *lines[1:]]) + "\n")
    graph.wipe()
    assert restore(graph, path).nodes == rows
    migrate_secrets(graph, keyed)
    assert graph.read(OLD)[0]["c"] == 0
    user = auth_store.get_user(graph, "ada")
    assert user is not None
    assert auth_store.check_secret(PASSWORD, user.password_hash)


def _env(keyed: Settings, **extra: str) -> dict[str, str]:
    """The environment of an AI-Discover process of this deployment (the CLI and the API read only it)."""
    key = keyed.accounts.secret_key.get_secret_value()  # type: ignore[union-attr]
    return {**os.environ, "AIDISCOVER_DATA_DIR": str(keyed.data_dir), "AIDISCOVER_SECRET_KEY": key, **extra}


def test_the_cli_and_the_api_migrate_when_they_start(graph: Graph, keyed: Settings) -> None:
    _plant_old_nodes(graph, keyed)
    listed = subprocess.run(
        [sys.executable, "-m", "app.cli", "users", "list"],
        env=_env(keyed),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    assert "ada" in listed.stdout
    assert "bo" in listed.stdout
    assert graph.read(OLD)[0]["c"] == 0
    assert not (keyed.data_dir / SECRET_FILE).exists()

    graph.wipe()
    store_of(graph).clear()
    _plant_old_nodes(graph, keyed)
    port = free_port()
    env = _env(keyed, AIDISCOVER_API_PORT=str(port), AIDISCOVER_LOG_LEVEL="WARNING")
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        login = 'mutation { login(username: "ada", password: "correct horse") { accessToken } }'
        answer = httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": login}, timeout=30).json()
        assert answer["data"]["login"]["accessToken"], answer
        assert graph.read(OLD)[0]["c"] == 0
    finally:
        server.terminate()
        server.wait(20)
