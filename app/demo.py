"""`aidiscover demo`: services up, a demo estate in three local clouds, discovered into the graph.

AWS is a moto server (the real AWS wire protocol), Azure a local Resource Graph server and GCP a
local Cloud Asset server, each speaking its service's REST wire format to the real SDK. Discovery
reaches them only through settings (endpoints and credentials), exactly as it would reach the clouds.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import boto3

from app.errors import PortInUseError
from app.settings import Settings
from graph.neo4j.client import Graph
from graph.server import services
from graph.server.processes import port_listening
from ingest.emulators import seed_aws_compute, seed_aws_data, seed_aws_identity, seed_aws_network
from ingest.emulators.azure_estate import PROD as AZURE_PROD
from ingest.emulators.azure_estate import SHARED as AZURE_SHARED
from ingest.emulators.azure_estate import build_estate as azure_estate
from ingest.emulators.azure_resource_graph import AzureResourceGraphServer
from ingest.emulators.demo_estate import DEMO_REGIONS, seed_demo_estate
from ingest.emulators.estate_discover import discover_estate
from ingest.emulators.estate_generator import generate_estate
from ingest.emulators.estate_manifest import Size
from ingest.emulators.gcp_cloud_asset import CloudAssetServer
from ingest.emulators.gcp_estate import ORG_ID as GCP_ORG_ID
from ingest.emulators.gcp_estate import build_estate as gcp_estate
from ingest.emulators.moto_server import MotoServer
from ingest.providers.aws.client import AwsClients
from ingest.providers.azure.run import discover_azure
from ingest.providers.gcp.run import discover_gcp
from ingest.run import DiscoveryReport, discover_aws

log = logging.getLogger(__name__)


@dataclass
class DemoClouds:
    """The three local clouds; ``stop()`` stops whichever were started."""

    aws: MotoServer = field(default_factory=MotoServer)
    azure: AzureResourceGraphServer = field(default_factory=lambda: AzureResourceGraphServer(azure_estate()))
    gcp: CloudAssetServer = field(default_factory=lambda: CloudAssetServer(gcp_estate()))

    def stop(self) -> None:
        self.aws.stop()
        for server in (self.azure, self.gcp):
            if server.url:
                server.stop()


@dataclass(frozen=True)
class DemoResult:
    aws_endpoint: str
    report: DiscoveryReport
    resources: int
    edges: int
    seconds: float
    summaries: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def lines(self, settings: Settings) -> list[str]:
        host, _ = settings.bolt_address
        return [
            *(f"  {line}" for line in self.summaries),
            f"demo: {self.resources} resources and {self.edges} edges in the graph "
            f"(AWS, Azure and GCP) in {self.seconds:.1f} s",
            f"  GraphQL API + GraphiQL  {settings.api_url}/graphql",
            f"  landing page            {settings.api_url}/",
            f"  health / readiness      {settings.api_url}/health  {settings.api_url}/ready",
            f"  Neo4j Browser           http://{host}:{settings.neo4j_http_port}  (user {settings.neo4j_user})",
            f"  demo AWS (moto)         {self.aws_endpoint}",
        ]


def prepare_demo(settings: Settings, clouds: DemoClouds) -> DemoResult:
    """Bring services up, start the three local clouds with the demo estate, and discover them."""
    started = time.monotonic()
    for status in services.up(settings, services.ALL_SERVICES):
        log.info("%s", status.line())
    url = clouds.aws.start()
    # the area seeds use boto3's default credential chain: moto accepts any key, so give it one
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "demo")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "demo")
    seed_demo_estate(url)
    # each area's realistic set around VPCs of its own (compute in eu-west-1: its queue shares a name with data's)
    seed_aws_network.seed(url, "us-east-1")
    seed_aws_data.seed(url, "us-east-1")
    seed_aws_compute.seed(url, "eu-west-1")
    seed_aws_identity.seed(url, "us-east-1")
    demo = settings.model_copy(
        update={
            "aws_endpoint_url": url,
            "aws_regions": DEMO_REGIONS,
            "azure_endpoint": clouds.azure.start(),
            "azure_token": "demo-token",  # the local Resource Graph accepts any bearer token
            "azure_subscriptions": (AZURE_PROD, AZURE_SHARED),
            "gcp_endpoint": clouds.gcp.start(),
            "gcp_anonymous": True,
            "gcp_scopes": (f"organizations/{GCP_ORG_ID}",),
        }
    )
    session = boto3.Session(aws_access_key_id="demo", aws_secret_access_key="demo")  # noqa: S106 - moto
    with Graph(settings) as graph:
        report = discover_aws(demo, graph=graph, clients=AwsClients(demo, session))
        azure = discover_azure(demo, graph=graph)
        gcp = discover_gcp(demo, graph=graph)
        counts = graph.read("MATCH (n:Resource) RETURN count(n) AS resources, COUNT { ()-->() } AS edges")[0]
    summaries = (report.summary(), azure.summary(), gcp.summary())
    warnings = (*report.warnings, *report.errors, *azure.warnings, *gcp.warnings)
    for warning in warnings:
        log.warning("demo discovery: %s", warning)
    seconds = time.monotonic() - started
    return DemoResult(url, report, int(counts["resources"]), int(counts["edges"]), seconds, summaries, warnings)


def check_api_port(settings: Settings) -> None:
    """Fail before any work when the API's port is taken, instead of after discovery."""
    if port_listening(settings.api_host, settings.api_port):
        raise PortInUseError(
            f"{settings.api_host}:{settings.api_port} is in use by another program: stop it, or set AIDISCOVER_API_PORT"
        )


@dataclass(frozen=True)
class EstateResult:
    resources: int
    edges: int
    manifest_resources: int
    seconds: float
    summaries: tuple[str, ...]
    warnings: tuple[str, ...]


def run_estate(settings: Settings, size: Size, seed: int, manifest: Path | None = None) -> EstateResult:
    """`aidiscover demo-estate`: generate the sized estate in local clouds, write its manifest, discover it."""
    started = time.monotonic()
    for status in services.up(settings, services.ALL_SERVICES):
        log.info("%s", status.line())
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "demo")  # moto accepts any key; the generator assumes roles with it
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "demo")
    with MotoServer() as moto, Graph(settings) as graph:
        estate = generate_estate(size, seed, moto.url)
        if manifest is not None:
            manifest.write_text(estate.to_json())
        found = discover_estate(settings, graph, size, seed, moto.url)
        counts = graph.read("MATCH (n:Resource) RETURN count(n) AS resources, COUNT { ()-->() } AS edges")[0]
    return EstateResult(
        int(counts["resources"]), int(counts["edges"]), len(estate.resources), time.monotonic() - started,
        found.summaries, found.warnings,
    )  # fmt: skip
