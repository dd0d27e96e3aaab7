"""Bearer tokens (JWT, HS256): short access tokens, longer refresh tokens, and their signing secret.

The secret comes from ``AIDISCOVER_JWT_SECRET``; when unset, it is kept in the secret store
(``graph.secretstore``; generated on first use, shared by every API process, replaced by
``aidiscover auth rotate-secret``), so tokens survive a restart. A ``<data_dir>/jwt-secret`` file left
by older versions is adopted into the store when the store has none. The secret is never logged.
Tokens carry the user's ``token_version`` (claim ``ver``): a change to the user voids older tokens.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import jwt

from app.api.auth_store import check_role
from app.api.permissions import Role
from core.errors import AuthError, ConfigError
from core.settings import AuthSettings, Settings
from graph.secretstore import secret_store

log = logging.getLogger(__name__)
ALGORITHM = "HS256"
ISSUER = "aidiscover"
SECRET_FILE = "jwt-secret"  # noqa: S105 - a file name: where older versions kept the secret
MIN_SECRET = 32
TokenType = Literal["access", "refresh"]


@dataclass(frozen=True)
class TokenPair:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_in: int = field(metadata={"doc": "Seconds the access token stays valid."})


@dataclass(frozen=True)
class Claims:
    username: str
    role: Role
    type: TokenType
    version: int = 0  # the user's token_version when the token was issued


def load_jwt_secret(settings: Settings) -> str:
    """The signing secret: the setting, else the one in the secret store (created on first use)."""
    if settings.auth.jwt_secret is not None:
        value = settings.auth.jwt_secret.get_secret_value()
        if len(value) < MIN_SECRET:
            raise ConfigError(f"AIDISCOVER_JWT_SECRET must be at least {MIN_SECRET} characters; use a longer one")
        return value
    store = secret_store(settings.redis)
    stored = store.jwt_secret()
    if stored is not None:
        return stored
    legacy = settings.data_dir / SECRET_FILE
    if legacy.is_file():
        return store.create_jwt_secret(read_secret_file(legacy))
    value = store.create_jwt_secret(new_secret())
    log.info("generated a token signing secret in the secret store; set AIDISCOVER_JWT_SECRET to use your own")
    return value


def new_secret() -> str:
    return secrets.token_urlsafe(48)


def rotate_jwt_secret(settings: Settings) -> None:
    """Replace the stored signing secret: every token signed before is refused from then on."""
    if settings.auth.jwt_secret is not None:
        raise ConfigError(
            "the signing secret comes from AIDISCOVER_JWT_SECRET: change that setting (and restart the API) "
            "to rotate it, or unset it to keep the secret in the secret store"
        )
    secret_store(settings.redis).replace_jwt_secret(new_secret())
    log.info("token signing secret replaced; every token issued before is now refused")


def read_secret_file(path: Path) -> str:
    value = path.read_text().strip()
    if len(value) < MIN_SECRET:
        raise ConfigError(f"{path} holds no usable token secret; delete it (a new one is generated) or fix it")
    if path.stat().st_mode & 0o077:
        log.warning("%s is readable by other users; run `chmod 600 %s`", path, path)
    return value


def issue_tokens(secret: str, username: str, role: Role, settings: AuthSettings, version: int = 0) -> TokenPair:
    now = datetime.now(UTC)
    access_ttl = timedelta(minutes=settings.access_token_minutes)
    refresh_ttl = timedelta(days=settings.refresh_token_days)
    return TokenPair(
        access_token=_encode(secret, Claims(username, role, "access", version), now, access_ttl),
        refresh_token=_encode(secret, Claims(username, role, "refresh", version), now, refresh_ttl),
        expires_in=int(access_ttl.total_seconds()),
    )


def _encode(secret: str, token: Claims, now: datetime, ttl: timedelta) -> str:
    claims = {
        "iss": ISSUER,
        "sub": token.username,
        "role": token.role,
        "typ": token.type,
        "ver": token.version,
        "iat": now,
        "exp": now + ttl,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_token(secret: str, token: str, expected: TokenType) -> Claims:
    """Check signature, issuer, expiry and type; AuthError with what to do otherwise."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], issuer=ISSUER, options={"require": ["exp", "sub", "iss"]}
        )
    except jwt.ExpiredSignatureError:
        if expected == "access":
            raise AuthError("the access token expired: get a new one with the refreshToken mutation") from None
        raise AuthError("the refresh token expired: sign in again with the login mutation") from None
    except jwt.InvalidTokenError:
        raise AuthError(
            f"the {expected} token is not valid (malformed, or signed with another secret): sign in again"
        ) from None
    if claims.get("typ") != expected:
        raise AuthError(f"that is not the {expected} token; send the {expected} token from the login mutation")
    try:
        role = check_role(str(claims.get("role")))
    except Exception:
        raise AuthError("the token carries no valid role; sign in again") from None
    version = claims.get("ver", 0)
    if not isinstance(version, int):
        raise AuthError("the token carries no valid version; sign in again")
    return Claims(username=str(claims["sub"]), role=role, type=expected, version=version)
