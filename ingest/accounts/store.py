"""Cloud accounts in the secret store: register, list, remove. Secrets are encrypted before they are stored.

Accounts live in the secret store (``graph.secretstore``, collection ``accounts``), never in the resource
graph, so no graph query can read their ciphertext. ``list_accounts`` returns the accounts with their
secrets decrypted (for discovery); ``account_views`` returns them without reading any secret (for the API
and the CLI). Removing an account removes its schedules and keeps the resources discovered from it unless
``purge`` is asked for.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from pydantic import TypeAdapter

from core.errors import RegistrationError
from core.settings import AccountsSettings
from graph.digest import forget_account
from graph.neo4j.client import Graph
from graph.secretstore import store_of, to_json
from ingest.accounts.crypto import secret_box
from ingest.accounts.model import PROVIDERS, AccountSpec, CloudAccount, Provider, account_key, validate

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredAccount:
    """An account as kept: its public fields (``account.secret`` always None) and the Fernet ciphertext."""

    account: CloudAccount
    ciphertext: str | None = None


ACCOUNT_JSON = TypeAdapter(StoredAccount)


def register_account(graph: Graph, settings: AccountsSettings, spec: AccountSpec) -> CloudAccount:
    """Validate and store ``spec``; a duplicate id or a bad value is a RegistrationError, nothing stored."""
    account = validate(spec)
    token = secret_box(settings).encrypt(account.secret) if account.secret is not None else None
    view = replace(account, secret=None, has_secret=token is not None, created_at=datetime.now(UTC))
    if not import_account(graph, StoredAccount(view, token)):
        raise RegistrationError(
            f"{account.provider} account {account.account_id} is already registered; "
            f"remove it first (`aidiscover accounts remove {account.id}`) to change it"
        )
    log.info("registered %s account %s (auth %s)", account.provider, account.account_id, account.auth_method)
    return view


def import_account(graph: Graph, stored: StoredAccount) -> bool:
    """Store an account record as it is (ciphertext included) unless its id exists; whether it was stored."""
    return store_of(graph).create("accounts", stored.account.id, to_json(ACCOUNT_JSON, stored))


def _check_provider(provider: str | None) -> Provider | None:
    if provider is None:
        return None
    if provider not in PROVIDERS:
        raise RegistrationError(f"unknown provider {provider!r}; use one of: {', '.join(PROVIDERS)}")
    return provider


def stored_accounts(graph: Graph, provider: str | None = None) -> list[StoredAccount]:
    """Every stored record (ciphertext included, nothing decrypted), by id."""
    wanted = _check_provider(provider)
    records = [ACCOUNT_JSON.validate_json(v) for v in store_of(graph).all("accounts").values()]
    return sorted((r for r in records if wanted is None or r.account.provider == wanted), key=lambda r: r.account.id)


def account_views(graph: Graph, provider: str | None = None) -> list[CloudAccount]:
    """Registered accounts without their secrets (``secret`` is None; ``has_secret`` says if one is stored)."""
    return [r.account for r in stored_accounts(graph, provider)]


def list_accounts(graph: Graph, settings: AccountsSettings, provider: str | None = None) -> list[CloudAccount]:
    """Registered accounts with their secrets decrypted (for discovery). Needs AIDISCOVER_SECRET_KEY
    only when some account stores a secret."""
    records = stored_accounts(graph, provider)
    box = secret_box(settings) if any(r.ciphertext for r in records) else None
    return [replace(r.account, secret=box.decrypt(r.ciphertext) if box and r.ciphertext else None) for r in records]


def get_account(graph: Graph, account_id: str) -> CloudAccount:
    """One account (without its secret) by its id ('aws:123456789012') or bare account id."""
    wanted = account_id.strip()
    found = [a for a in account_views(graph) if wanted in (a.id, a.account_id)]
    if not found:
        raise RegistrationError(
            f"no cloud account {account_id!r}; `aidiscover accounts list` shows the registered ones"
        )
    if len(found) > 1:
        raise RegistrationError(f"{account_id!r} names several accounts; use <provider>:<id>, e.g. aws:{account_id}")
    return found[0]


@dataclass(frozen=True)
class Removal:
    account: str
    schedules: int
    purged_nodes: int


def remove_account(graph: Graph, account_id: str, purge: bool = False) -> Removal:
    """Unregister an account (and its schedules). Its discovered resources stay unless ``purge``."""
    account = get_account(graph, account_id)
    store_of(graph).delete("accounts", account.id)
    summary = graph.write("MATCH (s:Schedule {account: $id}) DETACH DELETE s", {"id": account.id})
    schedules = summary.counters.nodes_deleted
    purged = 0
    if purge:
        while True:
            deleted = _purge_batch(graph, account.provider, account.account_id)
            purged += deleted
            if deleted == 0:
                break
        forget_account(graph, account.provider, account.account_id)  # a later sync must write them all again
    log.info(
        "removed %s account %s (%s schedule(s), %s resource node(s) purged)",
        account.provider,
        account.account_id,
        schedules,
        purged,
    )
    return Removal(account.id, schedules, purged)


def _purge_batch(graph: Graph, provider: str, account_id: str, limit: int = 10_000) -> int:
    summary = graph.write(
        "MATCH (n:Resource {provider: $provider, account: $account}) WITH n LIMIT $limit DETACH DELETE n",
        {"provider": provider, "account": account_id, "limit": limit},
    )
    return summary.counters.nodes_deleted


__all__ = [
    "AccountSpec",
    "CloudAccount",
    "Removal",
    "StoredAccount",
    "account_key",
    "account_views",
    "get_account",
    "import_account",
    "list_accounts",
    "register_account",
    "remove_account",
    "stored_accounts",
]
