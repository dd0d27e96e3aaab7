"""Users and API keys kept in Neo4j (labels ``User`` and ``ApiKey``, declared in graph/schema/auth.py).

Passwords and key secrets are stored only as bcrypt hashes. An API key reads ``aid_<key_id>_<secret>``:
the key id finds the node, bcrypt checks the secret. Every function here is synchronous (bcrypt and the
driver block); the API calls them in a worker thread.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import bcrypt
import neo4j

from app.api.permissions import ROLES, Role
from app.errors import AlreadyExistsError, AuthError, NotFoundError, QueryInputError
from graph.neo4j.client import Graph

KEY_PREFIX = "aid_"
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_KEY_ID = re.compile(r"^[0-9a-f]{16}$")
MIN_PASSWORD = 8
MAX_SECRET_BYTES = 72  # bcrypt reads no further


@dataclass(frozen=True)
class UserRecord:
    username: str
    role: Role
    created_at: datetime | None
    disabled: bool
    password_hash: str = field(repr=False, default="")


@dataclass(frozen=True)
class ApiKeyRecord:
    key_id: str
    name: str
    role: Role
    created_at: datetime | None
    created_by: str
    last_used_at: datetime | None
    revoked: bool
    hash: str = field(repr=False, default="")


@dataclass(frozen=True)
class NewApiKey:
    """A key just created: ``key`` is the only time the full secret exists outside the caller's hands."""

    key: str = field(repr=False)
    record: ApiKeyRecord


# --- checks and hashing ------------------------------------------------------------------------


def check_role(role: str) -> Role:
    if role not in ROLES:
        raise QueryInputError(f"role {role!r} is not one of {', '.join(ROLES)}; pick one of them")
    return role


def check_username(username: str) -> str:
    if not _USERNAME.match(username):
        raise QueryInputError(
            f"username {username[:80]!r} is not allowed: use 1-64 letters, digits, '.', '_', '@' or '-', "
            "starting with a letter or digit"
        )
    return username


def check_password(password: str) -> str:
    size = len(password.encode())
    if len(password) < MIN_PASSWORD or size > MAX_SECRET_BYTES:
        raise QueryInputError(
            f"the password must be {MIN_PASSWORD} to {MAX_SECRET_BYTES} bytes long (got {size}); choose another"
        )
    return password


def hash_secret(secret: str, rounds: int) -> str:
    return bcrypt.hashpw(secret.encode(), bcrypt.gensalt(rounds=rounds)).decode()


def check_secret(secret: str, hashed: str) -> bool:
    data = secret.encode()
    if len(data) > MAX_SECRET_BYTES or not hashed:
        return False
    try:
        return bcrypt.checkpw(data, hashed.encode())
    except ValueError:  # a malformed stored hash refuses, it does not crash the request
        return False


def parse_api_key(key: str) -> tuple[str, str]:
    """Split ``aid_<key_id>_<secret>`` into (key_id, secret); AuthError when it does not look like a key."""
    parts = key.strip().split("_", 2)
    if len(parts) != 3 or f"{parts[0]}_" != KEY_PREFIX or not _KEY_ID.match(parts[1]) or not parts[2]:
        raise AuthError("the API key is malformed: keys look like aid_<key id>_<secret>; copy the whole key")
    return parts[1], parts[2]


# --- users ---------------------------------------------------------------------------------------


def _native(value: Any) -> datetime | None:
    if isinstance(value, neo4j.time.DateTime):
        return value.to_native()
    return value if isinstance(value, datetime) else None


def _user(node: Any) -> UserRecord:
    return UserRecord(
        username=str(node["username"]),
        role=check_role(str(node["role"])),
        created_at=_native(node.get("created_at")),
        disabled=bool(node.get("disabled", False)),
        password_hash=str(node.get("password_hash") or ""),
    )


