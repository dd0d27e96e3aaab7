"""One JSON GET against a public price API, with one-line errors that say what to do."""

from __future__ import annotations

import json
import logging

import httpx

from core.errors import PriceDataError

log = logging.getLogger(__name__)

JsonDoc = dict[str, object]


def get_json(client: httpx.Client, url: str, params: dict[str, str] | None = None) -> JsonDoc:
    shown = url.split("?")[0]
    try:
        response = client.get(url, params=params)
    except httpx.HTTPError as exc:
        raise PriceDataError(
            f"cannot reach {shown} ({exc.__class__.__name__}); check the network or the URL setting"
        ) from None
    if response.status_code != 200:
        raise PriceDataError(
            f"{shown} answered HTTP {response.status_code}: {response.text[:160]!r}; check the URL setting or API key"
        )
    try:
        doc = response.json()
    except json.JSONDecodeError:
        raise PriceDataError(f"{shown} did not answer JSON; check the URL setting") from None
    if not isinstance(doc, dict):
        raise PriceDataError(f"{shown} answered JSON that is not an object; check the URL setting")
    log.debug("fetched %s", shown)
    return doc


def obj(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def seq(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def text(value: object) -> str:
    return value if isinstance(value, str) else ""
