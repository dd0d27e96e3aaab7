"""Bearer tokens (JWT, HS256): short access tokens, longer refresh tokens, and their signing secret.

The secret comes from ``AIDISCOVER_JWT_SECRET``; when unset, one is generated once into
``<data_dir>/jwt-secret`` (mode 0600) and reused, so tokens survive a restart. It is never logged.
"""

from __future__ import annotations

import logging
import os
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import jwt

from app.api.auth_store import check_role
from app.api.permissions import Role
from app.errors import AuthError, ConfigError
from app.settings import Settings

log = logging.getLogger(__name__)
ALGORITHM = "HS256"
ISSUER = "aidiscover"
SECRET_FILE = "jwt-secret"  # noqa: S105 - a file name
MIN_SECRET = 32
TokenType = Literal["access", "refresh"]


@dataclass(frozen=True)
class TokenPair:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_in: int  # seconds the access token stays valid


@dataclass(frozen=True)
class Claims:
    username: str
    role: Role
    type: TokenType


def load_jwt_secret(settings: Settings) -> str:
    """The signing secret: the setting, else the one kept in the data dir (created on first use)."""
    if settings.jwt_secret is not None:
        value = settings.jwt_secret.get_secret_value()
        if len(value) < MIN_SECRET:
            raise ConfigError(f"AIDISCOVER_JWT_SECRET must be at least {MIN_SECRET} characters; use a longer one")
        return value
    path = settings.data_dir / SECRET_FILE
    if path.exists():
        return _read_secret(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it meanwhile
        return _read_secret(path)
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_urlsafe(48))
    log.info("generated a token signing secret in %s (mode 0600); set AIDISCOVER_JWT_SECRET to use your own", path)
    return _read_secret(path)


def _read_secret(path: Path) -> str:
    value = path.read_text().strip()
    if len(value) < MIN_SECRET:
        raise ConfigError(f"{path} holds no usable token secret; delete it (a new one is generated) or fix it")
    if path.stat().st_mode & 0o077:
        log.warning("%s is readable by other users; run `chmod 600 %s`", path, path)
    return value


def issue_tokens(secret: str, username: str, role: Role, settings: Settings) -> TokenPair:
    now = datetime.now(UTC)
    access_ttl = timedelta(minutes=settings.access_token_minutes)
    refresh_ttl = timedelta(days=settings.refresh_token_days)
    return TokenPair(
        access_token=_encode(secret, username, role, "access", now, access_ttl),
        refresh_token=_encode(secret, username, role, "refresh", now, refresh_ttl),
        expires_in=int(access_ttl.total_seconds()),
    )


def _encode(secret: str, username: str, role: Role, type_: TokenType, now: datetime, ttl: timedelta) -> str:
    claims = {
        "iss": ISSUER,
        "sub": username,
        "role": role,
        "typ": type_,
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
    return Claims(username=str(claims["sub"]), role=role, type=expected)
