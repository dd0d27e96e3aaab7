"""Users and API keys, kept in the secret store (``graph.secretstore``), never in the resource graph.

Passwords and key secrets are stored only as bcrypt hashes. An API key reads ``aid_<key_id>_<secret>``:
the key id finds the record, bcrypt checks the secret. A user's ``token_version`` is drawn at random when
the user is created and grows with every change (password, role, disabled); tokens carry it, so a change,
or deleting and re-creating the user, makes older tokens void. Functions
take the ``Graph`` of the deployment and find its store from the same settings. Every function here is
synchronous (bcrypt and Redis block); the API calls them in a worker thread.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import bcrypt
from pydantic import TypeAdapter

from app.api.permissions import ROLES, Role
from core.errors import AlreadyExistsError, AuthError, NotFoundError, QueryInputError
from graph.neo4j.client import Graph
from graph.secretstore import store_of, to_json

KEY_PREFIX = "aid_"
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_KEY_ID = re.compile(r"^[0-9a-f]{16}$")
MIN_PASSWORD = 8
MAX_SECRET_BYTES = 72  # bcrypt reads no further


@dataclass(frozen=True)
class UserRecord:
    """A user who signs in with a password."""

    username: str
    role: Role
    created_at: datetime | None
    disabled: bool
    password_hash: str = field(repr=False, default="")
    # random at creation (a user re-created under the same name gets another), +1 with every change to the
    # user; tokens carry it, and a token with another version is refused
    token_version: int = 0


@dataclass(frozen=True)
class ApiKeyRecord:
    """An API key's record (never its secret)."""

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

USER_JSON = TypeAdapter(UserRecord)
KEY_JSON = TypeAdapter(ApiKeyRecord)


def _exists(username: str) -> AlreadyExistsError:
    return AlreadyExistsError(f"user {username!r} exists already; pick another name or remove it first")


def _no_user(username: str) -> NotFoundError:
    return NotFoundError(f"no user {username!r}; `aidiscover users list` shows who exists")


def create_user(graph: Graph, username: str, password: str, role: str, rounds: int) -> UserRecord:
    check_username(username)
    check_password(password)
    record = UserRecord(
        username=username,
        role=check_role(role),
        created_at=datetime.now(UTC),
        disabled=False,
        password_hash=hash_secret(password, rounds),
        token_version=secrets.randbelow(2**31),
    )
    if not store_of(graph).create("users", username, to_json(USER_JSON, record)):
        raise _exists(username)
    return record


def import_user(graph: Graph, record: UserRecord) -> bool:
    """Store ``record`` as it is (hash included) unless the user exists; whether it was stored."""
    return store_of(graph).create("users", record.username, to_json(USER_JSON, record))


def get_user(graph: Graph, username: str) -> UserRecord | None:
    value = store_of(graph).get("users", username)
    return USER_JSON.validate_json(value) if value is not None else None


def list_users(graph: Graph) -> list[UserRecord]:
    users = [USER_JSON.validate_json(v) for v in store_of(graph).all("users").values()]
    return sorted(users, key=lambda u: u.username)


def remove_user(graph: Graph, username: str) -> None:
    if not store_of(graph).delete("users", username):
        raise _no_user(username)


def update_user(
    graph: Graph,
    username: str,
    *,
    role: str | None = None,
    password: str | None = None,
    disabled: bool | None = None,
    rounds: int = 12,
) -> UserRecord:
    """Change a user's role, password or disabled flag; every token issued to the user before is void."""
    new_role = check_role(role) if role is not None else None
    new_hash = hash_secret(check_password(password), rounds) if password is not None else None

    def change(old: str) -> str:
        user = USER_JSON.validate_json(old)
        user = replace(
            user,
            role=new_role or user.role,
            password_hash=new_hash or user.password_hash,
            disabled=user.disabled if disabled is None else disabled,
            token_version=user.token_version + 1,
        )
        return to_json(USER_JSON, user)

    value = store_of(graph).update("users", username, change)
    if value is None:
        raise _no_user(username)
    return USER_JSON.validate_json(value)


# --- API keys ------------------------------------------------------------------------------------


def create_api_key(graph: Graph, name: str, role: str, created_by: str, rounds: int) -> NewApiKey:
    name = name.strip()
    if not 1 <= len(name) <= 64:
        raise QueryInputError("an API key needs a name of 1 to 64 characters saying what it is for")
    check_role(role)
    store = store_of(graph)
    while True:
        key_id = secrets.token_hex(8)
        secret = secrets.token_urlsafe(32)
        record = ApiKeyRecord(
            key_id=key_id,
            name=name,
            role=check_role(role),
            created_at=datetime.now(UTC),
            created_by=created_by,
            last_used_at=None,
            revoked=False,
            hash=hash_secret(secret, rounds),
        )
        if store.create("apikeys", key_id, to_json(KEY_JSON, record)):  # a taken id (1 in 2^64) draws again
            return NewApiKey(key=f"{KEY_PREFIX}{key_id}_{secret}", record=record)


def import_api_key(graph: Graph, record: ApiKeyRecord) -> bool:
    """Store ``record`` as it is (hash included) unless the key id exists; whether it was stored."""
    return store_of(graph).create("apikeys", record.key_id, to_json(KEY_JSON, record))


def get_api_key(graph: Graph, key_id: str) -> ApiKeyRecord | None:
    value = store_of(graph).get("apikeys", key_id)
    return KEY_JSON.validate_json(value) if value is not None else None


def list_api_keys(graph: Graph) -> list[ApiKeyRecord]:
    keys = [KEY_JSON.validate_json(v) for v in store_of(graph).all("apikeys").values()]
    return sorted(keys, key=lambda k: (k.created_at or datetime.min.replace(tzinfo=UTC), k.key_id))


def _change_key(graph: Graph, key_id: str, **changes: object) -> ApiKeyRecord | None:
    def change(old: str) -> str:
        return to_json(KEY_JSON, replace(KEY_JSON.validate_json(old), **changes))  # type: ignore[arg-type]

    value = store_of(graph).update("apikeys", key_id, change)
    return KEY_JSON.validate_json(value) if value is not None else None


def revoke_api_key(graph: Graph, key_id: str) -> ApiKeyRecord:
    record = _change_key(graph, key_id, revoked=True)
    if record is None:
        raise NotFoundError(f"no API key {key_id!r}; `aidiscover apikeys list` shows the key ids")
    return record


def touch_api_key(graph: Graph, key_id: str) -> None:
    _change_key(graph, key_id, last_used_at=datetime.now(UTC))
