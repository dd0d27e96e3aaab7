"""What the parser understood of a question, as data: the thing asked about, its filters, the aggregation,
the time window and the analysis intent; or that it asks back (an ambiguous name) or declines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from app.nl.vocabulary import Named

__all__ = ["Clarify", "Condition", "Decline", "Hop", "Reading"]

Subject = Literal["resources", "findings", "changes"]
Intent = Literal[
    "count",
    "list",
    "group",
    "top",
    "sum_cost",
    "cost_of",
    "exposure",
    "blast",
    "dependencies",
    "path",
    "savings",
    "savings_total",
    "history_of",
]


@dataclass(frozen=True)
class Condition:
    """One filter: Cypher over the node ``n`` and the words that say it ("state = running")."""

    cypher: str
    said: str


@dataclass(frozen=True)
class Hop:
    """A relationship to a named resource: ``(n)-[:TYPES]-(m)`` with ``m`` of ``kinds`` named ``name``."""

    types: tuple[str, ...]
    kinds: tuple[str, ...]
    name: str
    outgoing: bool | None  # True: n -> m; False: m -> n; None: either


@dataclass(frozen=True)
class Reading:
    intent: Intent
    subject: Subject = "resources"
    kinds: tuple[str, ...] = ()  # empty: every resource
    kind_words: str = "resources"
    conditions: tuple[Condition, ...] = ()
    hop: Hop | None = None
    group: tuple[str, ...] = ()  # properties (or "tag:KEY") to group by
    limit: int | None = None
    since: datetime | None = None
    since_said: str = ""
    change: str | None = None  # created / changed / deleted
    target: Named | None = None
    other: Named | None = None  # a path's far end
    provider: str | None = None
    rule: str | None = None  # a savings rule slug


@dataclass(frozen=True)
class Clarify:
    """A name that means several resources: which one?"""

    name: str
    candidates: tuple[Named, ...]
    intent: str


@dataclass(frozen=True)
class Decline:
    why: str
    nearest: tuple[str, ...] = field(default=())
