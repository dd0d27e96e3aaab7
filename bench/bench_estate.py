"""Benchmark: generate the demo estate (default size M), discover it end to end, check it against its manifest.

    .venv/bin/python -m bench.bench_estate --wipe-graph [--size M] [--seed 1]

Starts an in-process moto server, creates the AWS share of the estate in it, serves the Azure and GCP
shares from the local Resource Graph and Cloud Asset servers, and discovers all three with the real
discovery code into the Neo4j the settings name (``NEO4J_URI`` ...). That database is EMPTIED first,
hence the required ``--wipe-graph``. Then every manifest resource must be a node with its label and id,
and every manifest edge a relationship; the misses are counted (zero expected).

Records wall times (generation per cloud, discovery, check) and the peak RSS of this process (which
hosts moto, the two local servers and discovery; Neo4j runs in its own JVM and is not included) in
bench/results/estate.json and the ``estate`` section of docs/benchmarks.md (between
``<!-- estate:start -->`` and ``<!-- estate:end -->``, appended when absent; the rest is left alone).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as `python bench/bench_estate.py`
    sys.path.insert(0, str(ROOT))

from bench.doc import write_section  # noqa: E402
from core.settings import load_settings  # noqa: E402
from devclouds.estate_discover import discover_estate  # noqa: E402
from devclouds.estate_generator import generate_estate  # noqa: E402
from devclouds.estate_manifest import SIZES, EstateManifest  # noqa: E402
from devclouds.moto_server import MotoServer  # noqa: E402
from graph.neo4j.client import Graph  # noqa: E402

log = logging.getLogger("bench.estate")

RESULTS_DIR = ROOT / "bench" / "results"


def results_file(size: str) -> Path:
    """estate.json for M (the size the issue asks to measure), estate_<size>.json for the others."""
    return RESULTS_DIR / ("estate.json" if size == "M" else f"estate_{size}.json")


def markers(size: str) -> tuple[str, str]:
    """Each size keeps its own section of docs/benchmarks.md (M's markers predate the others)."""
    tag = "estate" if size == "M" else f"estate-{size}"
    return f"<!-- {tag}:start -->", f"<!-- {tag}:end -->"


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # kB on Linux


def check(manifest: EstateManifest, graph: Graph) -> dict[str, int]:
    """Manifest entries missing from the graph (resources, edges) and graph nodes of covered kinds not in it."""
    missing_nodes = extra_nodes = 0
    for label in sorted(manifest.labels()):
        found = {r["id"] for r in graph.read("MATCH (n) WHERE $l IN labels(n) RETURN n.id AS id", {"l": label})}
        missing_nodes += len(manifest.ids(label) - found)
        extra_nodes += len(found - manifest.ids(label))
    wanted: dict[tuple[str, str, str], set[tuple[str, str]]] = defaultdict(set)
    for e in manifest.edges:
        wanted[(e.type, e.source_label, e.target_label)].add((e.source, e.target))
    missing_edges = 0
    for (type_, source, target), pairs in wanted.items():
        rows = graph.read(
            "MATCH (a)-[r]->(b) WHERE type(r) = $t AND $s IN labels(a) AND $d IN labels(b) RETURN a.id AS a, b.id AS b",
            {"t": type_, "s": source, "d": target},
        )
        missing_edges += len(pairs - {(r["a"], r["b"]) for r in rows})
    return {"missing_nodes": missing_nodes, "extra_nodes_of_covered_kinds": extra_nodes, "missing_edges": missing_edges}


def run(size: str, seed: int) -> dict[str, Any]:
    settings = load_settings()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")  # moto accepts any key
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    os.environ.pop("AWS_PROFILE", None)
    started = time.monotonic()
    with MotoServer() as moto, Graph(settings.neo4j, settings.redis) as graph:
        graph.verify()
        graph.wipe()
        wiped = time.monotonic()
        manifest = generate_estate(size, seed, moto.url)  # type: ignore[arg-type]
        generated = time.monotonic()
        result = discover_estate(settings, graph, size, seed, moto.url, started_by="bench")  # type: ignore[arg-type]
        discovered = time.monotonic()
        misses = check(manifest, graph)
        checked = time.monotonic()
        graph_nodes = int(graph.read("MATCH (n) RETURN count(n) AS c")[0]["c"])
        graph_edges = int(graph.read("MATCH ()-[r]->() RETURN count(r) AS c")[0]["c"])
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "size": size,
        "seed": seed,
        "plan": SIZES[size].__dict__,
        "nproc": os.cpu_count(),
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        "neo4j_heap": settings.neo4j.heap,
        "resources": {c: manifest.count(c) for c in ("aws", "azure", "gcp")},
        "resources_total": len(manifest.resources),
        "manifest_edges": len(manifest.edges),
        "graph_nodes": graph_nodes,
        "graph_relationships": graph_edges,
        "seconds": {
            "generate_per_cloud": manifest.seconds,
            "generate": round(generated - wiped, 1),
            "discover": round(discovered - generated, 1),
            "check": round(checked - discovered, 1),
            "total": round(checked - started, 1),
        },
        "peak_rss_mb": peak_rss_mb(),
        "check": misses,
        "discovery": list(result.summaries),
        "warnings": list(result.warnings),
    }


