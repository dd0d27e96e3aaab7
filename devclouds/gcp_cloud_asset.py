"""A local HTTP server speaking Cloud Asset Inventory's v1 REST wire format, serving a :class:`GcpEstate`.

Routes (what ``google-cloud-asset``'s REST transport calls)::

    GET /v1/{scope}:searchAllResources   ?assetTypes=..&pageSize=..&pageToken=..&readMask=..
                                                                                    -> results, nextPageToken
    GET /v1/{parent}/assets               ?contentType=..&assetTypes=..&pageSize=..&pageToken=..
                                                                                    -> assets, nextPageToken
    GET /v1/{scope}:searchAllIamPolicies  ?pageSize=..&pageToken=..                -> results, nextPageToken

It also answers the two Cloud Storage JSON API calls the bucket access unit makes (``gcp_storage_api``)::

    GET /storage/v1/b/{bucket}           ?projection=full                         -> storage#bucket
    GET /storage/v1/b/{bucket}/iam                                                 -> storage#policy

``deny_bucket(name)`` makes both answer 403 as Google does for a caller without storage.buckets.get.

``scope``/``parent`` is ``organizations/N``, ``folders/N``, ``projects/NUMBER`` or ``projects/ID``. Errors
are Google's JSON shape ``{"error": {"code", "message", "status"}}``; ``deny(scope)`` makes a scope
answer 403 PERMISSION_DENIED, as the real service does for a caller without cloudasset.assets.* there.

Like the real service, searchAllResources returns its default field set unless ``readMask`` names the
fields (``*`` for all): ``relationships`` (instance -> instance group) only arrive when asked for.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from devclouds.gcp_estate import PROJECT_NUMBERS, GcpEstate, Json
from devclouds.gcp_storage_api import bucket_policy, bucket_resource

log = logging.getLogger(__name__)

_SCOPE = r"(?P<scope>(?:organizations|folders|projects)/[^/:]+)"
_ROUTES = (
    ("search_resources", re.compile(rf"^/v1/{_SCOPE}:searchAllResources$")),
    ("list_assets", re.compile(rf"^/v1/{_SCOPE}/assets$")),
    ("search_iam", re.compile(rf"^/v1/{_SCOPE}:searchAllIamPolicies$")),
)
_STORAGE_ROUTES = (
    ("storage_bucket", re.compile(r"^/storage/v1/b/(?P<bucket>[^/]+)$")),
    ("storage_iam", re.compile(r"^/storage/v1/b/(?P<bucket>[^/]+)/iam$")),
)
_PAGE_LIMITS = {"search_resources": (100, 500), "list_assets": (100, 1000), "search_iam": (100, 500)}
_RESULT_FIELD = {"search_resources": "results", "list_assets": "assets", "search_iam": "results"}
# ResourceSearchResult fields returned when the request has no read mask (the API reference's list).
DEFAULT_SEARCH_FIELDS = frozenset(
    {
        "name",
        "assetType",
        "project",
        "folders",
        "organization",
        "displayName",
        "description",
        "location",
        "labels",
        "tags",
        "networkTags",
        "kmsKeys",
        "createTime",
        "updateTime",
        "state",
        "additionalAttributes",
        "parentFullResourceName",
        "parentAssetType",
    }
)
SEARCH_FIELDS = DEFAULT_SEARCH_FIELDS | {
    "kmsKey",
    "versionedResources",
    "attachedResources",
    "relationships",
    "tagKeys",
    "tagValues",
    "tagValueIds",
    "effectiveTags",
    "enrichments",
    "sccSecurityMarks",
}


class ApiError(Exception):
    def __init__(self, code: int, status: str, message: str) -> None:
        super().__init__(message)
        self.code, self.status, self.message = code, status, message


def _in_scope(scope: str, ancestors: list[str]) -> bool:
    if scope in ancestors:
        return True
    kind, _, ident = scope.partition("/")
    return kind == "projects" and f"projects/{PROJECT_NUMBERS.get(ident, '-')}" in ancestors


def _policy_ancestors(policy: Json) -> list[str]:
    return [policy.get("project", ""), *policy.get("folders", []), policy.get("organization", "")]


def _type_filter(patterns: list[str]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns))
    except re.error:
        raise ApiError(400, "INVALID_ARGUMENT", f"Invalid asset type regular expression: {patterns}") from None


def _camel(path: str) -> str:
    head, *rest = path.strip().split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def read_mask(values: list[str]) -> frozenset[str]:
    """The fields a searchAllResources request asks for (comma-separated, camelCase or snake_case)."""
    if not values:
        return DEFAULT_SEARCH_FIELDS
    paths = {_camel(p) for v in values for p in v.split(",") if p.strip()}
    if paths == {"*"}:
        return SEARCH_FIELDS
    unknown = sorted(paths - SEARCH_FIELDS)
    if unknown:
        raise ApiError(400, "INVALID_ARGUMENT", f"Invalid field path in read_mask: {', '.join(unknown)}.")
    return frozenset(paths)


def encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _decode_token(token: str) -> int:
    try:
        kind, _, number = base64.urlsafe_b64decode(token.encode()).decode().partition(":")
        if kind == "offset" and number.isdigit():
            return int(number)
    except ValueError:
        pass
    raise ApiError(400, "INVALID_ARGUMENT", "Request contains an invalid argument: page_token is invalid.")


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        try:
            body = self._answer()
            self._send(200, body)
        except ApiError as err:
            self._send(err.code, {"error": {"code": err.code, "message": err.message, "status": err.status}})

    def do_POST(self) -> None:
        self._send(501, {"error": {"code": 501, "message": "Method not implemented.", "status": "UNIMPLEMENTED"}})

    def _answer(self) -> Json:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        query = parse_qs(parts.query)
        for route, pattern in _ROUTES:
            match = pattern.match(path)
            if match:
                return self.server.owner.answer(route, match["scope"], query)
        for route, pattern in _STORAGE_ROUTES:
            match = pattern.match(path)
            if match:
                return self.server.owner.storage(route, match["bucket"])
        raise ApiError(404, "NOT_FOUND", f"The requested URL {path} was not found on this server.")

    def _send(self, code: int, body: Json) -> None:
        raw = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("gcp cloud asset: %s", format % args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, owner: CloudAssetServer, address: tuple[str, int]) -> None:
        super().__init__(address, _Handler)
        self.owner = owner


class CloudAssetServer:
    """Start with ``start()`` or as a context manager; ``url`` is the ``api_endpoint`` to give the SDK.
    ``estate`` may be replaced or changed between requests; ``requests`` counts the calls per route."""

    def __init__(self, estate: GcpEstate, host: str = "127.0.0.1", port: int = 0) -> None:
        self.estate = estate
        self.denied: set[str] = set()
        self.denied_buckets: set[str] = set()
        self.requests: dict[str, int] = {}
        self._lock = threading.Lock()
        self._address = (host, port)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    def deny(self, scope: str) -> None:
        self.denied.add(scope)

    def deny_bucket(self, name: str) -> None:
        self.denied_buckets.add(name)

    def storage(self, route: str, bucket: str) -> Json:
        """A Cloud Storage JSON API answer for one bucket of the estate."""
        with self._lock:
            self.requests[route] = self.requests.get(route, 0) + 1
        if bucket in self.denied_buckets:
            permission = "storage.buckets.get" if route == "storage_bucket" else "storage.buckets.getIamPolicy"
            raise ApiError(
                403,
                "PERMISSION_DENIED",
                f"caller does not have {permission} access to the Google Cloud Storage bucket. Permission "
                f"'{permission}' denied on resource (or it may not exist).",
            )
        body = bucket_resource(self.estate, bucket) if route == "storage_bucket" else bucket_policy(self.estate, bucket)
        if body is None:
            raise ApiError(404, "NOT_FOUND", "The specified bucket does not exist.")
        return body

    def start(self) -> str:
        self._server = _Server(self, self._address)
        host, port = self._server.server_address[:2]
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="gcp-cloud-asset", daemon=True
        )
        self._thread.start()
        self.url = f"http://{host!s}:{port}"
        log.info("gcp cloud asset server listening on %s", self.url)
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
            self.url = ""

    def __enter__(self) -> CloudAssetServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def answer(self, route: str, scope: str, query: dict[str, list[str]]) -> Json:
        with self._lock:
            self.requests[route] = self.requests.get(route, 0) + 1
        if scope in self.denied:
            raise ApiError(
                403, "PERMISSION_DENIED", f"The caller does not have permission on {scope}: cloudasset.assets denied."
            )
        items = self._items(route, scope, query)
        default, maximum = _PAGE_LIMITS[route]
        size_text = query.get("pageSize", ["0"])[0]
        if not size_text.lstrip("-").isdigit() or int(size_text) < 0:
            raise ApiError(400, "INVALID_ARGUMENT", f"Invalid value for page_size: {size_text!r}.")
        size = min(int(size_text) or default, maximum)
        token = query.get("pageToken", [""])[0]
        start = _decode_token(token) if token else 0
        if start > len(items):
            raise ApiError(400, "INVALID_ARGUMENT", "Request contains an invalid argument: page_token is invalid.")
        page = items[start : start + size]
        body: Json = {_RESULT_FIELD[route]: page} if page else {}
        if start + size < len(items):
            body["nextPageToken"] = encode_token(start + size)
        if route == "list_assets":
            body["readTime"] = "2026-11-27T00:00:00Z"
        return body

    def _items(self, route: str, scope: str, query: dict[str, list[str]]) -> list[Json]:
        estate = self.estate
        if route == "search_iam":
            return [p for p in estate.iam_policies if _in_scope(scope, _policy_ancestors(p))]
        types = _type_filter(query.get("assetTypes", []))
        if route == "search_resources":
            items = [
                r
                for r, a in zip(estate.search_results(), estate.assets, strict=True)
                if _in_scope(scope, a.get("ancestors", []))
            ]
            fields = read_mask(query.get("readMask", []))
            return [
                {k: v for k, v in r.items() if k in fields}
                for r in items
                if types is None or types.fullmatch(r["assetType"])
            ]
        content = query.get("contentType", ["0"])[0]
        if content not in ("0", "1", "CONTENT_TYPE_UNSPECIFIED", "RESOURCE"):
            raise ApiError(400, "INVALID_ARGUMENT", f"This server serves contentType RESOURCE only, not {content}.")
        assets = [a for a in estate.assets if _in_scope(scope, a.get("ancestors", []))]
        assets = [a for a in assets if types is None or types.fullmatch(a["assetType"])]
        if content in ("0", "CONTENT_TYPE_UNSPECIFIED"):
            return [{k: v for k, v in a.items() if k != "resource"} for a in assets]
        return assets


__all__ = ["DEFAULT_SEARCH_FIELDS", "ApiError", "CloudAssetServer", "encode_token", "read_mask"]
