"""A small builder of fixture graphs for the rule tests: nodes with the labels and properties ingest writes.

Resource nodes get both their label and ``Resource`` and the common properties (id, provider, account,
region, kind, name, tags, first_seen, last_seen, last_sync), so a fixture looks like a discovered graph.
``Graph.cypher()`` is one CREATE statement; ``check_cypher(..., writes=True)`` validates it against the
schema like the rules themselves.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from graph.schema import SCHEMA

ACCOUNTS = {"aws": "123456789012", "azure": "00000000-0000-0000-0000-000000000001", "gcp": "prod-project"}
REGIONS = {"aws": "us-east-1", "azure": "westeurope", "gcp": "europe-west1"}


@dataclass(frozen=True)
class Expr:
    """A Cypher expression written as is (e.g. ``datetime() - duration('P200D')``)."""

    text: str


def days_ago(days: int) -> Expr:
    return Expr(f"datetime() - duration('P{days}D')")


def literal(value: object) -> str:
    if isinstance(value, Expr):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, datetime):
        return f"datetime({json.dumps(value.isoformat())})"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    raise TypeError(f"no Cypher literal for {value!r}")


@dataclass
class Graph:
    parts: list[str] = field(default_factory=list)
    count: int = 0

    def node(self, label: str, id_: str, **props: object) -> str:
        kind = SCHEMA.node(label)
        var = f"n{self.count}"
        self.count += 1
        values: dict[str, object] = {"id": id_}
        labels = label
        if kind.resource:
            provider = kind.provider
            values |= {
                "provider": provider,
                "account": ACCOUNTS.get(provider, ""),
                "region": REGIONS.get(provider, ""),
                "kind": label,
                "name": id_.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1],
                "tags": [],
                "first_seen": Expr("datetime()"),
                "last_seen": Expr("datetime()"),
                "last_sync": 1,
            }
            labels += ":Resource"
        values |= {k: v for k, v in props.items() if v is not None}
        body = ", ".join(f"{k}: {literal(v)}" for k, v in values.items())
        self.parts.append(f"({var}:{labels} {{{body}}})")
        return var

    def rel(self, source: str, type_: str, target: str, **props: object) -> None:
        body = ", ".join(f"{k}: {literal(v)}" for k, v in props.items())
        self.parts.append(f"({source})-[:{type_}{' {' + body + '}' if body else ''}]->({target})")

    def cypher(self) -> str:
        return "CREATE " + ", ".join(self.parts)


@dataclass(frozen=True)
class Case:
    """A rule's fixtures: ``build(True)`` triggers it on ``expected``; ``build(False)`` must not trigger it."""

    rule_id: str
    expected: str
    build: Callable[[bool], Graph]
