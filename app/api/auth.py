"""Who is calling: API keys and bearer tokens turned into a :class:`Principal`, and sign-in.

Credentials arrive as ``X-API-Key: aid_<id>_<secret>``, ``Authorization: Bearer <access token>`` (an
API key is accepted as a bearer token too), or, for websocket subscriptions, in the ``connection_init``
payload as ``{"authorization": "Bearer ..."}`` or ``{"apiKey": "..."}``. No credentials at all gives no
principal (protected fields then answer UNAUTHENTICATED); wrong credentials raise :class:`AuthError`.

A verified API key is remembered in this process for ``KEY_CACHE_SECONDS`` so bcrypt does not run on
every request, but its record is read again from the store after ``USER_CACHE_SECONDS``: a key revoked,
re-created or given another role through any process is refused (or changes role) within that time.
A bearer token is checked against the user store on every request (the user read is remembered for
``USER_CACHE_SECONDS``): a deleted or disabled user, a changed role or any change that raised the user's
``token_version`` (password, role, disabled) refuses it. The signing secret is re-read as often, so a
rotation (``aidiscover auth rotate-secret``) reaches every process within that time.
With ``AIDISCOVER_AUTH=off`` every request is the local admin.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass

from app.api import auth_store
from app.api.auth_tokens import Claims, TokenPair, decode_token, issue_tokens, load_jwt_secret
from app.api.permissions import Principal
from app.api.ratelimit import RateLimiter
from core.errors import AuthError, RateLimitedError
from core.settings import AuthSettings, Settings
from graph.neo4j.client import Graph
from graph.secretstore import store_of

log = logging.getLogger(__name__)
KEY_CACHE_SECONDS = 60.0
USER_CACHE_SECONDS = 2.0  # how long a user record and the signing secret read from the store are trusted
LOCAL_ADMIN = Principal("local", "admin", "local")


@dataclass(frozen=True)
class _CachedKey:
    digest: bytes
    principal: Principal
    until: float  # bcrypt's verdict is trusted until then
    hash: str  # the stored hash it was verified against
    checked: float  # when the record was last read from the store


@dataclass(frozen=True)
class _CachedUser:
    user: auth_store.UserRecord | None
    until: float


def key_principal(record: auth_store.ApiKeyRecord) -> Principal:
    return Principal(f"api key {record.name!r} ({record.key_id})", record.role, "api_key", key_id=record.key_id)


class Authenticator:
    """Checks credentials against the users and keys in the secret store; one per API process."""

    def __init__(self, graph: Graph, settings: Settings, limiter: RateLimiter | None = None) -> None:
        self.graph = graph
        self.settings = settings
        self.required = settings.auth.mode == "required"
        self.cache_seconds = USER_CACHE_SECONDS
        self._secret: tuple[str, float] | None = None
        self._keys: dict[str, _CachedKey] = {}
        self._users: dict[str, _CachedUser] = {}
        self._dummy_hash: str | None = None  # checked for unknown users: a wrong name costs a wrong password's time
        self.limiter = limiter or RateLimiter(settings.redis.url)

    @property
    def secret(self) -> str:
        """The signing secret, re-read from the store every ``cache_seconds`` (rotations reach every process)."""
        now = time.monotonic()
        if self._secret is None or self._secret[1] <= now:
            self._secret = (load_jwt_secret(self.settings), now + self.cache_seconds)
        return self._secret[0]

    def _user(self, username: str) -> auth_store.UserRecord | None:
        now = time.monotonic()
        cached = self._users.get(username)
        if cached is None or cached.until <= now:
            if len(self._users) > 10_000:
                self._users.clear()
            cached = self._users[username] = _CachedUser(
                auth_store.get_user(self.graph, username), now + self.cache_seconds
            )
        return cached.user

    def forget_user(self, username: str) -> None:
        self._users.pop(username, None)

    def _current(self, claims: Claims) -> auth_store.UserRecord:
        """The user a verified token names, as stored now; AuthError when the token no longer speaks for them."""
        user = self._user(claims.username)
        if user is None:
            raise AuthError(f"user {claims.username!r} does not exist (any more); sign in as an existing user")
        if user.disabled:
            raise AuthError(f"user {claims.username!r} is disabled; ask an admin")
        if user.token_version != claims.version:
            raise AuthError(
                f"the {claims.type} token of {claims.username!r} predates a change to the user (password, role or "
                "state); sign in again"
            )
        return user

    # --- credentials -> principal ---------------------------------------------------------------

    def from_headers(self, headers: Mapping[str, str]) -> Principal | None:
        """The principal of an HTTP request (header names lower-case), None without credentials."""
        if not self.required:
            return LOCAL_ADMIN
        api_key = headers.get("x-api-key")
        if api_key:
            return self.api_key(api_key)
        authorization = headers.get("authorization")
        if authorization:
            return self.bearer(authorization)
        return None

    def from_connection_params(self, params: Mapping[str, object] | None) -> Principal | None:
        """The principal of a websocket from its ``connection_init`` payload."""
        if not self.required:
            return LOCAL_ADMIN
        params = params or {}
        api_key = params.get("apiKey") or params.get("x-api-key")
        if isinstance(api_key, str) and api_key:
            return self.api_key(api_key)
        authorization = params.get("authorization") or params.get("Authorization")
        if isinstance(authorization, str) and authorization:
            return self.bearer(authorization)
        return None

    def bearer(self, authorization: str) -> Principal:
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise AuthError("the Authorization header must read `Bearer <token>`; get a token from the login mutation")
        if token.startswith(auth_store.KEY_PREFIX):
            return self.api_key(token)
        claims = decode_token(self.secret, token, "access")
        user = self._current(claims)
        if user.role != claims.role:
            raise AuthError(f"the role of {claims.username!r} changed to {user.role}; sign in again")
        return Principal(user.username, user.role, "jwt")

    def api_key(self, key: str) -> Principal:
        key_id, secret = auth_store.parse_api_key(key)
        digest = hashlib.sha256(key.strip().encode()).digest()
        now = time.monotonic()
        cached = self._keys.get(key_id)
        if cached and cached.until > now and hmac.compare_digest(cached.digest, digest):
            if now - cached.checked < USER_CACHE_SECONDS:
                return cached.principal
            current = auth_store.get_api_key(self.graph, key_id)
            if current is not None and not current.revoked and current.hash == cached.hash:
                principal = key_principal(current)
                self._keys[key_id] = _CachedKey(digest, principal, cached.until, current.hash, now)
                return principal
            self.forget_key(key_id)
        record = auth_store.get_api_key(self.graph, key_id)
        if record is None or not auth_store.check_secret(secret, record.hash):
            raise AuthError(f"API key {key_id} is not valid; check it, or ask an admin for a new one")
        if record.revoked:
            raise AuthError(f"API key {key_id} ({record.name}) was revoked; ask an admin for a new one")
        auth_store.touch_api_key(self.graph, key_id)
        principal = key_principal(record)
        self._keys[key_id] = _CachedKey(digest, principal, now + KEY_CACHE_SECONDS, record.hash, now)
        return principal

    def forget_key(self, key_id: str) -> None:
        self._keys.pop(key_id, None)

    # --- sign-in ----------------------------------------------------------------------------------

    def login(self, username: str, password: str, client: str | None) -> TokenPair:
        """Tokens for a right username and password; attempts are limited per username and address."""
        limit = self.settings.auth.login_attempts_per_minute
        buckets = [f"login:ip:{client or 'unknown'}"]
        valid_name = _is_username(username)
        if valid_name:
            buckets.append(f"login:user:{username}")
        for bucket in buckets:
            decision = self.limiter.hit(bucket, limit)
            if not decision.allowed:
                raise RateLimitedError(
                    f"too many login attempts ({limit} a minute); retry in {decision.retry_after} s",
                    decision.retry_after,
                )
        user = auth_store.get_user(self.graph, username) if valid_name else None
        if user is None and self._dummy_hash is None:
            self._dummy_hash = auth_store.hash_secret("not a password of anybody", self.settings.auth.bcrypt_rounds)
        ok = auth_store.check_secret(password, user.password_hash if user else self._dummy_hash or "")
        if user is None or not ok:
            log.info("failed login for %r from %s", username[:64], client)
            raise AuthError("wrong username or password; try again, or ask an admin to create your user")
        if user.disabled:
            raise AuthError(f"user {username!r} is disabled; ask an admin")
        self.limiter.reset(f"login:user:{username}")
        self.forget_user(username)
        return issue_tokens(self.secret, user.username, user.role, self.settings.auth, user.token_version)

    def refresh(self, refresh_token: str) -> TokenPair:
        """New tokens for a valid refresh token of a user who still exists, is enabled and was not changed."""
        claims = decode_token(self.secret, refresh_token, "refresh")
        self.forget_user(claims.username)
        user = self._current(claims)
        return issue_tokens(self.secret, user.username, user.role, self.settings.auth, user.token_version)


def _is_username(name: str) -> bool:
    try:
        auth_store.check_username(name)
    except Exception:
        return False
    return True


def startup_hint(graph: Graph) -> str | None:
    """What to do when nobody can sign in yet (no active API key and no user), else None."""
    if store_of(graph).count("users") == 0 and not any(not k.revoked for k in auth_store.list_api_keys(graph)):
        return "no API keys or users yet: create one with `aidiscover apikeys create --name me --role admin`"
    return None


def ensure_demo_api_key(graph: Graph, settings: AuthSettings) -> str:
    """A fresh admin API key named ``demo`` for `make demo` to print; older demo keys are revoked
    (their secrets cannot be shown again)."""
    for record in auth_store.list_api_keys(graph):
        if record.name == "demo" and not record.revoked:
            auth_store.revoke_api_key(graph, record.key_id)
    created = auth_store.create_api_key(graph, "demo", "admin", "demo", settings.bcrypt_rounds)
    return created.key
