"""Move records that hold secrets out of Neo4j into the secret store, once, on upgrade.

Older versions kept users, API keys, cloud accounts and notification targets as ``User``, ``ApiKey``,
``CloudAccount`` and ``NotificationTarget`` nodes, and the token signing secret in ``<data_dir>/jwt-secret``.
``migrate_secrets`` copies each node into the secret store, then deletes the node (and drops the labels'
old constraints and indexes), and adopts the file's secret, then removes the file. A record already in
the store wins: the node is compared with it (a difference is counted and logged by id), then deleted.
A node that cannot be read as a record stays in Neo4j and is counted as failed. Running it again changes
nothing. It runs once per process where the API, the workers and the CLI start
(``migrate_at_startup``), and as ``aidiscover auth migrate-secrets``. Counts and ids are logged, never values.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, LiteralString

import neo4j.time

from app.api import auth_store
from app.api.auth_tokens import SECRET_FILE, read_secret_file
from app.notify.model import NotificationTarget
from app.notify.store import TARGET_JSON, StoredTarget, import_target
from core.errors import AIDiscoverError
from core.settings import Settings
from graph.neo4j.client import Graph
from graph.secretstore import Collection, secret_store, store_of, store_url, to_json
from ingest.accounts.model import CloudAccount
from ingest.accounts.store import ACCOUNT_JSON, StoredAccount, import_account

log = logging.getLogger(__name__)

OLD_LABELS: tuple[LiteralString, ...] = ("User", "ApiKey", "CloudAccount", "NotificationTarget")
# constraints and indexes older versions created for those labels (graph.neo4j.constraints names)
_OLD_SCHEMA = ("user_id", "apikey_id", "cloudaccount_id", "cloudaccount_provider", "notificationtarget_id")


@dataclass(frozen=True)
class LabelCount:
    label: str
    moved: int = 0  # stored, node deleted
    kept: int = 0  # the store held the record already (identical): node deleted
    differing: int = 0  # the store held a different record: the store's kept, node deleted
    failed: int = 0  # unreadable node: left in Neo4j

    def line(self) -> str:
        return (
            f"{self.label}: {self.moved} moved, {self.kept} already in the store, "
            f"{self.differing} differing (store kept), {self.failed} failed"
        )


@dataclass(frozen=True)
class MigrationSummary:
    labels: tuple[LabelCount, ...]
    old_file: str  # the signing secret file: none | moved | kept | differing (store kept) | failed

    @property
    def failed(self) -> int:
        return sum(c.failed for c in self.labels) + (self.old_file == "failed")

    @property
    def changed(self) -> bool:
        return any(c.moved or c.kept or c.differing for c in self.labels) or self.old_file not in ("none", "failed")

    def lines(self) -> list[str]:
        return [c.line() for c in self.labels] + [f"signing secret file: {self.old_file}"]


def _native(value: Any) -> Any:
    if isinstance(value, neo4j.time.DateTime):
        return value.to_native()
    return value


def _text(props: dict[str, Any], name: str) -> str:
    return str(props.get(name) or "")


def _user(p: dict[str, Any]) -> auth_store.UserRecord:
    return auth_store.UserRecord(
        username=auth_store.check_username(str(p["id"])),
        role=auth_store.check_role(str(p["role"])),
        created_at=_native(p.get("created_at")),
        disabled=bool(p.get("disabled", False)),
        password_hash=_text(p, "password_hash"),
    )


def _key(p: dict[str, Any]) -> auth_store.ApiKeyRecord:
    return auth_store.ApiKeyRecord(
        key_id=str(p["id"]),
        name=_text(p, "name"),
        role=auth_store.check_role(str(p["role"])),
        created_at=_native(p.get("created_at")),
        created_by=_text(p, "created_by"),
        last_used_at=_native(p.get("last_used_at")),
        revoked=bool(p.get("revoked", False)),
        hash=_text(p, "hash"),
    )


def _account(p: dict[str, Any]) -> StoredAccount:
    account = CloudAccount(
        provider=p["provider"],
        account_id=str(p["account_id"]),
        name=_text(p, "name") or str(p["account_id"]),
        auth_method=p["auth_method"],
        profile=_text(p, "profile"),
        role_arn=_text(p, "role_arn"),
        tenant_id=_text(p, "tenant_id"),
        client_id=_text(p, "client_id"),
        regions=tuple(p.get("regions") or ()),
        has_secret=bool(p.get("has_secret")),
        created_at=_native(p.get("created_at")),
    )
    stored = StoredAccount(account, p.get("secret") or None)
    return ACCOUNT_JSON.validate_json(to_json(ACCOUNT_JSON, stored))  # the store's own checks (provider, method)


def _target(p: dict[str, Any]) -> StoredTarget:
    target = NotificationTarget(
        id=str(p["id"]),
        kind=p["channel"],
        events=tuple(p.get("events") or ()),
        url=_text(p, "url"),
        smtp_host=_text(p, "smtp_host"),
        smtp_port=int(p.get("smtp_port") or 0),
        smtp_starttls=bool(p.get("smtp_starttls")),
        smtp_user=_text(p, "smtp_user"),
        mail_from=_text(p, "mail_from"),
        mail_to=tuple(p.get("mail_to") or ()),
        has_secret=bool(p.get("has_secret")),
        created_at=_native(p.get("created_at")),
    )
    stored = StoredTarget(target, p.get("secret") or None)
    return TARGET_JSON.validate_json(to_json(TARGET_JSON, stored))


@dataclass(frozen=True)
class _Kind:
    label: LiteralString
    collection: Collection
    convert: Callable[[dict[str, Any]], Any]
    record_id: Callable[[Any], str]
    store: Callable[[Graph, Any], bool]
    load: Callable[[str], Any]
    comparable: Callable[[Any], Any]


_KINDS = (
    _Kind(
        "User",
        "users",
        _user,
        lambda r: r.username,
        auth_store.import_user,
        auth_store.USER_JSON.validate_json,
        lambda r: replace(r, token_version=0),
    ),
    _Kind(
        "ApiKey",
        "apikeys",
        _key,
        lambda r: r.key_id,
        auth_store.import_api_key,
        auth_store.KEY_JSON.validate_json,
        lambda r: replace(r, last_used_at=None),
    ),
    _Kind(
        "CloudAccount",
        "accounts",
        _account,
        lambda r: r.account.id,
        import_account,
        ACCOUNT_JSON.validate_json,
        lambda r: r,
    ),
    _Kind(
        "NotificationTarget",
        "notify-targets",
        _target,
        lambda r: r.target.id,
        import_target,
        TARGET_JSON.validate_json,
        lambda r: r,
    ),
)


def _migrate_label(graph: Graph, kind: _Kind) -> LabelCount:
    rows = graph.read(f"MATCH (n:{kind.label}) RETURN elementId(n) AS eid, properties(n) AS p")
    moved = kept = differing = failed = 0
    done: list[str] = []
    store = store_of(graph)
    for row in rows:
        try:
            record = kind.convert(dict(row["p"]))
        except (KeyError, ValueError, TypeError, AIDiscoverError) as exc:
            failed += 1
            log.warning(
                "a %s node (id %r) is not a readable record (%s); left in Neo4j, fix or delete it",
                kind.label,
                str(row["p"].get("id"))[:80],
                type(exc).__name__,
            )
            continue
        record_id = kind.record_id(record)
        if kind.store(graph, record):
            moved += 1
        else:
            existing = store.get(kind.collection, record_id)
            same = existing is not None and kind.comparable(kind.load(existing)) == kind.comparable(record)
            if same:
                kept += 1
            else:
                differing += 1
                log.warning(
                    "%s %r differs from the record already in the secret store; the store's is kept",
                    kind.label,
                    record_id,
                )
        done.append(row["eid"])
    if done:
        graph.write("MATCH (n) WHERE elementId(n) IN $ids DETACH DELETE n", {"ids": done})
    count = LabelCount(kind.label, moved, kept, differing, failed)
    if rows:
        log.info("secret store migration: %s", count.line())
    return count


def _migrate_secret_file(settings: Settings) -> str:
    path = settings.data_dir / SECRET_FILE
    if not path.is_file():
        return "none"
    try:
        value = read_secret_file(path)
    except (AIDiscoverError, OSError) as exc:
        log.warning("could not read the old signing secret file %s (%s); left in place", path, exc)
        return "failed"
    store = secret_store(settings.redis)
    before = store.jwt_secret()
    in_force = store.create_jwt_secret(value)
    outcome = "moved" if before is None else ("kept" if in_force == value else "differing (store kept)")
    path.unlink()
    log.info("secret store migration: signing secret file %s %s, file removed", path, outcome)
    return outcome


def migrate_secrets(graph: Graph, settings: Settings) -> MigrationSummary:
    """Move every old secret-holding node and the old signing secret file into the secret store."""
    counts = tuple(_migrate_label(graph, kind) for kind in _KINDS)
    if not any(c.failed for c in counts):
        existing = {r["name"] for r in graph.read("SHOW CONSTRAINTS YIELD name")}
        existing |= {r["name"] for r in graph.read("SHOW INDEXES YIELD name")}
        for name in _OLD_SCHEMA:
            if name in existing:
                graph.write(
                    f"DROP CONSTRAINT {name} IF EXISTS" if name.endswith("_id") else f"DROP INDEX {name} IF EXISTS"
                )
    return MigrationSummary(counts, _migrate_secret_file(settings))


_done: set[tuple[str, str, str]] = set()
_lock = threading.Lock()


def migrate_at_startup(graph: Graph, settings: Settings) -> MigrationSummary | None:
    """``migrate_secrets`` once per process and deployment; failures are logged (run
    `aidiscover auth migrate-secrets` to see them), never raised."""
    key = (graph.uri, graph.database, store_url(settings.redis))
    with _lock:
        if key in _done:
            return None
        _done.add(key)
    try:
        summary = migrate_secrets(graph, settings)
    except AIDiscoverError as exc:
        log.warning(
            "could not move secrets out of the graph at start-up (%s); run `aidiscover auth migrate-secrets`", exc
        )
        with _lock:
            _done.discard(key)
        return None
    if summary.failed:
        log.warning(
            "%s record(s) could not be moved into the secret store; run `aidiscover auth migrate-secrets`",
            summary.failed,
        )
    return summary


__all__ = ["OLD_LABELS", "LabelCount", "MigrationSummary", "migrate_at_startup", "migrate_secrets"]
