"""`aidiscover demo`: services up, a demo AWS estate in a moto server, discovered into the graph.

The moto server speaks the real AWS wire protocol; discovery reaches it only through settings
(``AWS_ENDPOINT_URL``), exactly as it would reach AWS.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import boto3

from app.errors import PortInUseError
from app.settings import Settings
from graph.neo4j.client import Graph
from graph.server import services
from graph.server.processes import port_listening
from ingest.emulators.demo_estate import DEMO_REGIONS, seed_demo_estate
from ingest.emulators.moto_server import MotoServer
from ingest.providers.aws.client import AwsClients
from ingest.run import DiscoveryReport, discover_aws

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemoResult:
    aws_endpoint: str
    report: DiscoveryReport
    resources: int
    edges: int
    seconds: float

    def lines(self, settings: Settings) -> list[str]:
        host, _ = settings.bolt_address
        return [
            f"demo: {self.resources} resources and {self.edges} edges in the graph "
            f"(account {self.report.account}, {', '.join(self.report.regions)}) in {self.seconds:.1f} s",
            f"  GraphQL API + GraphiQL  {settings.api_url}/graphql",
            f"  landing page            {settings.api_url}/",
            f"  health / readiness      {settings.api_url}/health  {settings.api_url}/ready",
            f"  Neo4j Browser           http://{host}:{settings.neo4j_http_port}  (user {settings.neo4j_user})",
            f"  demo AWS (moto)         {self.aws_endpoint}",
        ]


def prepare_demo(settings: Settings, moto: MotoServer) -> DemoResult:
    """Bring services up, seed the demo estate into ``moto`` (started here) and discover it."""
    started = time.monotonic()
    for status in services.up(settings, services.ALL_SERVICES):
        log.info("%s", status.line())
    url = moto.start()
    seed_demo_estate(url)
    demo_settings = settings.model_copy(update={"aws_endpoint_url": url, "aws_regions": DEMO_REGIONS})
    session = boto3.Session(aws_access_key_id="demo", aws_secret_access_key="demo")  # noqa: S106 - moto
    with Graph(settings) as graph:
        report = discover_aws(demo_settings, graph=graph, clients=AwsClients(demo_settings, session))
        counts = graph.read("MATCH (n:Resource) RETURN count(n) AS resources, COUNT { ()-->() } AS edges")[0]
    return DemoResult(url, report, int(counts["resources"]), int(counts["edges"]), time.monotonic() - started)


def check_api_port(settings: Settings) -> None:
    """Fail before any work when the API's port is taken, instead of after discovery."""
    if port_listening(settings.api_host, settings.api_port):
        raise PortInUseError(
            f"{settings.api_host}:{settings.api_port} is in use by another program: stop it, or set AIDISCOVER_API_PORT"
        )
