"""The content hashes the reconciling writer (``graph.reconcile``) keeps on what it writes.

A node row's hash covers its properties, an edge row's its target and properties, a node's edges hash the edges
its unit gives it; each starts with the fingerprint of its label's or relationship's declared properties, so a
schema change rewrites what it touches.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from hashlib import blake2b

from graph.rows import EdgeRow, PropValue
from graph.schema import Property, Schema

__all__ = ["edge_hash", "edges_digest", "fingerprint", "node_hash", "schema_fingerprint"]


def fingerprint(owner: str, props: Iterable[Property]) -> bytes:
    """What a label's or relationship's hash starts with: its name and declared properties (name and type)."""
    return repr((owner, sorted((p.name, p.type) for p in props))).encode()


def _digest(data: bytes) -> str:
    return blake2b(data, digest_size=12).hexdigest()


def node_hash(fp: bytes, props: Mapping[str, PropValue]) -> str:
    """The content hash of a node row: every property it gives, after its label's fingerprint. In the order the
    transform gives them (the same code gives the same order; another order costs one rewrite, never a miss):
    sorting them doubled the hash's cost."""
    return _digest(fp + repr(props).encode())


def edges_digest(fp: bytes, rows: Sequence[EdgeRow]) -> str:
    """The hash of the edges a unit gives one node: their types, targets and properties, in any order."""
    parts = sorted(
        f"{r.type}|{r.target_label}|{r.target_id}|{sorted(r.props.items()) if r.props else ''}" for r in rows
    )
    return _digest(fp + "\n".join(parts).encode())


def edge_hash(fp: bytes, target_id: str, props: Mapping[str, PropValue] | None) -> str:
    """The content hash of an edge row (its type and ends are in ``fp`` and ``target_id``)."""
    return _digest(fp + target_id.encode() + (repr(sorted(props.items())).encode() if props else b""))


_schema_fps: dict[int, tuple[Schema, bytes]] = {}


def schema_fingerprint(schema: Schema, edges_fp: bytes) -> bytes:
    """Every label's declared properties and ``edges_fp``, hashed (computed once per schema)."""
    hit = _schema_fps.get(id(schema))
    if hit is None or hit[0] is not schema:
        labels = repr(sorted(fingerprint(k.label, schema.properties_of(k.label)) for k in schema.nodes)).encode()
        hit = _schema_fps[id(schema)] = (schema, blake2b(labels + edges_fp, digest_size=16).digest())
    return hit[1]