def section(r: dict[str, Any]) -> str:
    s = r["seconds"]
    res = r["resources"]
    miss = r["check"]
    aws_tiers = 4 * int(r["plan"]["aws_tiers"])
    start, end = markers(r["size"])
    return "\n".join(
        [
            start,
            f"## Demo estate, size {r['size']} (`bench/bench_estate.py`)",
            "",
            f"Measured {r['date']} on {r['nproc']} CPUs (1-minute load average {r['load_average_1m_at_end']} at the "
            "end; other work on the machine makes the figures noisy). Raw figures: `bench/results/estate.json`.",
            "",
            "| what | value |",
            "| --- | --- |",
            f"| resources in the manifest | {r['resources_total']} (AWS {res['aws']}, Azure {res['azure']}, "
            f"GCP {res['gcp']}) |",
            f"| manifest edges | {r['manifest_edges']} |",
            f"| graph after discovery | {r['graph_nodes']} nodes, {r['graph_relationships']} relationships |",
            f"| generate (moto calls for AWS; rows for Azure, GCP) | {s['generate']} s "
            f"(AWS {s['generate_per_cloud'].get('aws')} s) |",
            f"| discover end to end (3 clouds into Neo4j) | {s['discover']} s |",
            f"| check the graph against the manifest | {s['check']} s |",
            f"| wall time, total | {s['total']} s |",
            f"| peak RSS of the bench process | {r['peak_rss_mb']} MB |",
            f"| manifest misses | {miss['missing_nodes']} nodes, {miss['missing_edges']} edges; "
            f"{miss['extra_nodes_of_covered_kinds']} unlisted nodes of covered kinds |",
            "",
            f"Most of the volume is in Azure and GCP (rows in memory): moto creates AWS resources one API call "
            f"at a time, here {aws_tiers} app tiers (2 accounts x 2 regions x {r['plan']['aws_tiers']}) in "
            f"{s['generate_per_cloud'].get('aws')} s. The peak RSS covers this process (moto, the local Resource "
            "Graph and Cloud Asset servers and discovery); Neo4j's JVM is separate.",
            end,
        ]
    )


def write_doc(text: str, size: str) -> None:
    write_section(*markers(size), text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", choices=sorted(SIZES), default="M")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--wipe-graph", action="store_true", help="required: the configured Neo4j is emptied first")
    args = parser.parse_args()
    if not args.wipe_graph:
        parser.error("this benchmark empties the configured Neo4j: pass --wipe-graph to confirm")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    result = run(args.size, args.seed)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    results_file(args.size).write_text(json.dumps(result, indent=2) + "\n")
    write_doc(section(result), args.size)
    log.info("estate %s: %s", args.size, json.dumps(result["seconds"]))


if __name__ == "__main__":
    main()
