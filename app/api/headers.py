"""Security headers on every HTTP response, and CORS only when origins are configured.

The Content-Security-Policy allows same-origin content only, plus inline style (cytoscape.js and React set
style attributes) and data: images and fonts (GraphiQL's bundled fonts, the viewer's icons). Every script,
GraphiQL's included, is a file under /static: no inline script and no other origin.
Strict-Transport-Security is only sent on https requests (it would lock a plain-http laptop out).
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.settings import ApiSettings

_BASE_CSP = (
    "default-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
CSP = f"{_BASE_CSP}; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self' data:"
HSTS = "max-age=31536000; includeSubDomains"
COMMON: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)


class SecurityHeaders:
    """Pure ASGI middleware: adds the headers when the response starts (streaming stays streaming)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = [*COMMON, (b"content-security-policy", CSP.encode())]
                if https:
                    extra.append((b"strict-transport-security", HSTS.encode()))
                headers += [(name, value) for name, value in extra if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def security_middleware(settings: ApiSettings) -> list[Middleware]:
    """The middleware stack's outer layers: headers always, CORS when AIDISCOVER_CORS_ORIGINS is set."""
    stack = [Middleware(SecurityHeaders)]
    if settings.cors_origins:
        stack.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["Authorization", "Content-Type", "X-API-Key"],
                expose_headers=["Retry-After"],
                max_age=600,
            )
        )
    return stack
