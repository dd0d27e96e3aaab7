"""What every unit reading Azure Resource Manager beside Resource Graph shares.

The parents (SQL servers, web apps) are listed by Resource Graph, each one's part is read through ARM, and the
unit's scopes are the visible subscriptions less those where a read was refused (403): there nothing is
removed, and each refusal becomes a warning naming the permission. The parts' edges to their parents are
references, since the Resource Graph unit writes the parents.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from core.settings import Settings
from graph.rows import ALL_REGIONS, Scope, Transformed
from ingest.jobs.model import UnitSpec
from ingest.providers.azure.arm import ArmReader, Refused, make_arm_reader
from ingest.providers.azure.client import azure_errors, https_required, make_client
from ingest.providers.azure.props import lid
from ingest.providers.azure.query import CONTAINERS_QUERY, ArmRow, query_all
from ingest.providers.azure.transform import SUBSCRIPTION_TYPE
from ingest.providers.unit import UnitRows

__all__ = ["read_each", "read_parents", "unit_rows"]

R = TypeVar("R")


def read_parents(
    spec: UnitSpec,
    settings: Settings,
    parents_query: str,
    read: Callable[[ArmReader, tuple[ArmRow, ...]], R],
) -> tuple[tuple[ArmRow, ...], R]:
    """The subscriptions' container rows, and what ``read`` made of the parents ``parents_query`` lists.
    ``spec.source``: the subscriptions, comma-separated (empty: every visible one)."""
    requested = tuple(s for s in spec.source.split(",") if s)
    client = make_client(settings.azure)
    page, https = settings.azure.page_size, https_required(settings.azure)
    with client, azure_errors(settings.azure.endpoint):
        containers = tuple(query_all(client, CONTAINERS_QUERY, requested, page, https))
        parents = tuple(query_all(client, parents_query, requested, page, https))
        with make_arm_reader(settings.azure) as arm:
            return containers, read(arm, parents)


def read_each(
    parents: Sequence[ArmRow], read: Callable[[str], Sequence[ArmRow] | Refused | None]
) -> tuple[tuple[ArmRow, ...], tuple[Refused, ...]]:
    """``read(parent id)`` for every parent with an id: the bodies read, and the refusals (a parent gone in
    between, ``None``, is skipped)."""
    bodies: list[ArmRow] = []
    refused: list[Refused] = []
    for parent in parents:
        parent_id = parent.get("id")
        if not isinstance(parent_id, str) or not parent_id:
            continue
        got = read(parent_id)
        if isinstance(got, Refused):
            refused.append(got)
        elif got is not None:
            bodies.extend(got)
    return tuple(bodies), tuple(refused)


def _subscription(resource_id: str) -> str:
    parts = lid(resource_id).split("/")
    return parts[2] if len(parts) > 2 and parts[1] == "subscriptions" else ""


def unit_rows(
    rows: Transformed,
    containers: Sequence[ArmRow],
    refused: Sequence[Refused],
    labels: tuple[str, ...],
    warning: Callable[[Refused], str],
) -> UnitRows:
    """The unit's rows, scoped to the visible subscriptions where no read was refused."""
    blocked = {_subscription(r.path) for r in refused}
    visible = {lid(c.get("subscriptionId")) for c in containers if lid(c.get("type")) == SUBSCRIPTION_TYPE}
    scopes = tuple(Scope("azure", sub, ALL_REGIONS, labels) for sub in sorted(visible - blocked - {""}))
    return UnitRows(rows.nodes, (), scopes, references=rows.edges, warnings=tuple(warning(r) for r in refused))
