"""Cloud accounts: validation, storage with encrypted secrets, removal (with and without purge), the CLI."""

from __future__ import annotations

import json

import pytest
from cryptography.fernet import Fernet

from app.cli import main
from core.errors import RegistrationError, SecretKeyError
from core.settings import Settings
from graph.neo4j.client import Graph
from graph.secretstore import store_of
from ingest.accounts.crypto import generate_key, rotate_secrets, secret_box
from ingest.accounts.model import AccountSpec, validate
from ingest.accounts.store import account_views, get_account, list_accounts, register_account, remove_account
from tests.settings_update import replace_settings

ROLE = "arn:aws:iam::210987654321:role/aidiscover-read"
SP_SECRET = "sp-client-secret-Zq9!x"
EXTERNAL_ID = "ext-id-7731-abc"
TENANT = "8f1b6a2e-2f44-4a5e-9c1a-0d7c2b1e9f00"
CLIENT = "0c3d9e4b-7a11-4b6e-8d2a-5e9f1a2b3c4d"


def stored_ciphertexts(graph: Graph) -> dict[str, str]:
    """Every ciphertext kept in the secret store (accounts and notification targets), by record id."""
    store = store_of(graph)
    records = {**store.all("accounts"), **store.all("notify-targets")}
    return {k: json.loads(v)["ciphertext"] for k, v in records.items() if json.loads(v)["ciphertext"]}


SUB = "5a3e7c90-1b2d-4e6f-8a9b-0c1d2e3f4a5b"


def gcp_key() -> str:
    return json.dumps(
        {
            "type": "service_account",
            "project_id": "shop-prod-1",
            "private_key_id": "k1",
            "private_key": "-----BEGIN PRIVATE KEY-----\nMIIfake\n-----END PRIVATE KEY-----\n",
            "client_email": "disc@shop-prod-1.iam.gserviceaccount.com",
        }
    )


@pytest.fixture
def keyed(settings: Settings) -> Settings:
    return replace_settings(settings, accounts={"secret_key": _secret(generate_key())})


def _secret(value: str) -> object:
    from pydantic import SecretStr

    return SecretStr(value)


