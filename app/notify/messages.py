"""What a notification says: the webhook JSON body, the Slack payload and the e-mail text (pure)."""

from __future__ import annotations

import json
from email.message import EmailMessage

from app.notify.model import Event, NotificationTarget

_TITLES = {
    "job.succeeded": "Discovery job succeeded",
    "job.failed": "Discovery job FAILED",
    "finding.critical": "New critical finding",
}
_SHOWN = 12  # fields listed in Slack and e-mail


def summary(event: Event) -> str:
    """One line: the title and the most telling fields."""
    keys = ("job_id", "provider", "status", "rule", "title", "resource", "resources", "error")
    parts = [f"{k}={event.get(k)}" for k in keys if event.get(k) not in (None, "")]
    return f"[AI-Discover] {_TITLES[event.type]}" + (": " + ", ".join(parts) if parts else "")


def webhook_body(event: Event, sent_at: int) -> bytes:
    """The signed JSON body: {"event", "id", "sent_at", "data"}; compact and key-sorted."""
    doc = {"event": event.type, "id": event.id, "sent_at": sent_at, "data": event.to_json()}
    return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode("utf-8")


def slack_payload(event: Event) -> dict[str, object]:
    """Slack incoming-webhook JSON: ``text`` (fallback) and Block Kit ``blocks``."""
    lines = [f"*{k}*: {v}" for k, v in event.fields[:_SHOWN] if v not in (None, "")]
    blocks: list[dict[str, object]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _TITLES[event.type]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines) or "(no details)"}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": f"event `{event.id}`"}]},
    ]
    return {"text": summary(event), "blocks": blocks}


def email_message(event: Event, target: NotificationTarget) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = summary(event)[:200]
    msg["From"] = target.mail_from
    msg["To"] = ", ".join(target.mail_to)
    msg["X-AIDiscover-Event"] = event.id
    body = [summary(event), ""] + [f"{k}: {v}" for k, v in event.fields if v not in (None, "")]
    msg.set_content("\n".join(body) + "\n")
    return msg
