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

import strawberry
from strawberry.types import Info

from app.api import auth_store
from app.api.auth import Authenticator
from app.api.auth_tokens import TokenPair
from app.api.context import Context
from app.api.permissions import IsAdmin, IsViewer, Principal
from app.api.records import Extra, Shape, derive, to_graphql
from core.errors import AuthError, PermissionDenied

AuthTokens = derive(
    Shape(
        TokenPair,
        name="AuthTokens",
        description="Bearer tokens: send `Authorization: Bearer <accessToken>`; renew with refreshToken.",
        extra={"token_type": Extra(str)},
    )
)
ApiKeyInfo = derive(
    Shape(auth_store.ApiKeyRecord, name="ApiKeyInfo", exclude={"hash": "a hash of the key: never leaves the server"})
)
CreatedApiKey = derive(
    Shape(
        auth_store.NewApiKey,
        name="CreatedApiKey",
        description="A key just created. `key` is shown this once: store it now.",
        rename={"record": "api_key"},
    )
)
UserInfo = derive(
    Shape(
        auth_store.UserRecord,
        name="UserInfo",
        exclude={
            "password_hash": "a hash of the password: never leaves the server",
            "token_version": "internal: tokens of another version are refused",
        },
    )
)
Me = derive(Shape(Principal, name="Me", description="Who the current request is signed in as."))


def _tokens(pair: TokenPair) -> object:
    return to_graphql(pair, token_type="Bearer")  # noqa: S106 - the scheme name, not a secret


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
    @strawberry.field(description="Who this request is signed in as.", permission_classes=[IsViewer], graphql_type=Me)
    def me(self, info: Info[Context, None]) -> object:
        return to_graphql(_principal(info))

    @strawberry.field(
        description="Every API key (revoked ones too), oldest first.",
        permission_classes=[IsAdmin],
        graphql_type=list[ApiKeyInfo],  # type: ignore[valid-type]
    )
    async def api_keys(self, info: Info[Context, None]) -> object:
        return [to_graphql(r) for r in await asyncio.to_thread(auth_store.list_api_keys, info.context.graph)]

    @strawberry.field(
        description="Every user, by name.",
        permission_classes=[IsAdmin],
        graphql_type=list[UserInfo],  # type: ignore[valid-type]
    )
    async def users(self, info: Info[Context, None]) -> object:
        return [to_graphql(r) for r in await asyncio.to_thread(auth_store.list_users, info.context.graph)]


@strawberry.type
class AuthMutation:
    @strawberry.mutation(
        description="Sign in: an access token (30 min by default) and a refresh token (7 days).",
        graphql_type=AuthTokens,
    )
    async def login(self, info: Info[Context, None], username: str, password: str) -> object:
        pair = await asyncio.to_thread(_auth(info).login, username, password, info.context.client)
        return _tokens(pair)

    @strawberry.mutation(
        description="New tokens for a refresh token from login (the user's current role).", graphql_type=AuthTokens
    )
    async def refresh_token(self, info: Info[Context, None], token: str) -> object:
        return _tokens(await asyncio.to_thread(_auth(info).refresh, token))

    @strawberry.mutation(
        description="Create an API key (role viewer, operator or admin); the key is returned this once.",
        permission_classes=[IsAdmin],
        graphql_type=CreatedApiKey,
    )
    async def create_api_key(self, info: Info[Context, None], name: str, role: str = "viewer") -> object:
        ctx = info.context
        rounds = ctx.settings.auth.bcrypt_rounds if ctx.settings else 12
        created = await asyncio.to_thread(
            auth_store.create_api_key, ctx.graph, name, role, _principal(info).name, rounds
        )
        return to_graphql(created)

    @strawberry.mutation(
        description="Revoke an API key: admins any key, anyone the key they are calling with.",
        permission_classes=[IsViewer],
        graphql_type=ApiKeyInfo,
    )
    async def revoke_api_key(self, info: Info[Context, None], key_id: str) -> object:
        principal = _principal(info)
        if not principal.can("admin") and principal.key_id != key_id:
            raise PermissionDenied(
                f"{principal.name} may only revoke the key it calls with; revoking other keys needs role admin"
            )
        record = await asyncio.to_thread(auth_store.revoke_api_key, info.context.graph, key_id)
        _auth(info).forget_key(key_id)
        return to_graphql(record)

    @strawberry.mutation(
        description="Create a user who signs in with login.", permission_classes=[IsAdmin], graphql_type=UserInfo
    )
    async def create_user(
        self, info: Info[Context, None], username: str, password: str, role: str = "viewer"
    ) -> object:
        ctx = info.context
        rounds = ctx.settings.auth.bcrypt_rounds if ctx.settings else 12
        record = await asyncio.to_thread(auth_store.create_user, ctx.graph, username, password, role, rounds)
        return to_graphql(record)
