"""A local Azure Resource Graph: the REST wire format of ``POST /providers/Microsoft.ResourceGraph/resources``.

There is no Azure emulator for Resource Manager, so this server answers the one call discovery makes
from an :class:`~devclouds.azure_estate.AzureEstate`, the way Resource Graph does:

- request ``POST {base}/providers/Microsoft.ResourceGraph/resources?api-version=...`` with a bearer
  token and the body ``{"subscriptions": [...], "query": "<KQL>", "options": {"$top": N,
  "$skipToken": "...", "resultFormat": "objectArray"}}``;
- response ``{"totalRecords", "count", "resultTruncated": "false", "$skipToken" (only when more rows
  follow), "facets": [], "data": [rows]}``.

It also answers the ARM calls discovery makes for what Resource Graph does not index, from
``AzureEstate.arm``: SQL server firewall rules, ``GET {base}{server id}/firewallRules?api-version=...`` ->
``{"value": [rules]}``, and an app's TLS and FTP settings, ``GET {base}{site id}/config/web`` -> the
resource; ``404 ResourceNotFound`` when the server or app is not in the estate, ``403 AuthorizationFailed``
for a path in ``AzureEstate.forbidden`` (the credentials lack the read permission).

Rows are filtered by ``subscriptions`` (case-insensitive; absent or empty: every subscription) and
paged by ``$top`` (default 100, capped at ``max_page_size``, 1000 like Azure) and ``$skipToken`` (an
opaque token bound to the query and subscriptions it was issued for).

The KQL subset understood -- exactly what ingest sends -- is, case-insensitive for keywords and table::

    <Table> [| where type =~ '<type>' | where type in~ ('<type>', ...)] [| order by id asc|desc]

with ``<Table>`` one of ``Resources``, ``ResourceContainers``, ``AuthorizationResources``. Anything else
is answered ``400 {"error": {"code": "BadRequest", "message": ...}}`` as ARM does; a missing bearer
token gets ``401 AuthenticationFailed`` (and, when the server was given a ``token``, any other token
``401 InvalidAuthenticationToken``), another path ``404 NotFound``, ``resultFormat: table`` 400.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from devclouds.azure_estate import AzureEstate, Row

log = logging.getLogger(__name__)

PATH = "/providers/microsoft.resourcegraph/resources"
DEFAULT_TOP = 100
_FIREWALL_RULES = re.compile(
    r"^(?P<server>/subscriptions/[^/]+/resourcegroups/[^/]+/providers/microsoft\.sql/servers/[^/]+)/firewallrules$"
)
_SITE_CONFIG = re.compile(
    r"^(?P<site>/subscriptions/[^/]+/resourcegroups/[^/]+/providers/microsoft\.web/sites/[^/]+)/config/web$"
)

_QUERY = re.compile(
    r"^\s*(?P<table>resources|resourcecontainers|authorizationresources)\s*"
    r"(?:\|\s*where\s+type\s+(?:=~\s*'(?P<eq>[^']*)'|in~\s*\((?P<in>\s*'[^']*'(?:\s*,\s*'[^']*')*\s*)\))\s*)?"
    r"(?:\|\s*order\s+by\s+id\s+(?P<order>asc|desc)\s*)?$",
    re.IGNORECASE,
)


class BadRequest(Exception):  # noqa: N818 - named after the ARM error code it becomes
    """A request the server (like Resource Graph) refuses with 400."""


@dataclass(frozen=True)
class ParsedQuery:
    table: str
    types: frozenset[str] | None
    descending: bool | None


def parse_query(query: str) -> ParsedQuery:
    """Parse the supported KQL subset; raise BadRequest for anything else."""
    match = _QUERY.match(query)
    if not match:
        raise BadRequest(
            f"Query is invalid or not supported by this local Resource Graph: {query[:200]!r}. "
            "Supported: <Resources|ResourceContainers|AuthorizationResources> [| where type =~ '...' | "
            "where type in~ (...)] [| order by id asc|desc]"
        )
    types: frozenset[str] | None = None
    if match["eq"] is not None:
        types = frozenset({match["eq"].lower()})
    elif match["in"] is not None:
        types = frozenset(t.lower() for t in re.findall(r"'([^']*)'", match["in"]))
    order = match["order"]
    return ParsedQuery(match["table"].lower(), types, None if order is None else order.lower() == "desc")


def _token(fingerprint: str, offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"f": fingerprint, "o": offset}).encode()).decode()


def _offset(token: str, fingerprint: str) -> int:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token.encode()))
        offset = int(decoded["o"])
        ok = decoded["f"] == fingerprint and offset >= 0
    except (ValueError, KeyError, TypeError):
        ok, offset = False, 0
    if not ok:
        raise BadRequest("The $skipToken is invalid or was issued for another query or subscription list")
    return offset


def answer(estate: AzureEstate, body: Any, max_page_size: int) -> dict[str, Any]:
    """The response body for one request body; BadRequest when Resource Graph would refuse it."""
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        raise BadRequest("The request content was invalid: 'query' is required")
    subscriptions = body.get("subscriptions") or []
    if not isinstance(subscriptions, list) or not all(isinstance(s, str) for s in subscriptions):
        raise BadRequest("'subscriptions' must be a list of subscription ids")
    options = body.get("options") or {}
    if not isinstance(options, dict):
        raise BadRequest("'options' must be an object")
    if options.get("resultFormat", "objectArray") != "objectArray":
        raise BadRequest("Only resultFormat 'objectArray' is supported by this local Resource Graph")
    top = options.get("$top", DEFAULT_TOP)
    if not isinstance(top, int) or isinstance(top, bool) or top < 1 or top > 1000:
        raise BadRequest("$top must be an integer between 1 and 1000")
    top = min(top, max_page_size)
    parsed = parse_query(body["query"])
    wanted = {s.lower() for s in subscriptions}
    rows: list[Row] = [
        row
        for row in estate.table(parsed.table)
        if (not wanted or str(row.get("subscriptionId", "")).lower() in wanted)
        and (parsed.types is None or str(row.get("type", "")).lower() in parsed.types)
    ]
    if parsed.descending is not None:
        rows.sort(key=lambda r: str(r["id"]).lower(), reverse=parsed.descending)
    fingerprint = hashlib.sha256(json.dumps([body["query"], sorted(wanted)]).encode()).hexdigest()[:16]
    token = options.get("$skipToken")
    offset = _offset(token, fingerprint) if token else 0
    page = rows[offset : offset + top]
    response: dict[str, Any] = {
        "totalRecords": len(rows),
        "count": len(page),
        "resultTruncated": "false",
        "facets": [],
        "data": page,
    }
    if offset + top < len(rows):
        response["$skipToken"] = _token(fingerprint, offset + top)
    return response


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


class AzureResourceGraphServer:
    """Start with ``start()`` or as a context manager; ``url`` is the ``base_url`` to give the SDK.
    ``token``: the only bearer token accepted (default: any non-empty one).

    ``requests`` records the parsed body of every resources call (for tests that prove paging)."""

    def __init__(
        self,
        estate: AzureEstate,
        host: str = "127.0.0.1",
        port: int = 0,
        max_page_size: int = 1000,
        token: str | None = None,
    ) -> None:
        self.estate = estate
        self._token = token
        self.max_page_size = max_page_size
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer((host, port), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None
        self.url = ""

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self._answer(*server.handle(self.path, self.headers.get("Authorization", ""), self._body()))

            def do_GET(self) -> None:
                self._answer(*server.handle_get(self.path, self.headers.get("Authorization", "")))

            def _answer(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("x-ms-request-id", "local")
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> bytes:
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def log_message(self, format: str, *args: Any) -> None:
                log.debug("azure resource graph: %s", format % args)

        return Handler

    def _refused(self, query: str, authorization: str) -> tuple[int, dict[str, Any]] | None:
        """The 400/401 answer ARM gives a request without api-version or a valid bearer token, else None."""
        if not parse_qs(query).get("api-version"):
            return HTTPStatus.BAD_REQUEST, _error(
                "MissingApiVersionParameter", "The api-version query parameter is required"
            )
        if not authorization.lower().startswith("bearer ") or not authorization[7:].strip():
            return HTTPStatus.UNAUTHORIZED, _error(
                "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."
            )
        if self._token is not None and authorization[7:].strip() != self._token:
            return HTTPStatus.UNAUTHORIZED, _error(
                "InvalidAuthenticationToken", "The access token is invalid or has expired."
            )
        return None

    def handle_get(self, raw_path: str, authorization: str) -> tuple[int, dict[str, Any]]:
        """``GET {server}/firewallRules``: the server's rules as ARM lists them; ``GET {site}/config/web``: the
        app's settings."""
        parts = urlsplit(raw_path)
        path = parts.path.rstrip("/").lower()
        rules, config = _FIREWALL_RULES.match(path), _SITE_CONFIG.match(path)
        if rules:
            parent, kind, action = rules["server"], "Microsoft.Sql/servers", "Microsoft.Sql/servers/firewallRules/read"
        elif config:
            parent, kind, action = config["site"], "Microsoft.Web/sites", "Microsoft.Web/sites/config/read"
        else:
            return HTTPStatus.NOT_FOUND, _error("NotFound", f"No route for {parts.path}")
        refused = self._refused(parts.query, authorization)
        if refused is not None:
            return refused
        with self._lock:
            self.requests.append({"GET": path})
            if path in self.estate.forbidden:
                return HTTPStatus.FORBIDDEN, _error(
                    "AuthorizationFailed",
                    f"The client does not have authorization to perform action '{action}' over scope "
                    f"'{parent}' or the scope is invalid. If access was recently granted, please refresh your "
                    "credentials.",
                )
            if not any(str(r["id"]).lower() == parent for r in self.estate.resources):
                name = parent.rsplit("/", 1)[-1]
                return HTTPStatus.NOT_FOUND, _error("ResourceNotFound", f"The Resource '{kind}/{name}' was not found.")
            items = list(self.estate.arm.get(path, []))
            if config:
                return (HTTPStatus.OK, items[0]) if items else (HTTPStatus.NOT_FOUND, _error("NotFound", path))
            return HTTPStatus.OK, {"value": items}

    def handle(self, raw_path: str, authorization: str, raw_body: bytes) -> tuple[int, dict[str, Any]]:
        parts = urlsplit(raw_path)
        if parts.path.rstrip("/").lower() != PATH:
            return HTTPStatus.NOT_FOUND, _error("NotFound", f"No route for {parts.path}; this server answers {PATH}")
        refused = self._refused(parts.query, authorization)
        if refused is not None:
            return refused
        try:
            body = json.loads(raw_body or b"null")
        except ValueError:
            return HTTPStatus.BAD_REQUEST, _error("BadRequest", "The request content was not valid JSON")
        with self._lock:
            self.requests.append(body if isinstance(body, dict) else {})
            try:
                return HTTPStatus.OK, answer(self.estate, body, self.max_page_size)
            except BadRequest as exc:
                return HTTPStatus.BAD_REQUEST, _error("BadRequest", str(exc))

    def start(self) -> str:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="azure-resource-graph", daemon=True
        )
        self._thread.start()
        host, port = self._httpd.server_address[:2]
        self.url = f"http://{host!s}:{port}"
        log.info("local Azure Resource Graph listening on %s", self.url)
        return self.url

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()
        self.url = ""

    def __enter__(self) -> AzureResourceGraphServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
