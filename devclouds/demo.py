"""`make demo`: services up, the generated demo estate (size S) in three local clouds, discovered, API served.

    python -m devclouds.demo [--no-serve]
    python -m devclouds.demo estate --size S|M|L --seed N [--manifest PATH]

AWS is a moto server (the real AWS wire protocol), Azure a local Resource Graph server and GCP a
local Cloud Asset server, each speaking its service's REST wire format to the real SDK. Discovery
reaches them only through settings (endpoints and credentials), exactly as it would reach the clouds,
and runs as a discovery job (``devclouds.estate_discover``), listed by `aidiscover jobs` and the viewer.
The estate is the generator's size S with a fixed seed (``devclouds.estate_generator``): two AWS
accounts in two regions with shared services, Azure and GCP, and its deliberate misconfigurations.
The development clouds are not part of the installed product: this runs from a source checkout.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.api.auth import ensure_demo_api_key
from app.server import check_api_port, serve
from core.errors import AIDiscoverError
from core.logs import configure_logging
from core.settings import Settings, load_settings
from devclouds.estate_discover import discover_estate
from devclouds.estate_generator import generate_estate
from devclouds.estate_manifest import EstateManifest, Size
from devclouds.moto_server import MotoServer
from graph.neo4j.client import Graph
from graph.server import services

__all__ = ["DEMO_SEED", "DEMO_SIZE", "DemoClouds", "DemoResult", "EstateResult", "main", "prepare_demo", "run_estate"]

log = logging.getLogger(__name__)

# The graph's relationships, less the discovery jobs' own bookkeeping (a job and its units).
EDGES = "COUNT { ()-[r]->() WHERE type(r) <> 'HAS_UNIT' }"

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
    job_id: str
    resources: int
    edges: int
    seconds: float
    summaries: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    findings: int = 0
    monthly_usd: float = 0.0
    api_key: str = field(default="", repr=False)

    def lines(self, settings: Settings) -> list[str]:
        host, _ = settings.neo4j.bolt_address
        return [
            *(f"  {line}" for line in self.summaries),
            f"demo: {self.resources} resources and {self.edges} edges in the graph "
            f"(AWS, Azure and GCP) in {self.seconds:.1f} s",
            f"  {self.findings} open security findings; estimated ${self.monthly_usd:,.2f} a month",
            f"  discovery job {self.job_id}  (aidiscover jobs {self.job_id}; the viewer's Jobs page)",
            f"  viewer                  {settings.api.url}/   (sign in with the API key below)",
            f"  GraphQL API + GraphiQL  {settings.api.url}/graphql  (send the API key below; GraphiQL needs it too)",
            f"  API key (admin, demo)   {self.api_key}",
            f"  health / readiness      {settings.api.url}/health  {settings.api.url}/ready",
            f"  Neo4j Browser           http://{host}:{settings.neo4j.http_port}  (user {settings.neo4j.user})",
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
    with Graph(settings.neo4j, settings.redis) as graph:
        found = discover_estate(settings, graph, DEMO_SIZE, DEMO_SEED, url)  # the job ran findings and cost too
        counts = graph.read(
            "MATCH (n:Resource) WITH count(n) AS resources, sum(coalesce(n.monthly_cost_usd, 0.0)) AS usd "
            f"RETURN resources, usd, {EDGES} AS edges, COUNT {{ (f:Finding {{status: 'open'}}) }} AS findings"
        )[0]
        api_key = ensure_demo_api_key(graph, settings.auth)
    for warning in found.warnings:
        log.warning("demo discovery: %s", warning)
    seconds = time.monotonic() - started
    return DemoResult(
        url,
        manifest,
        found.job.id,
        int(counts["resources"]),
        int(counts["edges"]),
        seconds,
        found.summaries,
        found.warnings,
        findings=int(counts["findings"]),
        monthly_usd=float(counts["usd"]),
        api_key=api_key,
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
    """`python -m devclouds.demo estate`: generate the sized estate in local clouds, write its manifest, discover it."""
    started = time.monotonic()
    for status in services.up(settings, services.ALL_SERVICES):
        log.info("%s", status.line())
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "demo")  # moto accepts any key; the generator assumes roles with it
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "demo")
    with MotoServer() as moto, Graph(settings.neo4j, settings.redis) as graph:
        estate = generate_estate(size, seed, moto.url)
        if manifest is not None:
            manifest.write_text(estate.to_json())
        found = discover_estate(settings, graph, size, seed, moto.url, started_by="demo-estate")
        counts = graph.read(f"MATCH (n:Resource) RETURN count(n) AS resources, {EDGES} AS edges")[0]
    return EstateResult(
        int(counts["resources"]),
        int(counts["edges"]),
        len(estate.resources),
        time.monotonic() - started,
        found.summaries,
        found.warnings,
    )


def _demo(settings: Settings, no_serve: bool) -> int:
    if not no_serve:
        check_api_port(settings.api)
    clouds = DemoClouds()
    try:
        result = prepare_demo(settings, clouds)
        for line in result.lines(settings):
            print(line, flush=True)
        if not no_serve:
            print("serving; press Ctrl-C to stop", flush=True)
            serve(settings)
    finally:
        clouds.stop()
    return 0


def _estate(settings: Settings, size: Size, seed: int, manifest: str | None) -> int:
    result = run_estate(settings, size, seed, Path(manifest) if manifest else None)
    for line in result.summaries:
        print(f"  {line}")
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(
        f"estate {size} (seed {seed}): {result.manifest_resources} manifest entries; the graph holds "
        f"{result.resources} resources and {result.edges} edges; {result.seconds:.1f} s"
        + (f"; manifest in {manifest}" if manifest else "")
    )
    return 1 if result.warnings else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devclouds.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--no-serve", action="store_true", help="stop after discovery (print the summary only)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command")
    estate = sub.add_parser("estate", help="generate a sized estate in local AWS/Azure/GCP and discover it")
    estate.add_argument("--size", choices=["S", "M", "L"], default="S", help="S ~300, M ~10k, L ~100k resources")
    estate.add_argument("--seed", type=int, default=1, help="same seed, same estate")
    estate.add_argument("--manifest", help="write the JSON manifest of everything generated to this file")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        configure_logging("DEBUG" if args.verbose else settings.log.level, settings.log.format)
        if args.command == "estate":
            return _estate(settings, args.size, args.seed, args.manifest)
        return _demo(settings, args.no_serve)
    except AIDiscoverError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
