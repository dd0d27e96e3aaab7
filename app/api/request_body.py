"""What /graphql accepts as a request body, refused with a JSON error and a code otherwise.

    larger than AIDISCOVER_MAX_BODY_BYTES                413  BODY_TOO_LARGE
    a content type other than application/json           415  UNSUPPORTED_MEDIA_TYPE
    bytes that are not UTF-8                             400  BAD_ENCODING
    arrays or objects nested past AIDISCOVER_MAX_JSON_DEPTH  400  JSON_TOO_DEEP
    anything else that is not JSON                       400  BAD_JSON

The size is checked while the body streams in (``BodyLimitMiddleware``), before anything parses it.
The depth is checked on the text, without recursion, before the JSON parser sees it: Python's parser
recurses once per level, so a body nested 100,000 deep would otherwise end in a RecursionError.
"""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.errors import RequestBodyError

__all__ = ["BodyLimitMiddleware", "check_content_type", "decode_json", "error_body", "json_depth_exceeds"]

_SPECIAL = re.compile(rb'["\[\]{}]')  # a string starts, or a bracket
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)  # a whole JSON string, escapes included
_OPEN = frozenset(b"[{")
_QUOTE = ord('"')


def error_body(message: str, code: str) -> bytes:
    """The GraphQL-shaped JSON body every refusal carries."""
    return json.dumps({"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}).encode()


def json_depth_exceeds(data: bytes, max_depth: int) -> bool:
    """Whether arrays and objects in ``data`` nest deeper than ``max_depth``; stops at the first level past it."""
    depth = 0
    pos = 0
    while (found := _SPECIAL.search(data, pos)) is not None:
        char = data[found.start()]
        if char == _QUOTE:  # skip the string: brackets in it are text
            string = _STRING.match(data, found.start())
            if string is None:  # unterminated: not JSON, which the parser reports
                return False
            pos = string.end()
            continue
        depth += 1 if char in _OPEN else -1
        if depth > max_depth:
            return True
        pos = found.end()
    return False


def decode_json(data: str | bytes, max_depth: int) -> object:
    """The JSON value of a request body (or a query-string parameter), or RequestBodyError saying why not."""
    raw = data.encode() if isinstance(data, str) else data
    try:
        text = raw.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise RequestBodyError(
            f"the request body is not UTF-8 (bad byte at offset {exc.start}); send JSON encoded as UTF-8",
            "BAD_ENCODING",
        ) from None
    if json_depth_exceeds(raw, max_depth):
        raise RequestBodyError(
            f"the request's JSON nests arrays or objects more than {max_depth} levels deep; flatten the variables",
            "JSON_TOO_DEEP",
        )
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise RequestBodyError(
            f"the request body is not valid JSON ({exc}); send "
            '{"query": "...", "variables": {...}} with Content-Type: application/json',
            "BAD_JSON",
        ) from None


def check_content_type(content_type: str) -> None:
    """A POST body must be JSON in UTF-8 (``application/json``, optionally ``; charset=utf-8``)."""
    media, _, params = content_type.partition(";")
    charset = ""
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    if media.strip().lower() != "application/json" or charset not in ("", "utf-8", "utf8"):
        shown = content_type[:80] or "none"
        raise RequestBodyError(
            f"the request's content type is {shown}; POST /graphql takes Content-Type: application/json",
            "UNSUPPORTED_MEDIA_TYPE",
            415,
        )


class BodyLimitMiddleware:
    """Reads the body of requests to ``paths`` up to ``max_bytes`` and answers 413 past it; the body is then
    handed on as one message, so nothing later reads more than the limit."""

    def __init__(self, app: ASGIApp, max_bytes: int, paths: tuple[str, ...] = ("/graphql",)) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") not in self.paths or scope.get("method") in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", ())).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large(send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, send: Send) -> None:
        body = error_body(
            f"the request body is larger than {self.max_bytes} bytes (AIDISCOVER_MAX_BODY_BYTES); send a smaller one",
            "BODY_TOO_LARGE",
        )
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", b"%d" % len(body)),
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
