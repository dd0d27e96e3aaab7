"""Opaque page cursors: a tag and a payload, url-safe base64. Each query keeps its own tag, payload
and error message; this module only encodes, and decodes to the payload or ``None`` when the text is
not a cursor of that tag (bad base64, bad UTF-8, another tag)."""

from __future__ import annotations

import base64
import binascii


def encode(tag: str, payload: str) -> str:
    return base64.urlsafe_b64encode(f"{tag}:{payload}".encode()).decode()


def decode(tag: str, cursor: str) -> str | None:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    prefix = f"{tag}:"
    return raw[len(prefix) :] if raw.startswith(prefix) else None
