"""Run a discovery of one AWS account: every (region, unit) pair in a bounded thread pool.

Global units (IAM, Route53, CloudFront) run once per account. A unit AWS refuses (AccessDenied,
region not opted in) becomes a warning on the report while the others go on, and removes nothing;
an unreachable endpoint or missing credentials stop the run with a one-line error.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from botocore.exceptions import ClientError

from app.settings import Settings
from graph.neo4j.client import Graph
from graph.neo4j.constraints import ensure_schema
from graph.schema import SCHEMA
from graph.write import GraphWriter, SyncStamp
from ingest.providers.aws.client import SKIPPABLE_CODES, AwsClients, aws_errors, error_code
from ingest.providers.aws.registry import ALL_UNITS
from ingest.providers.aws.unit import GLOBAL_REGION, AwsUnit, UnitResult, run_unit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DiscoveryReport:
    account: str
    regions: tuple[str, ...]
    units: tuple[UnitResult, ...]
    warnings: tuple[str, ...]
    seconds: float

    @property
    def nodes(self) -> int:
        return sum(u.counts.nodes for u in self.units)

    @property
    def edges(self) -> int:
        return sum(u.counts.edges for u in self.units)

    def summary(self) -> str:
        return (
            f"discovered aws account {self.account}: {self.nodes} nodes and {self.edges} edges "
            f"in {len(self.regions)} region(s) in {self.seconds:.1f} s"
            + (f", {len(self.warnings)} warning(s)" if self.warnings else "")
        )


def discover_aws(
    settings: Settings,
    regions: tuple[str, ...] | None = None,
    graph: Graph | None = None,
    clients: AwsClients | None = None,
    units: Sequence[AwsUnit] = ALL_UNITS,
) -> DiscoveryReport:
    """Discover the account the configured credentials belong to into the graph."""
    started = time.monotonic()
    clients = clients or AwsClients(settings)
    with aws_errors(settings.aws_endpoint_url):
        account = clients.sts().get_caller_identity()["Account"]
        chosen = regions or settings.aws_regions or _enabled_regions(clients)
    own_graph = graph is None
    graph = graph or Graph(settings)
    try:
        graph.verify()
        ensure_schema(graph, SCHEMA)
        writer = GraphWriter(graph, SCHEMA, settings.write_batch_size)
        stamp = SyncStamp.now()
        work = [(u, GLOBAL_REGION) for u in units if u.global_service]
        work += [(u, region) for region in chosen for u in units if not u.global_service]
        results: list[UnitResult] = []
        warnings: list[str] = []
        with ThreadPoolExecutor(max_workers=max(1, min(settings.aws_max_workers, len(work)))) as pool:
            futures: list[tuple[AwsUnit, str, Future[UnitResult]]] = [
                (u, region, pool.submit(run_unit, u, clients, writer, account, region, stamp)) for u, region in work
            ]
            for unit, region, future in futures:
                with aws_errors(settings.aws_endpoint_url):
                    try:
                        results.append(future.result())
                    except ClientError as exc:
                        if error_code(exc) not in SKIPPABLE_CODES:
                            raise
                        warnings.append(f"{unit.service} in {region}: {error_code(exc)}; skipped, nothing removed")
                        log.warning("%s in %s skipped: %s", unit.service, region, error_code(exc))
    finally:
        if own_graph:
            graph.close()
    return DiscoveryReport(account, tuple(chosen), tuple(results), tuple(warnings), time.monotonic() - started)


def _enabled_regions(clients: AwsClients) -> tuple[str, ...]:
    ec2_client = clients.ec2(clients.settings.aws_default_region)
    regions = ec2_client.describe_regions(AllRegions=False)["Regions"]
    return tuple(sorted(r["RegionName"] for r in regions if r.get("RegionName")))
