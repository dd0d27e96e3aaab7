"""The secret store: records that hold secrets, kept in Redis and never in the resource graph.

Users (bcrypt password hashes), API keys (bcrypt hashes), cloud accounts (Fernet ciphertext of their
credentials), notification targets (ciphertext of signing secrets and SMTP passwords, and webhook URLs,
which embed tokens) and the token signing secret live here, so no read query on Neo4j (the model-written
queries of ``ask`` included) can reach them, whatever it matches or walks.

Key layout (``PREFIX`` = ``aidiscover:secrets:``), one Redis hash per collection, one JSON value per record::

    aidiscover:secrets:users           HASH  username -> JSON user record (bcrypt hash, role, token version)
    aidiscover:secrets:apikeys         HASH  key id   -> JSON API key record (bcrypt hash of the secret part)
    aidiscover:secrets:accounts        HASH  account id ('aws:123456789012') -> JSON account + ciphertext
    aidiscover:secrets:notify-targets  HASH  target name -> JSON target + ciphertext
    aidiscover:secrets:jwt-secret      STRING the token signing secret (unless AIDISCOVER_JWT_SECRET is set)

Creating a record that exists is refused atomically (``HSETNX``); changing one is a WATCH/MULTI
read-modify-write, retried when another process changed it meanwhile. The store's Redis is
``AIDISCOVER_SECRETS_REDIS_URL`` (default: ``REDIS_URL``); it must persist (append-only file) like the broker.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal, TypeVar, get_args
from urllib.parse import urlsplit

import redis
from pydantic import TypeAdapter

from core.errors import ConfigError, ServiceError
from core.settings import RedisSettings
from graph.neo4j.client import Graph

log = logging.getLogger(__name__)

PREFIX = "aidiscover:secrets:"
Collection = Literal["users", "apikeys", "accounts", "notify-targets"]
COLLECTIONS: tuple[Collection, ...] = get_args(Collection)
JWT_SECRET_KEY = PREFIX + "jwt-secret"
T = TypeVar("T")


@dataclass(frozen=True)
class StoredRecord:
    """One record as kept (and as written to a backup): its collection, id and JSON value."""

    collection: Collection
    id: str
    value: str


class SecretStore:
    """The records of one deployment, in one Redis database. Thread-safe; one per process and URL."""

    def __init__(self, url: str) -> None:
        self.url = url
        parts = urlsplit(url)
        self.where = f"{parts.hostname}:{parts.port or 6379}"  # for messages: never the URL's password
        self._redis = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=10, decode_responses=True)

    def close(self) -> None:
        self._redis.close()

    @contextmanager
    def _answering(self) -> Iterator[None]:
        try:
            yield
        except redis.ConnectionError as exc:
            raise ServiceError(
                f"the secret store (Redis at {self.where}) does not answer: run `aidiscover services up`, "
                "or fix REDIS_URL / AIDISCOVER_SECRETS_REDIS_URL"
            ) from exc

    @staticmethod
    def _key(collection: Collection) -> str:
        return PREFIX + collection

    # --- records ----------------------------------------------------------------------------------

    def get(self, collection: Collection, record_id: str) -> str | None:
        with self._answering():
            value: str | None = self._redis.hget(self._key(collection), record_id)  # type: ignore[assignment]
        return value

    def all(self, collection: Collection) -> dict[str, str]:
        with self._answering():
            values: dict[str, str] = self._redis.hgetall(self._key(collection))  # type: ignore[assignment]
        return values

    def count(self, collection: Collection) -> int:
        with self._answering():
            return int(self._redis.hlen(self._key(collection)))

    def create(self, collection: Collection, record_id: str, value: str) -> bool:
        """Store a new record; False (nothing written) when ``record_id`` exists already."""
        with self._answering():
            return bool(self._redis.hsetnx(self._key(collection), record_id, value))

    def delete(self, collection: Collection, record_id: str) -> bool:
        with self._answering():
            return bool(self._redis.hdel(self._key(collection), record_id))

    def update(self, collection: Collection, record_id: str, change: Callable[[str], str]) -> str | None:
        """Replace a record with ``change(old value)`` atomically; the new value, or None when there is none."""
        key = self._key(collection)
        with self._answering(), self._redis.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)  # type: ignore[no-untyped-call]
                    old: str | None = pipe.hget(key, record_id)  # type: ignore[assignment]
                    if old is None:
                        pipe.unwatch()
                        return None
                    new = change(old)
                    pipe.multi()
                    pipe.hset(key, record_id, new)
                    pipe.execute()
                    return new
                except redis.WatchError:
                    continue

    def rewrite(self, collections: tuple[Collection, ...], change: Callable[[str], str | None]) -> int:
        """Replace every record of ``collections`` for which ``change`` returns a new value, all in one
        transaction: an exception from ``change`` leaves every record as it was. How many were replaced."""
        keys = [self._key(c) for c in collections]
        with self._answering(), self._redis.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(*keys)  # type: ignore[no-untyped-call]
                    updates: dict[str, dict[str, str]] = {}
                    for key in keys:
                        records: dict[str, str] = pipe.hgetall(key)  # type: ignore[assignment]
                        for record_id, old in records.items():
                            new = change(old)
                            if new is not None:
                                updates.setdefault(key, {})[record_id] = new
                    pipe.multi()
                    for key, mapping in updates.items():
                        for record_id, value in mapping.items():
                            pipe.hset(key, record_id, value)
                    pipe.execute()
                    return sum(len(m) for m in updates.values())
                except redis.WatchError:
                    continue

    # --- the token signing secret ------------------------------------------------------------------

    def jwt_secret(self) -> str | None:
        with self._answering():
            value: str | None = self._redis.get(JWT_SECRET_KEY)  # type: ignore[assignment]
        return value

    def create_jwt_secret(self, value: str) -> str:
        """Store ``value`` unless a secret exists; the secret in force either way."""
        with self._answering():
            self._redis.set(JWT_SECRET_KEY, value, nx=True)
            stored: str = self._redis.get(JWT_SECRET_KEY)  # type: ignore[assignment]
        return stored

    def replace_jwt_secret(self, value: str) -> None:
        with self._answering():
            self._redis.set(JWT_SECRET_KEY, value)

    # --- whole store (backup, tests) ----------------------------------------------------------------

    def records(self) -> Iterator[StoredRecord]:
        """Every record of every collection (not the signing secret: a backup never holds a usable secret)."""
        for collection in COLLECTIONS:
            for record_id, value in sorted(self.all(collection).items()):
                yield StoredRecord(collection, record_id, value)

    def clear(self) -> None:
        """Delete every record (not the signing secret): tests start from an empty store with it."""
        with self._answering():
            self._redis.delete(*(self._key(c) for c in COLLECTIONS))


_stores: dict[str, SecretStore] = {}
_lock = threading.Lock()


def store_url(settings: RedisSettings) -> str:
    """The secret store's Redis: AIDISCOVER_SECRETS_REDIS_URL, else REDIS_URL."""
    return settings.secrets_url or settings.url


def secret_store(settings: RedisSettings) -> SecretStore:
    """The process's store for ``settings`` (one Redis connection pool per URL)."""
    url = store_url(settings)
    with _lock:
        store = _stores.get(url)
        if store is None:
            store = _stores[url] = SecretStore(url)
        return store


def store_of(graph: Graph) -> SecretStore:
    """The store of the deployment ``graph`` belongs to (the Redis it was opened with)."""
    if graph.redis is None:
        raise ConfigError("this Graph was opened without the deployment's Redis; open it with Graph(neo4j, redis)")
    return secret_store(graph.redis)


def to_json(adapter: TypeAdapter[T], value: T) -> str:
    return adapter.dump_json(value).decode()


__all__ = [
    "COLLECTIONS",
    "JWT_SECRET_KEY",
    "PREFIX",
    "Collection",
    "SecretStore",
    "StoredRecord",
    "secret_store",
    "store_of",
    "store_url",
    "to_json",
]
