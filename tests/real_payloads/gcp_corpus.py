"""The published GCP payloads under tests/fixtures/real/gcp, and the check that a declared field reaches
its property or edge.

A file holding ``resource`` is a Cloud Asset ``Asset`` (assets.list); any other file is a
``ResourceSearchResult`` (searchAllResources). Each directory is named after the label its asset type maps to.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from graph.rows import EdgeRow, NodeRow, PropValue, Transformed
from ingest.providers.gcp.items import as_int, compute_ref, short
from ingest.providers.gcp.kinds import Field
from ingest.providers.gcp.payload import GcpPayload, parse_payload, parse_time
from ingest.providers.gcp.transform import transform_gcp

__all__ = ["CORPUS", "RealPayload", "load_corpus", "payload_of", "reached", "rows_of", "values_at"]

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "real" / "gcp"
SCOPE = "organizations/0"


@dataclass(frozen=True)
class RealPayload:
    path: Path
    label: str  # the directory: the label the asset type maps to
    body: Mapping[str, Any]

    @property
    def name(self) -> str:
        return str(self.body["name"])

    @property
    def data(self) -> Mapping[str, Any]:
        return self.body.get("resource", {}).get("data", {}) if "resource" in self.body else {}


def load_corpus(label: str | None = None) -> list[RealPayload]:
    files = sorted(CORPUS.glob(f"{label or 'GCP*'}/*.json"))  # storage_api/ holds JSON API bodies
    return [RealPayload(f, f.parent.name, json.loads(f.read_text())) for f in files]


def payload_of(payloads: Sequence[RealPayload], policies: Sequence[Mapping[str, Any]] = ()) -> GcpPayload:
    assets = [p.body for p in payloads if "resource" in p.body]
    results = [p.body for p in payloads if "resource" not in p.body]
    return parse_payload(SCOPE, results, assets, list(policies))


def rows_of(payloads: Sequence[RealPayload]) -> Transformed:
    return transform_gcp(payload_of(payloads)).rows


def _segments(path: str) -> list[str]:
    """``a.{b.c/d}[].e`` -> ["a", "b.c/d[]", "e"]: braces keep a key that holds dots."""
    out, current, depth = [], "", 0
    for ch in path:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "." and depth == 0:
            out.append(current)
            current = ""
        else:
            current += ch
    return [*out, current]


def values_at(data: Any, path: str) -> list[Any]:
    """The leaf values at ``path`` (``[]`` after a key walks its list); absent, null or empty lists give []."""
    found = [data]
    for segment in _segments(path):
        is_list = segment.endswith("[]")
        key = segment[:-2] if is_list else segment
        nxt: list[Any] = []
        for value in found:
            if not isinstance(value, Mapping) or value.get(key) is None:
                continue
            inner = value[key]
            if is_list:
                nxt += [v for v in inner if v is not None] if isinstance(inner, list) else []
            else:
                nxt.append(inner)
        found = nxt
    return [v for v in found if not isinstance(v, Mapping | list)]


def _matches(value: Any, prop: PropValue) -> bool:
    if isinstance(prop, tuple):
        return any(_matches(value, p) for p in prop)
    if isinstance(value, bool) or isinstance(prop, bool):
        return value == prop
    if isinstance(prop, datetime):
        return parse_time(value) == prop
    if isinstance(prop, int):
        return as_int(value) == prop
    text, held = str(value), str(prop)
    if text == "default" and held.endswith("-compute@developer.gserviceaccount.com"):
        return True  # the documented meaning of "default"
    return held in (text, text.lower(), short(text), compute_ref(text)) or text in held.split(":") or text in held


def reached(field: Field, values: Sequence[Any], node: NodeRow, edges: Sequence[EdgeRow]) -> bool:
    """Whether every value reached the field's property, or the node has an edge of the field's type per value."""
    if field.prop is not None:
        held = node.props.get(field.prop)
        return held is not None and all(_matches(v, held) for v in values)
    targets = {e.target_id for e in edges if e.source_id == node.id and e.type == field.edge}
    return len(targets) >= len({str(v) for v in values}) > 0


def nodes_for(payload: RealPayload, rows: Transformed) -> Iterator[tuple[str, NodeRow, Mapping[str, Any]]]:
    """(label, node, the data the node was read from): the asset itself, and a cluster's node pools."""
    by_id = {n.id: n for n in rows.nodes}
    node = by_id.get(payload.name)
    if node is None:
        return
    yield node.label, node, payload.data
    for pool in payload.data.get("nodePools", []) if node.label == "GCPGKECluster" else []:
        pool_node = by_id.get(f"{payload.name}/nodePools/{pool.get('name')}")
        if pool_node is not None:
            yield pool_node.label, pool_node, pool