def create_user(graph: Graph, username: str, password: str, role: str, rounds: int) -> UserRecord:
    check_username(username)
    check_role(role)
    check_password(password)
    props = {
        "id": username,
        "username": username,
        "role": role,
        "password_hash": hash_secret(password, rounds),
        "created_at": datetime.now(UTC),
        "disabled": False,
    }
    rows = graph.read("MATCH (u:User {id: $id}) RETURN u", {"id": username})
    if rows:
        raise AlreadyExistsError(f"user {username!r} exists already; pick another name or remove it first")
    summary = graph.write("MERGE (u:User {id: $id}) ON CREATE SET u += $props", {"id": username, "props": props})
    if summary.counters.nodes_created != 1:
        raise AlreadyExistsError(f"user {username!r} exists already; pick another name or remove it first")
    return _user(props)


def get_user(graph: Graph, username: str) -> UserRecord | None:
    rows = graph.read("MATCH (u:User {id: $id}) RETURN u", {"id": username})
    return _user(rows[0]["u"]) if rows else None


def list_users(graph: Graph) -> list[UserRecord]:
    return [_user(r["u"]) for r in graph.read("MATCH (u:User) RETURN u ORDER BY u.id")]


def remove_user(graph: Graph, username: str) -> None:
    summary = graph.write("MATCH (u:User {id: $id}) DETACH DELETE u", {"id": username})
    if summary.counters.nodes_deleted == 0:
        raise NotFoundError(f"no user {username!r}; `aidiscover users list` shows who exists")


# --- API keys ------------------------------------------------------------------------------------


def _key(node: Any) -> ApiKeyRecord:
    return ApiKeyRecord(
        key_id=str(node["key_id"]),
        name=str(node.get("name") or ""),
        role=check_role(str(node["role"])),
        created_at=_native(node.get("created_at")),
        created_by=str(node.get("created_by") or ""),
        last_used_at=_native(node.get("last_used_at")),
        revoked=bool(node.get("revoked", False)),
        hash=str(node.get("hash") or ""),
    )


def create_api_key(graph: Graph, name: str, role: str, created_by: str, rounds: int) -> NewApiKey:
    name = name.strip()
    if not 1 <= len(name) <= 64:
        raise QueryInputError("an API key needs a name of 1 to 64 characters saying what it is for")
    check_role(role)
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    props = {
        "id": key_id,
        "key_id": key_id,
        "name": name,
        "role": role,
        "hash": hash_secret(secret, rounds),
        "created_at": datetime.now(UTC),
        "created_by": created_by,
        "revoked": False,
    }
    graph.write("CREATE (k:ApiKey) SET k = $props", {"props": props})
    return NewApiKey(key=f"{KEY_PREFIX}{key_id}_{secret}", record=_key(props))


def get_api_key(graph: Graph, key_id: str) -> ApiKeyRecord | None:
    rows = graph.read("MATCH (k:ApiKey {id: $id}) RETURN k", {"id": key_id})
    return _key(rows[0]["k"]) if rows else None


def list_api_keys(graph: Graph) -> list[ApiKeyRecord]:
    return [_key(r["k"]) for r in graph.read("MATCH (k:ApiKey) RETURN k ORDER BY k.created_at, k.id")]


def revoke_api_key(graph: Graph, key_id: str) -> ApiKeyRecord:
    rows = graph.read("MATCH (k:ApiKey {id: $id}) RETURN k", {"id": key_id})
    if not rows:
        raise NotFoundError(f"no API key {key_id!r}; `aidiscover apikeys list` shows the key ids")
    graph.write("MATCH (k:ApiKey {id: $id}) SET k.revoked = true", {"id": key_id})
    record = _key(rows[0]["k"])
    return ApiKeyRecord(**{**record.__dict__, "revoked": True})


def touch_api_key(graph: Graph, key_id: str) -> None:
    graph.write("MATCH (k:ApiKey {id: $id}) SET k.last_used_at = $now", {"id": key_id, "now": datetime.now(UTC)})
