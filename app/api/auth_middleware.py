"""ASGI middleware in front of /graphql: who is calling, and whether they may call again this minute.

It reads the credentials (app.api.auth), refuses wrong ones with 401, counts the request against the
caller's per-minute limit in Redis (app.api.ratelimit) and refuses with 429 + Retry-After past it.
The principal travels to the GraphQL context in ``scope["aidiscover.principal"]``. Requests without
credentials pass with no principal: protected fields refuse them, ``login`` works.
"""

from __future__ import annotations

import asyncio
import json
import logging

from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.auth import Authenticator
from app.api.error_codes import code_of
from app.api.permissions import Principal
from core.errors import AIDiscoverError, AuthError

log = logging.getLogger(__name__)
PRINCIPAL_KEY = "aidiscover.principal"


def bucket_of(principal: Principal | None, client: str | None) -> str:
    if principal is None:
        return f"ip:{client or 'unknown'}"
    return f"{principal.via}:{principal.key_id or principal.name}"


class AuthMiddleware:
    def __init__(self, app: ASGIApp, authenticator: Authenticator, paths: tuple[str, ...] = ("/graphql",)) -> None:
        self.app = app
        self.auth = authenticator
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope.get("path") not in self.paths:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        client = scope["client"][0] if scope.get("client") else None
        try:
            principal = await asyncio.to_thread(self.auth.from_headers, headers)
        except AIDiscoverError as exc:
            status = 401 if isinstance(exc, AuthError) else 503
            log.info("refused %s request from %s: %s", scope["type"], client, exc)
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 4401 if status == 401 else 1011, "reason": str(exc)})
                return
            extra = [(b"www-authenticate", b'Bearer realm="aidiscover"')] if status == 401 else []
            await _error(send, status, str(exc), code_of(exc), extra)
            return
        scope[PRINCIPAL_KEY] = principal
        limit = self.auth.settings.auth.rate_limit_per_minute
        if scope["type"] == "http" and limit > 0 and (principal is None or principal.via != "local"):
            decision = await asyncio.to_thread(self.auth.limiter.hit, bucket_of(principal, client), limit)
            if not decision.allowed:
                who = principal.name if principal else f"address {client}"
                message = f"{who} sent more than {limit} requests this minute; retry in {decision.retry_after} s"
                extra = [(b"retry-after", str(decision.retry_after).encode()), (b"x-ratelimit-limit", b"%d" % limit)]
                await _error(send, 429, message, "RATE_LIMITED", extra)
                return
        await self.app(scope, receive, send)


async def _error(send: Send, status: int, message: str, code: str, extra: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps({"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body)), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
