"""Secrets at rest: Fernet (AES-128-CBC + HMAC-SHA256) with keys from ``AIDISCOVER_SECRET_KEY``.

The setting holds one key, or several separated by commas: the first encrypts, every one decrypts
(``MultiFernet``), so a new key can be rolled out before the old one is dropped.
``rotate_secrets`` re-encrypts every stored secret (the ``ciphertext`` of the cloud accounts and
notification targets in the secret store) under a new key in one transaction: either all of them
move, or nothing changes.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from core.errors import SecretKeyError
from core.settings import AccountsSettings
from graph.neo4j.client import Graph
from graph.secretstore import Collection, store_of

log = logging.getLogger(__name__)

SECRET_KEY_ENV = "AIDISCOVER_SECRET_KEY"  # noqa: S105 - the variable's name, not a secret
_HOW = f"set {SECRET_KEY_ENV} to a key from `aidiscover secrets generate-key`"


def generate_key() -> str:
    """A new random Fernet key (url-safe base64 of 32 bytes)."""
    return Fernet.generate_key().decode("ascii")


def _fernet(key: str, what: str) -> Fernet:
    try:
        return Fernet(key.strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise SecretKeyError(f"{what} is not a Fernet key (32 url-safe base64-encoded bytes); {_HOW}") from None


class SecretBox:
    """Encrypts with the first key, decrypts with any."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise SecretKeyError(f"{SECRET_KEY_ENV} is not set, and a secret must be stored or read; {_HOW}")
        self._fernet = MultiFernet([_fernet(k, f"{SECRET_KEY_ENV} (key {i + 1})") for i, k in enumerate(keys)])

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise SecretKeyError(
                f"a stored secret cannot be decrypted with {SECRET_KEY_ENV}: it was encrypted with another key; "
                "set the key it was stored with (several keys may be given, comma-separated)"
            ) from None

    def rotate(self, token: str) -> str:
        try:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        except InvalidToken:
            raise SecretKeyError(
                f"a stored secret cannot be decrypted with the current {SECRET_KEY_ENV}; nothing was re-encrypted"
            ) from None


def configured_keys(settings: AccountsSettings) -> list[str]:
    if settings.secret_key is None:
        return []
    return [k.strip() for k in settings.secret_key.get_secret_value().split(",") if k.strip()]


def secret_box(settings: AccountsSettings) -> SecretBox:
    """The box for the configured key(s); a clear error naming the variable when none is set."""
    return SecretBox(configured_keys(settings))


# The secret store's collections whose records carry a top-level ``ciphertext`` (Fernet token or null).
ENCRYPTED: tuple[Collection, ...] = ("accounts", "notify-targets")


@dataclass(frozen=True)
class Rotation:
    re_encrypted: int
    labels: tuple[str, ...]  # the collections holding ciphertext


def rotate_secrets(graph: Graph, settings: AccountsSettings, new_key: str) -> Rotation:
    """Re-encrypt every stored secret with ``new_key`` (old ones decrypted with the configured keys).

    All in one store transaction: a secret that none of the keys opens aborts the whole rotation.
    Afterwards set ``AIDISCOVER_SECRET_KEY`` to the new key."""
    _fernet(new_key, "--new-key")  # a clear error before anything is read
    old = configured_keys(settings)
    box = SecretBox([new_key.strip(), *old])

    def change(value: str) -> str | None:
        record = json.loads(value)
        token = record.get("ciphertext")
        if not token:
            return None
        if not old:
            raise SecretKeyError(f"{SECRET_KEY_ENV} is not set: the stored secrets cannot be read; {_HOW}")
        record["ciphertext"] = box.rotate(token)
        return json.dumps(record)

    count = store_of(graph).rewrite(ENCRYPTED, change)
    log.info("re-encrypted %s stored secret(s) with the new key", count)
    return Rotation(count, ENCRYPTED)
