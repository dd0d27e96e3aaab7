"""GraphQL fields for signing in and managing users and API keys.

login(username, password)        -> tokens            anyone (attempts limited per user and address)
refreshToken(token)              -> tokens            anyone holding a valid refresh token
createApiKey(name, role)         -> the key, ONCE     admin
revokeApiKey(keyId)              -> the key's record  admin, or a key revoking itself
createUser(username, password, role)                  admin
me / apiKeys / users                                  viewer / admin / admin
"""

from __future__ import annotations

import asyncio
from datetime import datetime

import strawberry
from strawberry.types import Info

from app.api import auth_store
from app.api.auth import Authenticator
from app.api.auth_tokens import TokenPair
from app.api.context import Context
from app.api.permissions import IsAdmin, IsViewer, Principal
from core.errors import AuthError, PermissionDenied


@strawberry.type(description="Bearer tokens: send `Authorization: Bearer <accessToken>`; renew with refreshToken.")
class AuthTokens:
    access_token: str
    refresh_token: str
    expires_in: int = strawberry.field(description="Seconds the access token stays valid.")
    token_type: str = "Bearer"  # noqa: S105 - the scheme name, not a secret


@strawberry.type(description="An API key's record (never its secret).")
class ApiKeyInfo:
    key_id: str
    name: str
    role: str
    created_at: datetime | None
    created_by: str
    last_used_at: datetime | None
    revoked: bool


@strawberry.type(description="A key just created. `key` is shown this once: store it now.")
class CreatedApiKey:
    key: str
    api_key: ApiKeyInfo


@strawberry.type(description="A user who signs in with a password.")
class UserInfo:
    username: str
    role: str
    created_at: datetime | None
    disabled: bool


@strawberry.type(description="Who the current request is signed in as.")
class Me:
    name: str
    role: str
    via: str = strawberry.field(description="jwt, api_key or local (AIDISCOVER_AUTH=off).")
    key_id: str | None


def _tokens(pair: TokenPair) -> AuthTokens:
    return AuthTokens(access_token=pair.access_token, refresh_token=pair.refresh_token, expires_in=pair.expires_in)


def _key_info(r: auth_store.ApiKeyRecord) -> ApiKeyInfo:
    return ApiKeyInfo(
        key_id=r.key_id,
        name=r.name,
        role=r.role,
        created_at=r.created_at,
        created_by=r.created_by,
        last_used_at=r.last_used_at,
        revoked=r.revoked,
    )


def _user_info(r: auth_store.UserRecord) -> UserInfo:
    return UserInfo(username=r.username, role=r.role, created_at=r.created_at, disabled=r.disabled)


def _auth(info: Info[Context, None]) -> Authenticator:
    ctx = info.context
    if ctx.authenticator is None:
        if ctx.settings is None:
            raise AuthError("the server has no settings to check credentials with; start it with `aidiscover serve`")
        ctx.authenticator = Authenticator(ctx.graph, ctx.settings)
    return ctx.authenticator


def _principal(info: Info[Context, None]) -> Principal:
    principal = info.context.principal
    if principal is None:  # the permission classes run first; this guards direct calls
        raise AuthError("not signed in: send an API key in the X-API-Key header, or a bearer token")
    return principal


@strawberry.type
class AuthQuery:
    @strawberry.field(description="Who this request is signed in as.", permission_classes=[IsViewer])
    def me(self, info: Info[Context, None]) -> Me:
        p = _principal(info)
        return Me(name=p.name, role=p.role, via=p.via, key_id=p.key_id)

    @strawberry.field(description="Every API key (revoked ones too), oldest first.", permission_classes=[IsAdmin])
    async def api_keys(self, info: Info[Context, None]) -> list[ApiKeyInfo]:
        return [_key_info(r) for r in await asyncio.to_thread(auth_store.list_api_keys, info.context.graph)]

    @strawberry.field(description="Every user, by name.", permission_classes=[IsAdmin])
    async def users(self, info: Info[Context, None]) -> list[UserInfo]:
        return [_user_info(r) for r in await asyncio.to_thread(auth_store.list_users, info.context.graph)]


@strawberry.type
class AuthMutation:
    @strawberry.mutation(description="Sign in: an access token (30 min by default) and a refresh token (7 days).")
    async def login(self, info: Info[Context, None], username: str, password: str) -> AuthTokens:
        pair = await asyncio.to_thread(_auth(info).login, username, password, info.context.client)
        return _tokens(pair)

    @strawberry.mutation(description="New tokens for a refresh token from login (the user's current role).")
    async def refresh_token(self, info: Info[Context, None], token: str) -> AuthTokens:
        return _tokens(await asyncio.to_thread(_auth(info).refresh, token))

    @strawberry.mutation(
        description="Create an API key (role viewer, operator or admin); the key is returned this once.",
        permission_classes=[IsAdmin],
    )
    async def create_api_key(self, info: Info[Context, None], name: str, role: str = "viewer") -> CreatedApiKey:
        ctx = info.context
        rounds = ctx.settings.auth.bcrypt_rounds if ctx.settings else 12
        created = await asyncio.to_thread(
            auth_store.create_api_key, ctx.graph, name, role, _principal(info).name, rounds
        )
        return CreatedApiKey(key=created.key, api_key=_key_info(created.record))

    @strawberry.mutation(
        description="Revoke an API key: admins any key, anyone the key they are calling with.",
        permission_classes=[IsViewer],
    )
    async def revoke_api_key(self, info: Info[Context, None], key_id: str) -> ApiKeyInfo:
        principal = _principal(info)
        if not principal.can("admin") and principal.key_id != key_id:
            raise PermissionDenied(
                f"{principal.name} may only revoke the key it calls with; revoking other keys needs role admin"
            )
        record = await asyncio.to_thread(auth_store.revoke_api_key, info.context.graph, key_id)
        _auth(info).forget_key(key_id)
        return _key_info(record)

    @strawberry.mutation(description="Create a user who signs in with login.", permission_classes=[IsAdmin])
    async def create_user(
        self, info: Info[Context, None], username: str, password: str, role: str = "viewer"
    ) -> UserInfo:
        ctx = info.context
        rounds = ctx.settings.auth.bcrypt_rounds if ctx.settings else 12
        record = await asyncio.to_thread(auth_store.create_user, ctx.graph, username, password, role, rounds)
        return _user_info(record)
