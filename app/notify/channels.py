"""Send one notification to one target: a signed webhook, a Slack incoming webhook or SMTP e-mail.

``deliver`` returns the HTTP status (None for e-mail) or raises ``DeliveryError`` with a one-line
reason; the caller retries. Secrets travel only in the signature, the URL or the SMTP login, and
never into a log line or an error message.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import time

import httpx

from app.notify.messages import email_message, slack_payload, webhook_body
from app.notify.model import Event, NotificationTarget
from app.notify.signing import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from core.errors import DeliveryError

log = logging.getLogger(__name__)


def deliver(target: NotificationTarget, event: Event, timeout: float, delivery_id: str = "") -> int | None:
    if target.kind == "email":
        _send_email(target, event, timeout)
        return None
    if target.kind == "slack":
        return _post(target, httpx.Request("POST", target.url, json=slack_payload(event)), timeout)
    sent_at = int(time.time())
    body = webhook_body(event, sent_at)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "AI-Discover-Webhook/1",
        TIMESTAMP_HEADER: str(sent_at),
        SIGNATURE_HEADER: sign(target.secret or "", sent_at, body),
        EVENT_HEADER: event.type,
        DELIVERY_HEADER: delivery_id or event.id,
    }
    return _post(target, httpx.Request("POST", target.url, content=body, headers=headers), timeout)


def _where(target: NotificationTarget) -> str:
    """The target for messages: scheme, host and port only (a Slack URL's path is its secret)."""
    url = httpx.URL(target.url)
    return f"{target.kind} {target.id} ({url.scheme}://{url.host}{f':{url.port}' if url.port else ''})"


def _post(target: NotificationTarget, request: httpx.Request, timeout: float) -> int:
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False) as client:
            response = client.send(request)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{_where(target)} did not answer: {exc.__class__.__name__}") from None
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"{_where(target)} answered HTTP {response.status_code}", response.status_code)
    return response.status_code


def _send_email(target: NotificationTarget, event: Event, timeout: float) -> None:
    where = f"email {target.id} ({target.smtp_host}:{target.smtp_port})"
    try:
        with smtplib.SMTP(target.smtp_host, target.smtp_port, timeout=timeout) as smtp:
            if target.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if target.smtp_user:
                smtp.login(target.smtp_user, target.secret or "")
            refused = smtp.send_message(email_message(event, target))
    except smtplib.SMTPAuthenticationError:
        raise DeliveryError(f"{where} refused the login of {target.smtp_user!r}; fix the user or password") from None
    except smtplib.SMTPNotSupportedError:
        raise DeliveryError(f"{where} does not offer STARTTLS; add the target with --no-starttls") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"{where} failed: {exc.__class__.__name__}: {str(exc)[:200]}") from None
    if refused:
        raise DeliveryError(f"{where} refused recipient(s) {', '.join(sorted(refused))}")
