"""The demo estate generator: a deterministic multi-tier estate across AWS, Azure and GCP, with a manifest.

``generate_estate(size, seed, aws_url)`` creates the AWS share in a moto server (two accounts, two regions
each) and returns the ``EstateManifest`` of everything created in the three clouds. The Azure and GCP
shares are rows for the local Resource Graph and Cloud Asset servers: ``azure_estate_for`` and
``gcp_estate_for`` rebuild them from the same size and seed (the generator is deterministic: one
``random.Random(seed)`` per cloud, so the AWS calls cannot shift the Azure or GCP rows).

``python -m devclouds.estate_generator --size S --seed 1 --manifest estate.json`` starts its own
moto server unless ``--aws-url`` is given, and writes the manifest.
"""

from __future__ import annotations

import argparse
import logging
import random
import time
from pathlib import Path

from devclouds.azure_estate import AzureEstate
from devclouds.estate_aws import seed_aws
from devclouds.estate_azure import build_azure
from devclouds.estate_gcp import build_gcp
from devclouds.estate_manifest import SIZES, Collected, EstateManifest, Size
from devclouds.gcp_estate import GcpEstate
from devclouds.moto_server import MotoServer

log = logging.getLogger(__name__)


def _rng(seed: int, cloud: str) -> random.Random:
    return random.Random(f"{seed}:{cloud}")  # noqa: S311 - reproducible test data, not secrets


def azure_estate_for(size: Size, seed: int, out: Collected | None = None) -> AzureEstate:
    return build_azure(SIZES[size].azure_tiers, _rng(seed, "azure"), out or Collected())


def gcp_estate_for(size: Size, seed: int, out: Collected | None = None) -> GcpEstate:
    return build_gcp(SIZES[size].gcp_tiers, _rng(seed, "gcp"), out or Collected())


def generate_estate(size: Size, seed: int, aws_url: str) -> EstateManifest:
    """Create the AWS share in the (freshly reset) moto server at ``aws_url``; the manifest of all three clouds."""
    out = Collected()
    seconds: dict[str, float] = {}
    started = time.monotonic()
    seed_aws(aws_url, SIZES[size].aws_tiers, _rng(seed, "aws"), out)
    seconds["aws"] = round(time.monotonic() - started, 2)
    started = time.monotonic()
    azure_estate_for(size, seed, out)
    seconds["azure"] = round(time.monotonic() - started, 2)
    started = time.monotonic()
    gcp_estate_for(size, seed, out)
    seconds["gcp"] = round(time.monotonic() - started, 2)
    manifest = EstateManifest(
        size, seed, tuple(out.resources), tuple(out.edges), seconds, tuple(sorted(out.misconfigurations))
    )
    log.info(
        "estate %s/%s: %s resources (aws %s, azure %s, gcp %s) and %s edges; seeding times %s",
        size,
        seed,
        len(manifest.resources),
        manifest.count("aws"),
        manifest.count("azure"),
        manifest.count("gcp"),
        len(manifest.edges),
        seconds,
    )
    return manifest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("--aws-url", default="")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.aws_url:
        manifest = generate_estate(args.size, args.seed, args.aws_url)
    else:
        with MotoServer() as server:
            manifest = generate_estate(args.size, args.seed, server.url)
    args.manifest.write_text(manifest.to_json())


if __name__ == "__main__":
    main()
