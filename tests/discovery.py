"""Run a discovery as the product does (one job, in this process) and read what each unit did.

``discover_job`` runs ``run_job_local`` with the test's settings and graph and returns the job record
with its units in the shape the discovery tests read: a unit's provider, account, region and service
(from its key) and its counts; ``units`` holds the units that succeeded, ``warnings`` and ``errors``
the job's own (planning and units).

The discovery tests compare the cloud graph a sync leaves behind, node for node: by default the job
runs without post-sync hooks (findings, cost) or change history, which have tests of their own, and
its Job record and the scopes' sync stamps (``graph.seen``) are removed once read, so the graph holds what the
units wrote and nothing else; ``Discovery.seen`` keeps the stamps, to say when a node was last seen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.settings import Settings
from graph.neo4j.client import Graph
from graph.seen import SCOPE_LABEL, SeenStamps
from graph.write import UnitCounts
from ingest.jobs.local import run_job_local
from ingest.jobs.model import JobRequest
from ingest.jobs.store import JobRecord, UnitRecord
from ingest.providers.aws.unit import AwsUnit
from tests.settings_update import replace_settings

__all__ = ["Discovery", "UnitView", "discover_job", "services"]


@dataclass(frozen=True)
class UnitView:
    provider: str
    account: str
    region: str
    service: str
    status: str
    counts: UnitCounts
    warnings: tuple[str, ...]
    errors: tuple[str, ...]

    @classmethod
    def of(cls, unit: UnitRecord) -> UnitView:
        provider, rest = unit.key.split("/", 1)
        account, region, service = rest.rsplit("/", 2)  # a GCP scope ("projects/p") holds a slash
        counts = UnitCounts(
            unit.nodes, unit.edges, unit.skipped_edges, unit.removed_nodes, unit.removed_edges, unit.anomalies
        )
        return cls(provider, account, region, service, unit.status, counts, unit.warnings, unit.errors)


@dataclass(frozen=True)
class Discovery:
    job: JobRecord
    seen: SeenStamps | None = None  # the scopes' stamps the job left (None: not read)

    def last_seen(self, labels: Iterable[str], props: dict[str, object]) -> object:
        """When the job's sync last saw a node with these labels and properties (its own stamp or its scope's)."""
        assert self.seen is not None
        own = props.get("last_seen")
        return self.seen.last_seen(labels, props.get("account"), props.get("region"), own)  # type: ignore[arg-type]

    @property
    def all_units(self) -> tuple[UnitView, ...]:
        return tuple(UnitView.of(u) for u in self.job.units)

    @property
    def units(self) -> tuple[UnitView, ...]:
        """The units that succeeded."""
        return tuple(u for u in self.all_units if u.status == "succeeded")

    @property
    def accounts(self) -> tuple[str, ...]:
        return tuple(sorted({u.account for u in self.units}))

    @property
    def account(self) -> str:
        """The one account every succeeded unit belongs to ('' when none succeeded)."""
        accounts = self.accounts
        assert len(accounts) <= 1, f"more than one account: {accounts}"
        return accounts[0] if accounts else ""

    @property
    def regions(self) -> tuple[str, ...]:
        return tuple(sorted({u.region for u in self.all_units}))

    @property
    def nodes(self) -> int:
        return self.job.nodes

    @property
    def edges(self) -> int:
        return self.job.edges

    @property
    def skipped_edges(self) -> int:
        return sum(u.counts.skipped_edges for u in self.units)

    @property
    def removed_nodes(self) -> int:
        return self.job.removed_nodes

    @property
    def removed_edges(self) -> int:
        return self.job.removed_edges

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.job.warnings

    @property
    def errors(self) -> tuple[str, ...]:
        return self.job.errors


def services(units: Iterable[AwsUnit]) -> tuple[str, ...]:
    return tuple(u.service for u in units)


def discover_job(
    settings: Settings,
    graph: Graph | None = None,
    provider: str = "aws",
    *,
    regions: Iterable[str] = (),
    accounts: Iterable[str] = (),
    units: Iterable[AwsUnit] = (),
    keep_record: bool = False,
) -> Discovery:
    """One job of ``provider``; ``units`` limits an AWS job to those services (default: every one)."""
    request = JobRequest(provider, tuple(accounts), tuple(regions), "tests", services(units))
    quiet = replace_settings(settings, jobs={"history_enabled": False})
    job = run_job_local(quiet, request, graph=graph, hooks=())
    seen = SeenStamps.load(graph) if graph is not None else None
    if graph is not None and not keep_record:
        graph.write(
            "MATCH (j:Job {id: $id}) OPTIONAL MATCH (j)-[:HAS_UNIT]->(u:JobUnit) DETACH DELETE j, u", {"id": job.id}
        )
        graph.write(f"MATCH (s:{SCOPE_LABEL}) DELETE s")
    return Discovery(job, seen)
