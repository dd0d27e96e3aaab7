"""Notification values: events, targets (what the caller adds and what is stored) and delivery records."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from urllib.parse import urlsplit

from core.errors import RegistrationError

EventType = Literal["job.succeeded", "job.failed", "finding.critical"]
EVENT_TYPES: tuple[EventType, ...] = ("job.succeeded", "job.failed", "finding.critical")
TargetKind = Literal["webhook", "slack", "email"]
TARGET_KINDS: tuple[TargetKind, ...] = ("webhook", "slack", "email")
DeliveryStatus = Literal["delivered", "retrying", "failed"]

_NAME = re.compile(r"^[A-Za-z0-9][\w.-]{0,63}$")
_EMAIL = re.compile(r"^[^@\s,]+@[^@\s,]+$")
Scalar = str | int | float | bool | None


@dataclass(frozen=True)
class Event:
    """An event as sent to ``aidiscover.notify``: its type, a stable id and its other fields (scalars)."""

    type: EventType
    id: str
    fields: tuple[tuple[str, Scalar], ...] = ()

    def get(self, name: str) -> Scalar:
        return dict(self.fields).get(name)

    def to_json(self) -> dict[str, Scalar]:
        return {"type": self.type, "id": self.id, **dict(self.fields)}


def parse_event(data: object) -> Event:
    """The event in a task's argument; a RegistrationError names what is wrong."""
    if not isinstance(data, dict) or data.get("type") not in EVENT_TYPES:
        kind = data.get("type") if isinstance(data, dict) else type(data).__name__
        raise RegistrationError(f"event type {kind!r} is unknown; use one of: {', '.join(EVENT_TYPES)}")
    fields: list[tuple[str, Scalar]] = []
    for key, value in sorted(data.items()):
        if key in ("type", "id"):
            continue
        if isinstance(value, str | int | float | bool) or value is None:
            fields.append((str(key), value))
        else:  # lists and objects travel as JSON text
            fields.append((str(key), json.dumps(value, sort_keys=True, default=str)))
    event_id = str(data.get("id") or "")
    if not event_id:  # the same event always gets the same id (so retries and receivers can deduplicate)
        digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]
        event_id = f"{data['type']}-{digest}"
    return Event(type=data["type"], id=event_id, fields=tuple(fields))


@dataclass(frozen=True)
class TargetSpec:
    """What a caller adds. ``secret`` is the webhook signing secret or the SMTP password (never shown)."""

    name: str
    kind: str
    url: str = ""
    events: tuple[str, ...] = EVENT_TYPES
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_starttls: bool = True
    smtp_user: str = ""
    mail_from: str = ""
    mail_to: tuple[str, ...] = ()
    secret: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class NotificationTarget:
    id: str
    kind: TargetKind = field(metadata={"doc": "webhook | slack | email"})
    events: tuple[EventType, ...]
    url: str = ""
    smtp_host: str = ""
    smtp_port: int = 0
    smtp_starttls: bool = False
    smtp_user: str = ""
    mail_from: str = ""
    mail_to: tuple[str, ...] = ()
    has_secret: bool = False
    created_at: datetime | None = None
    secret: str | None = field(default=None, repr=False, compare=False)

    def wants(self, event_type: str) -> bool:
        return event_type in self.events


@dataclass(frozen=True)
class Delivery:
    """One delivery attempt of a notification."""

    id: str
    target: str
    event_id: str
    event_type: str
    attempt: int
    status: DeliveryStatus = field(metadata={"doc": "delivered | retrying | failed"})
    at: datetime
    http_status: int | None = None
    error: str = ""


def validate_target(spec: TargetSpec) -> NotificationTarget:
    if not _NAME.match(spec.name):
        raise RegistrationError(f"target name {spec.name!r} must be 1-64 letters, digits, '.', '_' or '-'")
    if spec.kind not in TARGET_KINDS:
        raise RegistrationError(f"target kind {spec.kind!r} is unknown; use one of: {', '.join(TARGET_KINDS)}")
    events = tuple(dict.fromkeys(spec.events))
    bad = [e for e in events if e not in EVENT_TYPES]
    if bad or not events:
        raise RegistrationError(f"events {bad or '(none)'} are not known; choose from: {', '.join(EVENT_TYPES)}")
    kind: TargetKind = spec.kind
    valid_events: tuple[EventType, ...] = tuple(e for e in EVENT_TYPES if e in events)
    secret = spec.secret or None
    if kind in ("webhook", "slack"):
        parts = urlsplit(spec.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise RegistrationError(f"{kind} URL {spec.url!r} must be an http(s) URL")
        if kind == "webhook" and not secret:
            raise RegistrationError("a webhook needs a signing secret (--secret-file): receivers verify the signature")
        if kind == "webhook" and len(secret or "") < 16:
            raise RegistrationError("the webhook signing secret must be at least 16 characters")
        if kind == "slack" and secret:
            raise RegistrationError("a Slack incoming webhook carries its secret in its URL; drop --secret-file")
        return NotificationTarget(
            id=spec.name, kind=kind, events=valid_events, url=spec.url, has_secret=secret is not None, secret=secret
        )
    if not spec.smtp_host or not 1 <= spec.smtp_port <= 65535:
        raise RegistrationError("an e-mail target needs --smtp-host and a --smtp-port between 1 and 65535")
    if not _EMAIL.match(spec.mail_from) or not spec.mail_to or not all(_EMAIL.match(a) for a in spec.mail_to):
        raise RegistrationError("an e-mail target needs --mail-from and at least one --mail-to address")
    if spec.smtp_user and not secret:
        raise RegistrationError("--smtp-user needs the SMTP password (--secret-file)")
    return NotificationTarget(
        id=spec.name,
        kind=kind,
        events=valid_events,
        smtp_host=spec.smtp_host,
        smtp_port=spec.smtp_port,
        smtp_starttls=spec.smtp_starttls,
        smtp_user=spec.smtp_user,
        mail_from=spec.mail_from,
        mail_to=tuple(spec.mail_to),
        has_secret=secret is not None,
        secret=secret,
    )
