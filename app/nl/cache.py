"""Answers produced by the LLM, cached in Redis by role, normalised question and schema version.

The key is ``aidiscover:nl:answer:<schema version>:<role>:<sha256 of the normalised question>``, so a changed
schema declaration never serves an answer written for the old one, and an answer (with its rows) computed for
one role is never served to another. Redis being down never fails a
question: the cache is skipped with a warning.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from functools import lru_cache

import redis

from graph.schema import SCHEMA, Schema

log = logging.getLogger(__name__)
PREFIX = "aidiscover:nl:answer:"


def normalise_question(question: str) -> str:
    """Case, spacing, Unicode form and trailing punctuation do not make a different question."""
    text = unicodedata.normalize("NFKC", question).lower()
    text = re.sub(r"\s+", " ", text).strip()
    return text.rstrip("?.! ")


@lru_cache(maxsize=4)
def _schema_version(schema: Schema) -> str:
    return hashlib.sha256(repr(schema).encode()).hexdigest()[:16]


def schema_version(schema: Schema = SCHEMA) -> str:
    """A hash of the schema declaration (labels, properties, relationships and their descriptions)."""
    return _schema_version(schema)


def cache_key(question: str, role: str, schema: Schema = SCHEMA) -> str:
    digest = hashlib.sha256(normalise_question(question).encode()).hexdigest()
    return f"{PREFIX}{schema_version(schema)}:{role}:{digest}"


class AnswerCache:
    def __init__(self, client: redis.Redis, ttl: int) -> None:
        self._redis = client
        self.ttl = ttl

    def get(self, question: str, role: str) -> str | None:
        if self.ttl <= 0:
            return None
        try:
            value = self._redis.get(cache_key(question, role))
        except redis.RedisError as exc:
            log.warning("answer cache unavailable (%s); answering without it", exc)
            return None
        return value.decode() if isinstance(value, bytes) else None

    def put(self, question: str, role: str, payload: str) -> None:
        if self.ttl <= 0:
            return
        try:
            self._redis.set(cache_key(question, role), payload, ex=self.ttl)
        except redis.RedisError as exc:
            log.warning("answer cache unavailable (%s); the answer is not cached", exc)
