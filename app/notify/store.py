"""Notification targets and the delivery log in the graph (NotificationTarget, Delivery nodes)."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime

import neo4j
from neo4j import ManagedTransaction

from app.accounts.crypto import secret_box
from app.errors import RegistrationError
from app.notify.model import (
    Delivery,
    DeliveryStatus,
    EventType,
    NotificationTarget,
    TargetKind,
    TargetSpec,
    validate_target,
)
from app.settings import Settings
from graph.neo4j.client import Graph

log = logging.getLogger(__name__)

_VIEW = (
    "t.id AS id, t.channel AS kind, t.events AS events, t.url AS url, t.smtp_host AS smtp_host, "
    "t.smtp_port AS smtp_port, t.smtp_starttls AS smtp_starttls, t.smtp_user AS smtp_user, "
    "t.mail_from AS mail_from, t.mail_to AS mail_to, t.has_secret AS has_secret, t.created_at AS created_at"
)


def add_target(graph: Graph, settings: Settings, spec: TargetSpec) -> NotificationTarget:
    target = validate_target(spec)
    token = secret_box(settings).encrypt(target.secret) if target.secret is not None else None

    def work(tx: ManagedTransaction) -> bool:
        if tx.run("MATCH (t:NotificationTarget {id: $id}) RETURN t.id AS id", id=target.id).single() is not None:
            return False
        tx.run(
            "CREATE (t:NotificationTarget {id: $id}) SET t.channel = $kind, t.events = $events, t.url = $url, "
            "t.smtp_host = $smtp_host, t.smtp_port = $smtp_port, t.smtp_starttls = $smtp_starttls, "
            "t.smtp_user = $smtp_user, t.mail_from = $mail_from, t.mail_to = $mail_to, "
            "t.has_secret = $has_secret, t.secret = $secret, t.created_at = $at",
            id=target.id, kind=target.kind, events=list(target.events), url=target.url or None,
            smtp_host=target.smtp_host or None, smtp_port=target.smtp_port or None,
            smtp_starttls=target.smtp_starttls, smtp_user=target.smtp_user or None,
            mail_from=target.mail_from or None, mail_to=list(target.mail_to), has_secret=token is not None,
            secret=token, at=datetime.now(UTC),
        ).consume()  # fmt: skip
        return True

    if not graph.write_tx(work):
        raise RegistrationError(
            f"notification target {target.id!r} exists; remove it first (`aidiscover notify remove {target.id}`)"
        )
    log.info("notification target %s (%s) added for %s", target.id, target.kind, ", ".join(target.events))
    return replace(target, secret=None)


def _target(record: neo4j.Record, secret: str | None) -> NotificationTarget:
    kind: TargetKind = record["kind"]
    events: tuple[EventType, ...] = tuple(record["events"] or ())
    created = record["created_at"]
    return NotificationTarget(
        id=record["id"], kind=kind, events=events, url=record["url"] or "", smtp_host=record["smtp_host"] or "",
        smtp_port=record["smtp_port"] or 0, smtp_starttls=bool(record["smtp_starttls"]),
        smtp_user=record["smtp_user"] or "", mail_from=record["mail_from"] or "",
        mail_to=tuple(record["mail_to"] or ()), has_secret=bool(record["has_secret"]),
        created_at=created.to_native() if created is not None else None, secret=secret,
    )  # fmt: skip


def target_views(graph: Graph) -> list[NotificationTarget]:
    """Every target, without secrets."""
    return [_target(r, None) for r in graph.read("MATCH (t:NotificationTarget) RETURN " + _VIEW + " ORDER BY t.id")]


def targets_for(graph: Graph, settings: Settings, event_type: str) -> list[str]:
    """Ids of the targets that want ``event_type``."""
    rows = graph.read("MATCH (t:NotificationTarget) WHERE $type IN t.events RETURN t.id AS id ORDER BY id",
                      {"type": event_type})  # fmt: skip
    return [r["id"] for r in rows]


def load_target(graph: Graph, settings: Settings, target_id: str) -> NotificationTarget:
    """One target with its secret decrypted (for delivery only)."""
    rows = graph.read("MATCH (t:NotificationTarget {id: $id}) RETURN " + _VIEW + ", t.secret AS secret",
                      {"id": target_id})  # fmt: skip
    if not rows:
        raise RegistrationError(f"no notification target {target_id!r}; `aidiscover notify list` shows them")
    token = rows[0]["secret"]
    return _target(rows[0], secret_box(settings).decrypt(token) if token else None)


def remove_target(graph: Graph, target_id: str) -> None:
    """Remove a target; its delivery log stays (Delivery nodes keep the target's id)."""
    summary = graph.write("MATCH (t:NotificationTarget {id: $id}) DETACH DELETE t", {"id": target_id})
    if not summary.counters.nodes_deleted:
        raise RegistrationError(f"no notification target {target_id!r}; `aidiscover notify list` shows them")
    log.info("notification target %s removed", target_id)


def record_delivery(graph: Graph, delivery: Delivery) -> None:
    graph.write(
        "MERGE (d:Delivery {id: $id}) SET d.target = $target, d.event_id = $event_id, d.event_type = $event_type, "
        "d.attempt = $attempt, d.status = $status, d.http_status = $http_status, d.error = $error, d.at = $at "
        "WITH d OPTIONAL MATCH (t:NotificationTarget {id: $target}) "
        "FOREACH (_ IN CASE WHEN t IS NULL THEN [] ELSE [1] END | MERGE (d)-[:DELIVERED_TO]->(t))",
        {"id": delivery.id, "target": delivery.target, "event_id": delivery.event_id,
         "event_type": delivery.event_type, "attempt": delivery.attempt, "status": delivery.status,
         "http_status": delivery.http_status, "error": delivery.error or None, "at": delivery.at},
    )  # fmt: skip


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
