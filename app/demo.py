"""`aidiscover demo`: services up, the generated demo estate (size S) in three local clouds, discovered.

AWS is a moto server (the real AWS wire protocol), Azure a local Resource Graph server and GCP a
local Cloud Asset server, each speaking its service's REST wire format to the real SDK. Discovery
reaches them only through settings (endpoints and credentials), exactly as it would reach the clouds.
The estate is the generator's size S with a fixed seed (``ingest.emulators.estate_generator``): two AWS
accounts in two regions with shared services, Azure and GCP, and its deliberate misconfigurations.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from app.api.auth import ensure_demo_api_key
from core.errors import PortInUseError
from core.settings import Settings
from graph.neo4j.client import Graph
from graph.server import services
from graph.server.processes import port_listening
from ingest.emulators.estate_discover import discover_estate
from ingest.emulators.estate_generator import generate_estate
from ingest.emulators.estate_manifest import EstateManifest, Size
from ingest.emulators.moto_server import MotoServer
from ingest.jobs.hooks import run_post_sync

log = logging.getLogger(__name__)

DEMO_SIZE: Size = "S"
DEMO_SEED = 1


@dataclass
class DemoClouds:
    """The local AWS (moto) that serves the demo estate; Azure and GCP are served during discovery only."""

    aws: MotoServer = field(default_factory=MotoServer)

    def stop(self) -> None:
        self.aws.stop()


@dataclass(frozen=True)
class DemoResult:
    aws_endpoint: str
    manifest: EstateManifest
    resources: int
    edges: int
    seconds: float
    summaries: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    findings: int = 0
    monthly_usd: float = 0.0
    api_key: str = field(default="", repr=False)

    def lines(self, settings: Settings) -> list[str]:
        host, _ = settings.bolt_address
        return [
            *(f"  {line}" for line in self.summaries),
            f"demo: {self.resources} resources and {self.edges} edges in the graph "
            f"(AWS, Azure and GCP) in {self.seconds:.1f} s",
            f"  {self.findings} open security findings; estimated ${self.monthly_usd:,.2f} a month",
            f"  viewer                  {settings.api_url}/   (sign in with the API key below)",
            f"  GraphQL API + GraphiQL  {settings.api_url}/graphql  (send the API key below; GraphiQL needs it too)",
            f"  API key (admin, demo)   {self.api_key}",
            f"  health / readiness      {settings.api_url}/health  {settings.api_url}/ready",
            f"  Neo4j Browser           http://{host}:{settings.neo4j_http_port}  (user {settings.neo4j_user})",
            f"  demo AWS (moto)         {self.aws_endpoint}",
        ]


def prepare_demo(settings: Settings, clouds: DemoClouds) -> DemoResult:
    """Bring services up, generate the size-S estate in the three local clouds, and discover it."""
    started = time.monotonic()
    for status in services.up(settings, services.ALL_SERVICES):
        log.info("%s", status.line())
    url = clouds.aws.start()
    clouds.aws.reset()  # moto keeps its state per process: start the demo estate from an empty AWS
    # the generator and discovery use boto3's default credential chain: moto accepts any key, so give it one
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "demo")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "demo")
    manifest = generate_estate(DEMO_SIZE, DEMO_SEED, url)
    with Graph(settings) as graph:
        found = discover_estate(settings, graph, DEMO_SIZE, DEMO_SEED, url)
        hook_warnings = run_post_sync(graph, settings)  # findings and cost estimates
        counts = graph.read(
            "MATCH (n:Resource) WITH count(n) AS resources, sum(coalesce(n.monthly_cost_usd, 0.0)) AS usd "
            "RETURN resources, usd, COUNT { ()-->() } AS edges, COUNT { (f:Finding {status: 'open'}) } AS findings"
        )[0]
        api_key = ensure_demo_api_key(graph, settings)
    warnings = (*found.warnings, *hook_warnings)
    for warning in warnings:
        log.warning("demo discovery: %s", warning)
    seconds = time.monotonic() - started
    return DemoResult(
        url,
        manifest,
        int(counts["resources"]),
        int(counts["edges"]),
        seconds,
        found.summaries,
        warnings,
        findings=int(counts["findings"]),
        monthly_usd=float(counts["usd"]),
        api_key=api_key,
    )


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
        hook_warnings = run_post_sync(graph, settings)  # findings and cost estimates
        counts = graph.read("MATCH (n:Resource) RETURN count(n) AS resources, COUNT { ()-->() } AS edges")[0]
    return EstateResult(
        int(counts["resources"]),
        int(counts["edges"]),
        len(estate.resources),
        time.monotonic() - started,
        found.summaries,
        (*found.warnings, *hook_warnings),
    )