# --- validation (pure) ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (AccountSpec(provider="oracle", auth_method="role"), "unknown provider 'oracle'; use one of: aws, azure, gcp"),
        (AccountSpec(provider="aws", auth_method="role", role_arn="arn:aws:iam::12:role/x"), "is not an IAM role ARN"),
        (AccountSpec(provider="aws", auth_method="role", role_arn="arn:aws:s3:::bucket"), "is not an IAM role ARN"),
        (
            AccountSpec(provider="aws", auth_method="role", role_arn=ROLE, account_id="123456789012"),
            "belongs to account 210987654321, not 123456789012",
        ),
        (AccountSpec(provider="aws", auth_method="profile", account_id="123456789012"), "needs --profile"),
        (AccountSpec(provider="aws", auth_method="password"), "aws accounts authenticate with profile or role"),
        (
            AccountSpec(
                provider="azure", auth_method="service_principal", account_id=SUB, tenant_id=TENANT, client_id=CLIENT
            ),
            "needs the client secret",
        ),
        (AccountSpec(provider="azure", auth_method="managed_identity", account_id="not-a-guid"), "must be a GUID"),
        (
            AccountSpec(provider="gcp", auth_method="service_account_key", account_id="shop-prod-1", secret="{"),
            "the GCP key is not JSON",
        ),
        (
            AccountSpec(provider="gcp", auth_method="service_account_key", account_id="Bad_Project", secret=gcp_key()),
            "GCP project id 'Bad_Project'",
        ),
    ],
)
def test_bad_registrations_are_refused_with_what_to_do(spec: AccountSpec, message: str) -> None:
    with pytest.raises(RegistrationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        validate(spec)


def test_a_role_account_takes_its_id_from_the_arn_and_hides_its_secret_in_repr() -> None:
    account = validate(AccountSpec(provider="aws", auth_method="role", role_arn=ROLE, secret=EXTERNAL_ID))
    assert (account.id, account.account_id, account.has_secret) == ("aws:210987654321", "210987654321", True)
    assert EXTERNAL_ID not in repr(account)
    assert EXTERNAL_ID not in repr(AccountSpec(provider="aws", auth_method="role", secret=EXTERNAL_ID))


def test_a_gcp_key_gives_the_service_account_email() -> None:
    account = validate(
        AccountSpec(provider="gcp", auth_method="service_account_key", account_id="shop-prod-1", secret=gcp_key())
    )
    assert account.client_id == "disc@shop-prod-1.iam.gserviceaccount.com"


# --- storage --------------------------------------------------------------------------------------
def _register_three(graph: Graph, settings: Settings) -> None:
    register_account(
        graph,
        settings.accounts,
        AccountSpec(
            provider="aws", auth_method="role", role_arn=ROLE, secret=EXTERNAL_ID, name="prod", regions=("eu-west-1",)
        ),
    )
    register_account(
        graph,
        settings.accounts,
        AccountSpec(
            provider="azure",
            auth_method="service_principal",
            account_id=SUB,
            tenant_id=TENANT,
            client_id=CLIENT,
            secret=SP_SECRET,
        ),
    )
    register_account(
        graph,
        settings.accounts,
        AccountSpec(provider="gcp", auth_method="service_account_key", account_id="shop-prod-1", secret=gcp_key()),
    )


def test_secrets_are_stored_encrypted_and_listed_decrypted_only_for_discovery(graph: Graph, keyed: Settings) -> None:
    _register_three(graph, keyed)
    stored = stored_ciphertexts(graph)
    assert sorted(stored) == ["aws:210987654321", f"azure:{SUB}", "gcp:shop-prod-1"]
    raw = json.dumps(store_of(graph).all("accounts"))
    for plain in (EXTERNAL_ID, SP_SECRET, "MIIfake"):
        assert plain not in raw  # encrypted at rest
    assert secret_box(keyed.accounts).decrypt(stored["aws:210987654321"]) == EXTERNAL_ID
    assert graph.read("MATCH (n) RETURN count(n) AS c")[0]["c"] == 0  # and not in the graph at all

    full = {a.id: a for a in list_accounts(graph, keyed.accounts)}
    assert full["aws:210987654321"].secret == EXTERNAL_ID
    assert full[f"azure:{SUB}"].secret == SP_SECRET
    assert json.loads(full["gcp:shop-prod-1"].secret or "")["private_key_id"] == "k1"
    assert full["aws:210987654321"].regions == ("eu-west-1",)
    assert [a.id for a in list_accounts(graph, keyed.accounts, provider="azure")] == [f"azure:{SUB}"]
    assert all(a.secret is None and a.has_secret for a in account_views(graph))
    assert SP_SECRET not in repr(full)


def test_a_duplicate_is_refused_and_keeps_the_first(graph: Graph, keyed: Settings) -> None:
    spec = AccountSpec(provider="aws", auth_method="profile", profile="prod", account_id="123456789012", name="one")
    register_account(graph, keyed.accounts, spec)
    with pytest.raises(RegistrationError, match="aws account 123456789012 is already registered; remove it first"):
        register_account(
            graph,
            keyed.accounts,
            AccountSpec(provider="aws", auth_method="profile", profile="other", account_id="123456789012", name="two"),
        )
    assert [a.name for a in account_views(graph)] == ["one"]


def test_a_secret_without_a_key_names_the_variable_and_stores_nothing(graph: Graph, settings: Settings) -> None:
    unkeyed = replace_settings(settings, accounts={"secret_key": None})
    with pytest.raises(SecretKeyError, match=r"AIDISCOVER_SECRET_KEY is not set.*aidiscover secrets generate-key"):
        register_account(
            graph, unkeyed.accounts, AccountSpec(provider="aws", auth_method="role", role_arn=ROLE, secret=EXTERNAL_ID)
        )
    assert account_views(graph) == []
    # an account without a secret needs no key
    register_account(
        graph, unkeyed.accounts, AccountSpec(provider="azure", auth_method="managed_identity", account_id=SUB)
    )
    assert [a.id for a in list_accounts(graph, unkeyed.accounts)] == [f"azure:{SUB}"]


def test_a_wrong_key_is_a_clear_error(graph: Graph, keyed: Settings) -> None:
    _register_three(graph, keyed)
    other = replace_settings(keyed, accounts={"secret_key": _secret(generate_key())})
    with pytest.raises(SecretKeyError, match="encrypted with another key"):
        list_accounts(graph, other.accounts)


def test_rotation_re_encrypts_every_secret_and_the_old_key_no_longer_opens_them(graph: Graph, keyed: Settings) -> None:
    _register_three(graph, keyed)
    from app.notify.model import TargetSpec
    from app.notify.store import add_target, load_target

    add_target(
        graph,
        keyed.accounts,
        TargetSpec(name="hook", kind="webhook", url="http://127.0.0.1:9/x", secret="whsec-0123456789abcdef"),
    )
    before = stored_ciphertexts(graph)
    new_key = generate_key()
    rotation = rotate_secrets(graph, keyed.accounts, new_key)
    assert rotation.re_encrypted == 4
    after = stored_ciphertexts(graph)
    assert before.keys() == after.keys()
    assert all(before[k] != after[k] for k in before)
    rotated = replace_settings(keyed, accounts={"secret_key": _secret(new_key)})
    assert {a.id: a.secret for a in list_accounts(graph, rotated.accounts)}["aws:210987654321"] == EXTERNAL_ID
    assert load_target(graph, rotated.accounts, "hook").secret == "whsec-0123456789abcdef"
    with pytest.raises(SecretKeyError):
        list_accounts(graph, keyed.accounts)  # the old key alone
    for token in after.values():
        Fernet(new_key.encode()).decrypt(token.encode())


def test_rotation_with_a_key_that_opens_nothing_changes_nothing(graph: Graph, keyed: Settings) -> None:
    _register_three(graph, keyed)
    before = stored_ciphertexts(graph)
    wrong = replace_settings(keyed, accounts={"secret_key": _secret(generate_key())})
    with pytest.raises(SecretKeyError, match="nothing was re-encrypted"):
        rotate_secrets(graph, wrong.accounts, generate_key())
    with pytest.raises(SecretKeyError, match="--new-key is not a Fernet key"):
        rotate_secrets(graph, keyed.accounts, "not-a-key")
    assert stored_ciphertexts(graph) == before


def _resources(graph: Graph, provider: str, account: str, n: int) -> None:
    graph.write(
        "UNWIND range(1, $n) AS i CREATE (:Resource:AwsResource {id: $p + ':' + $a + ':' + i, provider: $p, "
        "account: $a, region: 'eu-west-1', name: 'r' + i})",
        {"n": n, "p": provider, "a": account},
    )


def test_removal_keeps_discovered_resources_unless_purge(graph: Graph, keyed: Settings) -> None:
    from ingest.accounts.schedules import list_schedules, set_schedule

    _register_three(graph, keyed)
    _resources(graph, "aws", "210987654321", 5)
    _resources(graph, "aws", "123456789012", 3)  # another account: never touched
    set_schedule(graph, keyed.accounts, "aws:210987654321", "0 3 * * *")
    removal = remove_account(graph, "210987654321")
    assert (removal.account, removal.schedules, removal.purged_nodes) == ("aws:210987654321", 1, 0)
    assert graph.read("MATCH (n:Resource) RETURN count(n) AS c")[0]["c"] == 8
    assert list_schedules(graph) == []
    with pytest.raises(RegistrationError, match="no cloud account 'aws:210987654321'"):
        get_account(graph, "aws:210987654321")

    register_account(
        graph, keyed.accounts, AccountSpec(provider="aws", auth_method="role", role_arn=ROLE, secret=EXTERNAL_ID)
    )
    removal = remove_account(graph, "aws:210987654321", purge=True)
    assert removal.purged_nodes == 5
    left = graph.read("MATCH (n:Resource) RETURN collect(DISTINCT n.account) AS a")[0]["a"]
    assert left == ["123456789012"]


# --- CLI ------------------------------------------------------------------------------------------
def test_cli_adds_lists_and_removes_accounts(
    graph: Graph,
    keyed: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: object,
) -> None:
    from pathlib import Path

    assert keyed.accounts.secret_key is not None
    monkeypatch.setenv("AIDISCOVER_SECRET_KEY", keyed.accounts.secret_key.get_secret_value())
    secret_file = Path(str(tmp_path)) / "ext"
    secret_file.write_text(EXTERNAL_ID + "\n")
    assert (
        main(
            [
                "accounts",
                "add",
                "--provider",
                "aws",
                "--auth",
                "role",
                "--role-arn",
                ROLE,
                "--secret-file",
                str(secret_file),
                "--name",
                "prod",
            ]
        )
        == 0
    )
    assert "registered aws:210987654321 (prod), auth role, secret stored encrypted" in capsys.readouterr().out
    assert main(["accounts", "add", "--provider", "aws", "--auth", "role", "--role-arn", "arn:aws:iam::1:role/x"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: role ARN 'arn:aws:iam::1:role/x' is not an IAM role ARN")
    assert err.count("\n") == 1
    assert main(["accounts", "list"]) == 0
    out = capsys.readouterr().out
    assert "aws:210987654321" in out
    assert "secret=yes" in out
    assert EXTERNAL_ID not in out
    assert main(["accounts", "remove", "aws:210987654321"]) == 0
    assert "its discovered resources were kept (use --purge to delete them)" in capsys.readouterr().out
    assert main(["accounts", "remove", "aws:210987654321"]) == 2
    assert "no cloud account" in capsys.readouterr().err


def test_cli_generates_a_key_fernet_accepts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["secrets", "generate-key"]) == 0
    key = capsys.readouterr().out.strip()
    assert Fernet(key.encode()).decrypt(Fernet(key.encode()).encrypt(b"x")) == b"x"


def test_cli_rotates_secrets(
    graph: Graph, keyed: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _register_three(graph, keyed)
    assert keyed.accounts.secret_key is not None
    monkeypatch.setenv("AIDISCOVER_SECRET_KEY", keyed.accounts.secret_key.get_secret_value())
    new_key = generate_key()
    assert main(["secrets", "rotate", "--new-key", new_key]) == 0
    assert "re-encrypted 3 secret(s); now set AIDISCOVER_SECRET_KEY to the new key" in capsys.readouterr().out
    rotated = replace_settings(keyed, accounts={"secret_key": _secret(new_key)})
    assert {a.id: a.secret for a in list_accounts(graph, rotated.accounts)}[f"azure:{SUB}"] == SP_SECRET
