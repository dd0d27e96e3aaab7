"""A fault-injecting HTTP proxy in front of a moto server, for failure tests.

It forwards every request unchanged, except those a :class:`FaultRule` matches (by service and
region, read from the SigV4 ``Authorization`` header, and optionally by a substring of the body,
e.g. ``Action=DescribeSecurityGroups`` or a role ARN). A matched request is answered the way AWS
answers: an AccessDenied / throttling error in the service's protocol (EC2's XML, the query
protocol's ``ErrorResponse``, or JSON with ``__type``), a dropped connection (an unreachable
endpoint), or a delay of ``delay`` seconds before the request is forwarded (a slow API). Point
``AWS_ENDPOINT_URL`` at ``proxy.url``: discovery code cannot tell.
"""

from __future__ import annotations

import http.client
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

Fault = Literal["deny", "throttle", "drop", "delay"]
_CREDENTIAL = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request")


@dataclass
class FaultRule:
    """Inject ``fault`` into requests for ``service`` (and ``region``, and ``body_contains``) — every
    ``every``-th matching request (1: all of them)."""

    fault: Fault
    service: str | None = None
    region: str | None = None
    body_contains: str | None = None
    every: int = 1
    delay: float = 0.0
    seen: int = field(default=0, init=False)
    injected: int = field(default=0, init=False)

    def matches(self, service: str, region: str, body: bytes) -> bool:
        if self.service and self.service != service:
            return False
        if self.region and self.region != region:
            return False
        return not (self.body_contains and self.body_contains.encode() not in body)


def _error(service: str, content_type: str, fault: Fault) -> tuple[int, str, bytes]:
    if fault == "deny":
        code, status, message = "AccessDenied", 403, "User is not authorized to perform this operation"
        if service == "ec2":
            code = "UnauthorizedOperation"
    else:
        code, status, message = "Throttling", 400, "Rate exceeded"
        if service == "ec2":
            code, status = "RequestLimitExceeded", 503
    if "json" in content_type:
        body = f'{{"__type": "{code}", "message": "{message}"}}'
        return status, "application/x-amz-json-1.1", body.encode()
    if service == "ec2":
        xml = (
            f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
            "<RequestID>fault-proxy</RequestID></Response>"
        )
    else:
        xml = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
            "<RequestId>fault-proxy</RequestId></ErrorResponse>"
        )
    return status, "text/xml", xml.encode()


class FaultProxy:
    """Start with ``start()``; ``rules`` may be changed between requests."""

    def __init__(self, upstream: str, rules: list[FaultRule] | None = None) -> None:
        parts = urlsplit(upstream)
        self.upstream_host = parts.hostname or "127.0.0.1"
        self.upstream_port = parts.port or 80
        self.rules = rules or []
        self.url = ""
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def _pick(self, service: str, region: str, body: bytes) -> FaultRule | None:
        with self._lock:
            for rule in self.rules:
                if rule.matches(service, region, body):
                    rule.seen += 1
                    if rule.seen % rule.every == 0:
                        rule.injected += 1
                        return rule
        return None

    def start(self) -> str:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                log.debug("fault proxy: %s", format % args)

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                match = _CREDENTIAL.search(self.headers.get("Authorization", ""))
                region, service = (match.group(1), match.group(2)) if match else ("", "")
                rule = proxy._pick(service, region, body)
                fault = rule.fault if rule else None
                if rule and fault == "delay":
                    time.sleep(rule.delay)
                    fault = None
                if fault == "drop":
                    self.close_connection = True
                    self.connection.close()
                    return
                if fault:
                    status, ctype, payload = _error(service, self.headers.get("Content-Type", ""), fault)
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                upstream = http.client.HTTPConnection(proxy.upstream_host, proxy.upstream_port, timeout=60)
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in {"connection"}}
                    upstream.request(self.command, self.path, body=body, headers=headers)
                    response = upstream.getresponse()
                    payload = response.read()
                    self.send_response(response.status)
                    for key, value in response.getheaders():
                        if key.lower() not in {"transfer-encoding", "connection", "content-length"}:
                            self.send_header(key, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                finally:
                    upstream.close()

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle  # noqa: N815 - http.server's names

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        host, port = self._server.server_address[:2]
        self.url = f"http://{host!s}:{port}"
        return self.url

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
