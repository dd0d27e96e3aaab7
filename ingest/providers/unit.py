"""What every cloud provider gives the sync pipeline: units to plan, and for each unit its rows.

A ``Provider`` turns a job request into ``UnitSpec`` values (AWS: service x account x region; Azure: one
unit reading the requested subscriptions, or every visible one, together; GCP: one per scope) and names the
``Unit`` that reads each spec.
A ``Unit`` reads its spec: fetch (cloud I/O) then a pure transform, returning ``UnitRows``: the
nodes and edges to write, and the cleanup scopes this unit owns. The pipeline (``ingest.jobs.units``)
writes the nodes, then, once every unit has, the edges and the cleanup: the same two phases for
every provider, in the CLI's process and in Celery workers alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from core.errors import UnitFailedError
from core.settings import Settings
from graph.rows import EdgeRow, NodeRow, Scope
from ingest.jobs.model import JobRequest, UnitSpec

__all__ = ["Provider", "Unit", "UnitRows"]


@dataclass(frozen=True)
class UnitRows:
    """One unit's reading: rows to write, the scopes whose stale data it removes, the AWS accounts
    whose derived links the job applies at the end, and warnings about what it could not read."""

    nodes: tuple[NodeRow, ...]
    edges: tuple[EdgeRow, ...]
    scopes: tuple[Scope, ...]
    references: tuple[EdgeRow, ...] = ()  # declared references to nodes another unit may own
    link_accounts: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


class Unit(Protocol):
    """One unit of discovery: ``read`` fetches and transforms; it writes nothing."""

    @property
    def service(self) -> str: ...

    def read(self, spec: UnitSpec, settings: Settings) -> UnitRows: ...


class Provider(Protocol):
    """A cloud: which units a request fans out into, the unit that reads a spec, and how its cloud's
    refusals read as a unit failure."""

    @property
    def name(self) -> str: ...

    def configured(self, settings: Settings) -> bool:
        """Whether a request for every provider includes this one."""
        ...

    def plan(self, request: JobRequest, settings: Settings, warnings: list[str]) -> tuple[UnitSpec, ...]:
        """The unit specs of ``request``; a part that cannot be planned adds to ``warnings``."""
        ...

    def unit(self, spec: UnitSpec) -> Unit: ...

    def failure(self, spec: UnitSpec, exc: BaseException) -> UnitFailedError | None:
        """``exc`` as this cloud's one-line unit failure, or None when it is not this cloud's error."""
        ...
