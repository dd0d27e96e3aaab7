"""What natural-language questions may read: the inventory, never the product's own operational records.

The graph holds the estate (every ``Resource`` and the readable non-resource kinds: rules, entries,
statements, findings, changes) beside the product's own records: jobs, schedules, deliveries, suppressions.
Users, API keys, cloud-account credentials and notification secrets are not in the graph at all (they live
in the secret store); their labels and properties stay named here so that a graph restored from an older
version, or planted data, is refused by name and scrubbed from rows all the same.

``app.nl.gate_tree`` uses these sets on the parse tree; :func:`scrub` is the last line, on rows coming back.
"""

from __future__ import annotations

from functools import lru_cache

from app.nl.gate_types import JSONValue, Row
from graph.schema import RESOURCE_LABEL, SCHEMA, Schema

__all__ = [
    "HIDDEN_LABELS",
    "LEGACY_LABELS",
    "LEGACY_SECRET_PROPERTIES",
    "hidden_properties",
    "readable_label_set",
    "readable_labels",
    "scrub",
]

# Labels of secret-bearing records that lived in the graph before; the schema no longer declares them.
LEGACY_LABELS = frozenset({"User", "ApiKey", "CloudAccount", "NotificationTarget"})
# The product's own records: kinds declared hidden in graph.schema, plus the legacy labels.
HIDDEN_LABELS = LEGACY_LABELS | SCHEMA.hidden_labels()
# Properties that secret-bearing records carried when they lived in the graph.
LEGACY_SECRET_PROPERTIES = frozenset({"password_hash", "hash", "secret", "token_version"})


@lru_cache(maxsize=4)
def readable_labels(schema: Schema) -> tuple[str, ...]:
    """Resource (every cloud resource carries it) plus the non-resource labels that are not hidden."""
    extra = sorted(k.label for k in schema.nodes if not k.resource and k.label not in HIDDEN_LABELS)
    return (RESOURCE_LABEL, *extra)


@lru_cache(maxsize=4)
def readable_label_set(schema: Schema) -> frozenset[str]:
    """Every label a query may name: Resource, every resource kind and the readable non-resource kinds."""
    return frozenset({RESOURCE_LABEL} | {k.label for k in schema.nodes if k.label not in HIDDEN_LABELS})


@lru_cache(maxsize=4)
def hidden_properties(schema: Schema) -> frozenset[str]:
    """Property names that only hidden labels declare, plus the legacy secret names (never readable ones)."""
    hidden: set[str] = set(LEGACY_SECRET_PROPERTIES)
    visible = {p.name for p in schema.common}
    for kind in schema.nodes:
        names = {p.name for p in kind.properties}
        (hidden if kind.label in HIDDEN_LABELS else visible).update(names)
    return frozenset(hidden - visible)


def scrub(rows: tuple[Row, ...], schema: Schema) -> tuple[Row, ...]:
    """Rows without hidden-label nodes and without hidden property keys (defence in depth)."""
    secret = hidden_properties(schema)
    return tuple({k: _scrub(v, secret) for k, v in row.items()} for row in rows)


def _scrub(value: JSONValue, secret: frozenset[str]) -> JSONValue:
    if isinstance(value, dict):
        labels = value.get("_labels")
        if isinstance(labels, list) and any(label in HIDDEN_LABELS for label in labels):
            return None
        return {k: _scrub(v, secret) for k, v in value.items() if k not in secret}
    if isinstance(value, list):
        return [_scrub(v, secret) for v in value]
    return value
