"""Notification targets in the secret store, and the delivery log in the graph (Delivery nodes).

Targets hold the ciphertext of signing secrets and SMTP passwords, and webhook and Slack URLs (which
embed tokens), so they live in the secret store (``graph.secretstore``, collection ``notify-targets``),
never in the resource graph. A Delivery node keeps its target's name in ``target``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from pydantic import TypeAdapter

from app.notify.model import Delivery, DeliveryStatus, NotificationTarget, TargetSpec, validate_target
from core.errors import RegistrationError
from core.settings import AccountsSettings
from graph.neo4j.client import Graph
from graph.secretstore import store_of, to_json
from ingest.accounts.crypto import secret_box

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredTarget:
    """A target as kept: its fields (``target.secret`` always None) and the Fernet ciphertext of its secret."""

    target: NotificationTarget
    ciphertext: str | None = None


TARGET_JSON = TypeAdapter(StoredTarget)


def add_target(graph: Graph, settings: AccountsSettings, spec: TargetSpec) -> NotificationTarget:
    target = validate_target(spec)
    token = secret_box(settings).encrypt(target.secret) if target.secret is not None else None
    view = replace(target, secret=None, has_secret=token is not None, created_at=datetime.now(UTC))
    if not import_target(graph, StoredTarget(view, token)):
        raise RegistrationError(
            f"notification target {target.id!r} exists; remove it first (`aidiscover notify remove {target.id}`)"
        )
    log.info("notification target %s (%s) added for %s", target.id, target.kind, ", ".join(target.events))
    return view


def import_target(graph: Graph, stored: StoredTarget) -> bool:
    """Store a target record as it is (ciphertext included) unless its name exists; whether it was stored."""
    return store_of(graph).create("notify-targets", stored.target.id, to_json(TARGET_JSON, stored))


def stored_targets(graph: Graph) -> list[StoredTarget]:
    records = [TARGET_JSON.validate_json(v) for v in store_of(graph).all("notify-targets").values()]
    return sorted(records, key=lambda r: r.target.id)


def target_views(graph: Graph) -> list[NotificationTarget]:
    """Every target, without secrets."""
    return [r.target for r in stored_targets(graph)]


def targets_for(graph: Graph, settings: AccountsSettings, event_type: str) -> list[str]:
    """Ids of the targets that want ``event_type``."""
    return [t.id for t in target_views(graph) if t.wants(event_type)]


def load_target(graph: Graph, settings: AccountsSettings, target_id: str) -> NotificationTarget:
    """One target with its secret decrypted (for delivery only)."""
    value = store_of(graph).get("notify-targets", target_id)
    if value is None:
        raise RegistrationError(f"no notification target {target_id!r}; `aidiscover notify list` shows them")
    stored = TARGET_JSON.validate_json(value)
    token = stored.ciphertext
    return replace(stored.target, secret=secret_box(settings).decrypt(token) if token else None)


def remove_target(graph: Graph, target_id: str) -> None:
    """Remove a target; its delivery log stays (Delivery nodes keep the target's name)."""
    if not store_of(graph).delete("notify-targets", target_id):
        raise RegistrationError(f"no notification target {target_id!r}; `aidiscover notify list` shows them")
    log.info("notification target %s removed", target_id)


def record_delivery(graph: Graph, delivery: Delivery) -> None:
    graph.write(
        "MERGE (d:Delivery {id: $id}) SET d.target = $target, d.event_id = $event_id, d.event_type = $event_type, "
        "d.attempt = $attempt, d.status = $status, d.http_status = $http_status, d.error = $error, d.at = $at",
        {
            "id": delivery.id,
            "target": delivery.target,
            "event_id": delivery.event_id,
            "event_type": delivery.event_type,
            "attempt": delivery.attempt,
            "status": delivery.status,
            "http_status": delivery.http_status,
            "error": delivery.error or None,
            "at": delivery.at,
        },
    )


def list_deliveries(
    graph: Graph, target: str | None = None, event_id: str | None = None, limit: int = 50
) -> list[Delivery]:
    """The newest deliveries first, optionally of one target or one event."""
    if not 1 <= limit <= 1000:
        raise RegistrationError("limit must be between 1 and 1000")
    rows = graph.read(
        "MATCH (d:Delivery) WHERE ($target IS NULL OR d.target = $target) AND ($event IS NULL OR d.event_id = $event) "
        "RETURN d ORDER BY d.at DESC, d.attempt DESC LIMIT $limit",
        {"target": target, "event": event_id, "limit": limit},
    )
    out = []
    for row in rows:
        d = row["d"]
        status: DeliveryStatus = d["status"]
        out.append(
            Delivery(
                id=d["id"],
                target=d["target"],
                event_id=d["event_id"],
                event_type=d["event_type"],
                attempt=int(d["attempt"]),
                status=status,
                at=d["at"].to_native(),
                http_status=d.get("http_status"),
                error=d.get("error") or "",
            )
        )
    return out
