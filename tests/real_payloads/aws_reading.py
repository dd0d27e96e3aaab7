"""One way of reading a kind from its published payloads: where the items are, which key names the node,
the transform wired the way the fetch layer hands the items over, and the security- and dependency-relevant
fields with the property or the outgoing edge type each must reach."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.rows import Transformed

__all__ = ["A", "F", "Items", "R", "Reading", "one"]

A, R = "123456789012", "us-east-1"
Items = Sequence[Any]  # boto3 TypedDicts, read from published JSON


@dataclass(frozen=True)
class F:
    path: str
    prop: str | None = None
    edge: str | None = None


@dataclass(frozen=True)
class Reading:
    items: str  # where the items are in the response ("Reservations.Instances"); "" the response itself
    id_key: str | Callable[[Mapping[str, Any]], str]  # the item key whose value the node id contains
    transform: Callable[[Items], Transformed]
    fields: tuple[F, ...]
    operations: tuple[str, ...] = ()  # the operations it reads; () every file of the kind
    source: str = ""  # another kind's directory holding the payload (one response lists several kinds)
    select: Callable[[Items], Items] | None = None  # the items the fetch layer keeps of those listed


def one(*readings: Reading) -> tuple[Reading, ...]:
    return readings
