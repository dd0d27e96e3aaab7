"""Cloud accounts in the graph: register, list, remove. Secrets are encrypted before they are written.

``list_accounts`` returns the accounts with their secrets decrypted (for discovery); ``account_views``
returns them without reading any secret (for the API and the CLI). Removing an account keeps the
resources discovered from it unless ``purge`` is asked for.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import neo4j
from neo4j import ManagedTransaction

from app.accounts.crypto import secret_box
from app.accounts.model import PROVIDERS, AccountSpec, AuthMethod, CloudAccount, Provider, account_key, validate
from app.errors import RegistrationError
from app.settings import Settings
from graph.neo4j.client import Graph

log = logging.getLogger(__name__)

_CREATE = """
CREATE (a:CloudAccount {id: $id})
SET a.provider = $provider, a.account_id = $account_id, a.name = $name, a.auth_method = $auth_method,
    a.profile = $profile, a.role_arn = $role_arn, a.tenant_id = $tenant_id, a.client_id = $client_id,
    a.regions = $regions, a.has_secret = $has_secret, a.secret = $secret, a.created_at = $at
"""
# never RETURN the ciphertext where it is not needed
_VIEW = (
    "a.provider AS provider, a.account_id AS account_id, a.name AS name, a.auth_method AS auth_method, "
    "a.profile AS profile, a.role_arn AS role_arn, a.tenant_id AS tenant_id, a.client_id AS client_id, "
    "a.regions AS regions, a.has_secret AS has_secret, a.created_at AS created_at"
)
_LIST_VIEWS = (
    "MATCH (a:CloudAccount) WHERE $provider IS NULL OR a.provider = $provider RETURN " + _VIEW + " ORDER BY a.id"
)
_LIST_SECRETS = (
    "MATCH (a:CloudAccount) WHERE $provider IS NULL OR a.provider = $provider RETURN "
    + _VIEW
    + ", a.secret AS secret ORDER BY a.id"
)


def register_account(graph: Graph, settings: Settings, spec: AccountSpec) -> CloudAccount:
    """Validate and store ``spec``; a duplicate id or a bad value is a RegistrationError, nothing stored."""
    account = validate(spec)
    token = secret_box(settings).encrypt(account.secret) if account.secret is not None else None

    def work(tx: ManagedTransaction) -> bool:
        if tx.run("MATCH (a:CloudAccount {id: $id}) RETURN a.id AS id", id=account.id).single() is not None:
            return False
        tx.run(
            _CREATE,
            id=account.id,
            provider=account.provider,
            account_id=account.account_id,
            name=account.name,
            auth_method=account.auth_method,
            profile=account.profile or None,
            role_arn=account.role_arn or None,
            tenant_id=account.tenant_id or None,
            client_id=account.client_id or None,
            regions=list(account.regions),
            has_secret=token is not None,
            secret=token,
            at=datetime.now(UTC),
        ).consume()
        return True

    if not graph.write_tx(work):
        raise RegistrationError(
            f"{account.provider} account {account.account_id} is already registered; "
            f"remove it first (`aidiscover accounts remove {account.id}`) to change it"
        )
    log.info("registered %s account %s (auth %s)", account.provider, account.account_id, account.auth_method)
    return replace(account, secret=None)


def _check_provider(provider: str | None) -> Provider | None:
    if provider is None:
        return None
    if provider not in PROVIDERS:
        raise RegistrationError(f"unknown provider {provider!r}; use one of: {', '.join(PROVIDERS)}")
    return provider


def _account(record: neo4j.Record, secret: str | None) -> CloudAccount:
    created = record["created_at"]
    provider: Provider = record["provider"]
    auth: AuthMethod = record["auth_method"]
    return CloudAccount(
        provider=provider,
        account_id=record["account_id"],
        name=record["name"] or record["account_id"],
        auth_method=auth,
        profile=record["profile"] or "",
        role_arn=record["role_arn"] or "",
        tenant_id=record["tenant_id"] or "",
        client_id=record["client_id"] or "",
        regions=tuple(record["regions"] or ()),
        has_secret=bool(record["has_secret"]),
        created_at=created.to_native() if created is not None else None,
        secret=secret,
    )


def account_views(graph: Graph, provider: str | None = None) -> list[CloudAccount]:
    """Registered accounts without their secrets (``secret`` is None; ``has_secret`` says if one is stored)."""
    rows = graph.read(_LIST_VIEWS, {"provider": _check_provider(provider)})
    return [_account(r, None) for r in rows]


def list_accounts(graph: Graph, settings: Settings, provider: str | None = None) -> list[CloudAccount]:
    """Registered accounts with their secrets decrypted (for discovery). Needs AIDISCOVER_SECRET_KEY
    only when some account stores a secret."""
    rows = graph.read(_LIST_SECRETS, {"provider": _check_provider(provider)})
    box = secret_box(settings) if any(r["secret"] for r in rows) else None
    return [_account(r, box.decrypt(r["secret"]) if box and r["secret"] else None) for r in rows]


def get_account(graph: Graph, account_id: str) -> CloudAccount:
    """One account (without its secret) by node id ('aws:123456789012') or bare account id."""
    rows = graph.read(
        "MATCH (a:CloudAccount) WHERE a.id = $id OR a.account_id = $id RETURN " + _VIEW, {"id": account_id.strip()}
    )
    if not rows:
        raise RegistrationError(
            f"no cloud account {account_id!r}; `aidiscover accounts list` shows the registered ones"
        )
    if len(rows) > 1:
        raise RegistrationError(f"{account_id!r} names several accounts; use <provider>:<id>, e.g. aws:{account_id}")
    return _account(rows[0], None)


@dataclass(frozen=True)
class Removal:
    account: str
    schedules: int
    purged_nodes: int


def remove_account(graph: Graph, account_id: str, purge: bool = False) -> Removal:
    """Unregister an account (and its schedules). Its discovered resources stay unless ``purge``."""
    account = get_account(graph, account_id)
    summary = graph.write(
        "MATCH (a:CloudAccount {id: $id}) OPTIONAL MATCH (s:Schedule)-[:DISCOVERS]->(a) DETACH DELETE s, a",
        {"id": account.id},
    )
    schedules = max(0, summary.counters.nodes_deleted - 1)
    purged = 0
    if purge:
        while True:
            deleted = _purge_batch(graph, account.provider, account.account_id)
            purged += deleted
            if deleted == 0:
                break
    log.info("removed %s account %s (%s schedule(s), %s resource node(s) purged)", account.provider,
             account.account_id, schedules, purged)  # fmt: skip
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
    "account_key",
    "account_views",
    "get_account",
    "list_accounts",
    "register_account",
    "remove_account",
]
