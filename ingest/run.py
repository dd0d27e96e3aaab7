"""Run a discovery of one AWS account: every region in parallel (bounded), one unit per region.

A unit that AWS refuses (AccessDenied, region not opted in) becomes a warning on the report while
the others go on; an unreachable endpoint or missing credentials stop the run with a one-line error.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from app.settings import Settings
from graph.neo4j.client import Graph
from graph.neo4j.constraints import ensure_schema
from graph.schema import SCHEMA
from graph.write import GraphWriter, SyncStamp
from ingest.providers.aws import ec2
from ingest.providers.aws.client import SKIPPABLE_CODES, AwsClients, aws_errors, error_code

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client

log = logging.getLogger(__name__)

MAX_REGION_WORKERS = 4


@dataclass(frozen=True)
class UnitResult:
    provider: str
    account: str
    region: str
    service: str
    counts: ec2.UnitCounts
    seconds: float


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
        ec2_clients = {region: clients.ec2(region) for region in chosen}
        warnings: list[str] = []
        units: list[UnitResult] = []
        with ThreadPoolExecutor(max_workers=min(MAX_REGION_WORKERS, len(chosen)) or 1) as pool:
            futures = {
                region: pool.submit(_run_unit, ec2_clients[region], writer, account, region, stamp) for region in chosen
            }
            for region, future in futures.items():
                with aws_errors(settings.aws_endpoint_url):
                    try:
                        units.append(future.result())
                    except ClientError as exc:
                        if error_code(exc) not in SKIPPABLE_CODES:
                            raise
                        warnings.append(f"ec2 in {region}: {error_code(exc)}; skipped, nothing removed")
                        log.warning("ec2 in %s skipped: %s", region, error_code(exc))
    finally:
        if own_graph:
            graph.close()
    return DiscoveryReport(account, tuple(chosen), tuple(units), tuple(warnings), time.monotonic() - started)


def _run_unit(client: EC2Client, writer: GraphWriter, account: str, region: str, stamp: SyncStamp) -> UnitResult:
    started = time.monotonic()
    counts = ec2.sync_ec2(client, writer, account, region, stamp)
    return UnitResult("aws", account, region, "ec2", counts, time.monotonic() - started)


def _enabled_regions(clients: AwsClients) -> tuple[str, ...]:
    ec2_client = clients.ec2(clients.settings.aws_default_region)
    regions = ec2_client.describe_regions(AllRegions=False)["Regions"]
    return tuple(sorted(r["RegionName"] for r in regions if r.get("RegionName")))
