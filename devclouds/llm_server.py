"""A local OpenAI-compatible chat server that plays SCRIPTED replies (never a model; no accuracy comes from it).

It speaks the wire format of ``POST /v1/chat/completions``: a JSON completion with ``usage``, or with
``"stream": true`` Server-Sent Events (``data: {chunk}`` lines, a last chunk with ``usage`` when
``stream_options.include_usage`` is set, then ``data: [DONE]``). What it answers is scripted:

- a queue of :class:`Reply` values, consumed one per request (``push``), then
- :class:`Rule` values: the first whose ``contains`` occurs in the last user message answers, then
- ``default`` (an empty answer unless given).

A :class:`Reply` can be a right, wrong, fenced, malicious or malformed answer, an HTTP error (429 with
``Retry-After``, 500, ...) or a delay longer than the client's timeout. Every request body is kept in
``requests`` so tests can read exactly what the client sent (the prompt). ``python -m
devclouds.llm_server --rules rules.json`` serves rules from a file ``[{"contains", "content"}]``.
"""

from __future__ import annotations

import argparse
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reply:
    """One scripted answer. ``status`` other than 200 sends an OpenAI-style error body instead."""

    content: str = ""
    status: int = 200
    retry_after: float | None = None
    delay: float = 0.0
    malformed: bool = False
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


@dataclass(frozen=True)
class Rule:
    """Answers when ``contains`` occurs in the last user message (or equals it, with ``exact``)."""

    contains: str
    reply: Reply
    exact: bool = False


@dataclass
class ScriptedLLMServer:
    """Start with ``start()`` (returns the base URL, ending in /v1) or as a context manager."""

    rules: Sequence[Rule] = ()
    default: Reply = field(default_factory=Reply)
    requests: list[dict[str, object]] = field(default_factory=list)
    _queue: deque[Reply] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    def push(self, *replies: Reply) -> None:
        with self._lock:
            self._queue.extend(replies)

    def reset(self) -> None:
        """Forget queued replies and recorded requests (a server shared by many tests)."""
        with self._lock:
            self._queue.clear()
            self.requests.clear()

    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def next_reply(self, body: dict[str, object]) -> Reply:
        with self._lock:
            self.requests.append(body)
            if self._queue:
                return self._queue.popleft()
        last = _last_user_message(body)
        for rule in self.rules:
            if rule.exact and rule.contains.strip() == last.strip():
                return rule.reply
            if not rule.exact and rule.contains.lower() in last.lower():
                return rule.reply
        return self.default

    def start(self, port: int = 0) -> str:
        handler = type("Handler", (_Handler,), {"script": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="scripted-llm", daemon=True).start()
        return self.url

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the scripted LLM server is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> ScriptedLLMServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _last_user_message(body: dict[str, object]) -> str:
    messages = body.get("messages")
    if isinstance(messages, list):
        for message in reversed(messages):
            if isinstance(message, dict) and message.get("role") == "user":
                content = message.get("content")
                return content if isinstance(content, str) else json.dumps(content)
    return ""


def _prompt_chars(body: dict[str, object]) -> int:
    messages = body.get("messages")
    if not isinstance(messages, list):
        return 0
    return sum(len(str(m.get("content", ""))) for m in messages if isinstance(m, dict))


class _Handler(BaseHTTPRequestHandler):
    script: ScriptedLLMServer

    def log_message(self, format: str, *args: object) -> None:
        log.debug("scripted llm: %s", format % args)

    def do_POST(self) -> None:
        if self.path.rstrip("/") not in {"/v1/chat/completions", "/chat/completions"}:
            self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except json.JSONDecodeError:
            self._json(400, {"error": {"message": "body is not JSON", "type": "invalid_request_error"}})
            return
        reply = self.script.next_reply(body)
        if reply.delay:
            time.sleep(reply.delay)
        if reply.status != 200:
            headers = {"Retry-After": f"{reply.retry_after:g}"} if reply.retry_after is not None else {}
            kind = "rate_limit_exceeded" if reply.status == 429 else "server_error"
            self._json(reply.status, {"error": {"message": f"scripted {reply.status}", "type": kind}}, headers)
            return
        if reply.malformed:
            self._raw(200, b'{"id": "scripted", "choices": [', "application/json")
            return
        prompt = reply.prompt_tokens if reply.prompt_tokens is not None else max(1, _prompt_chars(body) // 4)
        completion = reply.completion_tokens if reply.completion_tokens is not None else len(reply.content) // 4 + 1
        usage = {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
        model = str(body.get("model", "scripted"))
        if body.get("stream"):
            self._stream(reply.content, model, usage, bool((body.get("stream_options") or {}).get("include_usage")))
            return
        self._json(
            200,
            {
                "id": "chatcmpl-scripted",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": reply.content}, "finish_reason": "stop"}
                ],
                "usage": usage,
            },
        )

    def _stream(self, content: str, model: str, usage: dict[str, int], include_usage: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        base = {
            "id": "chatcmpl-scripted",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": model,
        }
        pieces = [content[i : i + 16] for i in range(0, len(content), 16)] or [""]
        for i, piece in enumerate(pieces):
            delta: dict[str, str] = {"content": piece}
            if i == 0:
                delta["role"] = "assistant"
            self._event({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
        self._event({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        if include_usage:
            self._event({**base, "choices": [], "usage": usage})
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()

    def _event(self, payload: dict[str, object]) -> None:
        self.wfile.write(b"data: " + json.dumps(payload).encode() + b"\n\n")
        self.wfile.flush()

    def _json(self, status: int, payload: dict[str, object], headers: dict[str, str] | None = None) -> None:
        self._raw(status, json.dumps(payload).encode(), "application/json", headers)

    def _raw(self, status: int, data: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


def load_rules(path: Path) -> tuple[Rule, ...]:
    """Rules from a JSON list of {"contains": "...", "content": "..."}."""
    items = json.loads(path.read_text())
    return tuple(Rule(str(item["contains"]), Reply(content=str(item["content"]))) for item in items)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="a SCRIPTED OpenAI-compatible chat server (no model behind it)")
    parser.add_argument("--rules", type=Path, required=True, help='JSON list of {"contains", "content"}')
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    server = ScriptedLLMServer(rules=load_rules(args.rules))
    print(server.start(args.port), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
