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

from graph.rows import NodeRow, PropValue, Transformed
from ingest.providers.gcp.items import Context, Item, as_int, compute_ref, short
from ingest.providers.gcp.kinds import Field, expected_id
from ingest.providers.gcp.kinds_services import pool_id
from ingest.providers.gcp.payload import GcpPayload, parse_payload, parse_time
from ingest.providers.gcp.transform import build_context, merge, transform_gcp
from ingest.providers.references import unresolved

__all__ = [
    "CORPUS",
    "Read",
    "RealPayload",
    "load_corpus",
    "lost_values",
    "nodes_for",
    "payload_of",
    "reached",
    "read",
    "rows_of",
    "values_at",
]

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


@dataclass(frozen=True)
class Read:
    """One payload transformed alone: its rows, its merged asset and the scope lookups the handlers saw."""

    payload: RealPayload
    rows: Transformed
    item: Item | None
    ctx: Context


def read(payload: RealPayload) -> Read:
    parsed = payload_of([payload])
    items = merge(parsed)
    item = next((i for i in items if i.name == payload.name), None)
    return Read(payload, transform_gcp(parsed).rows, item, build_context(items, parsed.policies))


def lost_values(field: Field, values: Sequence[Any], node: NodeRow, item: Item, r: Read) -> list[Any]:
    """The values that reach neither the field's property nor an edge of its type from the node to the exact
    id the value names (an edge to an id that is not a node is the unresolved reference the job counts)."""
    if field.prop is not None:
        held = node.props.get(field.prop)
        return [v for v in values if held is None or not _matches(v, held)]
    ends = {e.target_id for e in r.rows.edges if e.source_id == node.id and e.type == field.edge}
    counted = {u.missing_id for u in unresolved(r.rows) if u.type == field.edge}
    lost = []
    for v in values:
        want = expected_id(field, item, r.ctx, v)
        if want is None or (want not in ends and want not in counted):
            lost.append(v)
    return lost


def reached(field: Field, values: Sequence[Any], node: NodeRow, item: Item, r: Read) -> bool:
    """Whether every value reached the field's property or its exact edge."""
    return bool(values) and not lost_values(field, values, node, item, r)


def nodes_for(r: Read) -> Iterator[tuple[str, NodeRow, Mapping[str, Any], Item]]:
    """(label, node, the data the node was read from, the item it was read as): the asset itself, and a
    cluster's node pools."""
    by_id = {n.id: n for n in r.rows.nodes}
    node = by_id.get(r.payload.name)
    if node is None or r.item is None:
        return
    yield node.label, node, r.payload.data, r.item
    for pool in r.payload.data.get("nodePools", []) if node.label == "GCPGKECluster" else []:
        pool_node = by_id.get(pool_id(r.item, str(pool.get("name"))))
        if pool_node is not None:
            pool_item = Item(
                pool_node.id,
                "container.googleapis.com/NodePool",
                pool_node.label,
                pool,
                None,
                r.item.project_number,
                r.item.name,
            )
            yield pool_node.label, pool_node, pool, pool_item
