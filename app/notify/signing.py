"""HMAC-SHA256 signatures of webhook deliveries, and how a receiver verifies them.

Every webhook request carries two headers:

    X-AIDiscover-Timestamp: 1764226800                 (Unix seconds when it was sent)
    X-AIDiscover-Signature: sha256=<hex>               (HMAC-SHA256 of "<timestamp>.<raw body>")

The key is the target's signing secret (UTF-8). To verify: recompute the HMAC over the timestamp
header, a dot and the raw request body bytes, compare it with ``hmac.compare_digest``, and refuse
timestamps more than a few minutes old (a replayed request). ``verify_signature`` does exactly that.
"""

from __future__ import annotations

import hashlib
import hmac
import time

TIMESTAMP_HEADER = "X-AIDiscover-Timestamp"
SIGNATURE_HEADER = "X-AIDiscover-Signature"
EVENT_HEADER = "X-AIDiscover-Event"
DELIVERY_HEADER = "X-AIDiscover-Delivery"
DEFAULT_TOLERANCE = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(
    secret: str,
    timestamp: str,
    signature: str,
    body: bytes,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> bool:
    """True when ``signature`` is ``body``'s signature at ``timestamp`` and the timestamp is recent."""
    try:
        ts = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - ts) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, ts, body), signature)
