"""Benchmark: latency and throughput of the analysis queries on a synthetic estate (default 100k resources).

    .venv/bin/python bench/bench_queries.py --wipe-graph [--size 100000] [--runs 200]

EMPTIES the Neo4j the settings name (``NEO4J_URI`` ...), writes a synthetic estate of ``--size`` resources
(bench/synthetic_graph.py: ~2.5 relationships per node, AWS/Azure/GCP tiers in the shapes discovery
writes) with UNWIND batches, then runs each query ``--runs`` times, one client, sequentially, on
random targets: a page of 50 resources with their neighbours through the GraphQL schema (on one event
loop, as in the server), a filtered search with a property predicate and total count, the blast radius
(depth 6) of a random KMS key, database or instance, the shortest path between two resources of the
same network, and the exposure paths of a random internet-facing load balancer. Reports p50/p95 in ms
and requests/s (runs / total time). Results: bench/results/queries.json (entries of other sizes are
kept) and the ``queries`` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.api.context import Context  # noqa: E402
from app.api.permissions import Principal  # noqa: E402
from app.api.schema import schema  # noqa: E402
from app.server import create_app, freeze_heap  # noqa: E402
from bench.doc import machine, write_section  # noqa: E402
from bench.synthetic_graph import batches, write  # noqa: E402
from core.settings import load_settings  # noqa: E402
from graph.neo4j.client import Graph  # noqa: E402
from graph.neo4j.constraints import ensure_schema  # noqa: E402
from graph.schema import SCHEMA  # noqa: E402
from queries.blast import blast_radius  # noqa: E402
from queries.exposure import exposure_paths  # noqa: E402
from queries.filters import PropertyPredicate  # noqa: E402
from queries.paths import shortest_path  # noqa: E402
from queries.resources import (  # noqa: E402
    NeighborQuery,
    ResourceFilter,
    encode_cursor,
    neighbors,
    search_resources,
)
from tests.app.auth_server import serving  # noqa: E402
from tests.settings_update import replace_settings  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "queries.json"
START, END = "<!-- queries:start -->", "<!-- queries:end -->"

PAGE = """query($after: String) { resources(first: 50, after: $after) { edges { node { id name kind
  neighbors(first: 20) { type direction node { id kind } } } } } }"""


def build(graph: Graph, size: int) -> dict[str, Any]:
    graph.wipe()
    ensure_schema(graph, SCHEMA)
    started = time.perf_counter()
    for batch in batches(size):
        write(graph, batch)
    seconds = time.perf_counter() - started
    counts = (
        graph.read("MATCH (n) RETURN count(n) AS n")[0]["n"],
        graph.read("MATCH ()-[r]->() RETURN count(r) AS r")[0]["r"],
    )
    resources = graph.read("MATCH (n:Resource) RETURN count(n) AS n")[0]["n"]
    return {"write_seconds": round(seconds, 1), "nodes": counts[0], "relationships": counts[1], "resources": resources}


def ids_of(graph: Graph, kinds: list[str], limit: int = 5000) -> list[str]:
    rows = graph.read(
        "MATCH (n:Resource) WHERE n.kind IN $k RETURN n.id AS id ORDER BY n.id LIMIT $l", {"k": kinds, "l": limit}
    )
    return [str(r["id"]) for r in rows]


def measure(fn: Callable[[], object], runs: int, warmup: int = 20) -> dict[str, float]:
    for _ in range(warmup):
        fn()
    times = []
    started = time.perf_counter()
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - started
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
        "requests_per_s": round(runs / total, 1),
    }


def run(graph: Graph, size: int, runs: int, skip: set[str]) -> dict[str, Any]:
    rng = random.Random(7)  # noqa: S311 - reproducible targets, not secrets
    all_ids = ids_of(graph, sorted(k.label for k in SCHEMA.resource_kinds()), 20000)
    roots = ids_of(graph, ["KMSKey", "RDSInstance", "EC2Instance"])
    lbs = ids_of(graph, ["LoadBalancer"])
    web = ids_of(graph, ["EC2Instance"])
    ctx = Context(graph=graph, settings=load_settings(), principal=Principal("bench", "viewer", "local"))
    loop = asyncio.new_event_loop()  # one loop for every request, as in the server (uvicorn)
    freeze_heap()  # as the server does at start-up

    def page() -> None:
        variables = {"after": encode_cursor(rng.choice(all_ids))}
        request = Context(graph=graph, settings=ctx.settings, principal=ctx.principal)
        result = loop.run_until_complete(schema.execute(PAGE, variable_values=variables, context_value=request))
        assert result.errors is None, result.errors

    stack = ExitStack()  # the real app (auth off, no rate limit) under uvicorn, on this graph
    plain = replace_settings(load_settings(), auth={"mode": "off", "rate_limit_per_minute": 0})
    base = stack.enter_context(serving(create_app(plain, graph)))
    client = stack.enter_context(httpx.Client(base_url=base, timeout=30))

    def page_http() -> None:
        variables = {"after": encode_cursor(rng.choice(all_ids))}
        response = client.post("/graphql", json={"query": PAGE, "variables": variables})
        if response.status_code != 200 or "errors" in response.json():
            raise SystemExit(f"page over HTTP failed: {response.status_code} {response.text[:300]}")

    def page_query_layer() -> None:
        found = search_resources(graph, None, 50, encode_cursor(rng.choice(all_ids)))
        neighbors(graph, [(i.kind, i.id) for i in found.items], NeighborQuery(limit=20))

    def search() -> None:
        flt = ResourceFilter(
            kinds=("EC2Instance",),
            regions=(rng.choice(("us-east-1", "eu-west-1")),),
            properties=(PropertyPredicate("instance_type", "EQ", "t3.large"),),
        )
        search_resources(graph, flt, first=50)

    def blast() -> None:
        blast_radius(graph, rng.choice(roots), 6)

    def path() -> None:
        a = rng.choice(web)
        b = a.rsplit("/", 1)[0] + "/db"  # the database of the same tier: same VPC
        assert shortest_path(graph, a, b, 8) is not None

    def exposure() -> None:
        exposure_paths(graph, rng.choice(lbs))

    cases = {
        "page_50_with_neighbours": page,
        "page_50_with_neighbours_http": page_http,
        "page_50_with_neighbours_query_layer": page_query_layer,
        "search_with_filter": search,
        "blast_radius_depth6": blast,
        "shortest_path": path,
        "exposure_of_a_load_balancer": exposure,
    }
    with stack:
        return {name: measure(fn, runs) for name, fn in cases.items() if name not in skip}


def write_results(size: int, built: dict[str, Any], figures: dict[str, dict[str, float]], date: str) -> None:
    old = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    names = {"write_synthetic_estate"} if built.get("write_seconds") is not None else set()
    names |= {f"{q}.{m}" for q, f in figures.items() for m in f}
    kept = [e for e in old if e.get("estate_size") != size or e["name"] not in names]  # a partial rerun keeps the rest
    heap = os.environ.get("AIDISCOVER_NEO4J_HEAP", "default")
    cache = os.environ.get("AIDISCOVER_NEO4J_PAGECACHE", "default")
    where = f"{machine()}, Neo4j heap {heap} page cache {cache}"
    new = (
        [
            {
                "name": "write_synthetic_estate",
                "value": built["write_seconds"],
                "unit": "s",
                "estate_size": size,
                "machine": where,
                "date": date,
            }
        ]
        if "write_synthetic_estate" in names
        else []
    )
    for query, f in figures.items():
        for metric, value in f.items():
            unit = "ms" if metric.endswith("_ms") else "requests/s"
            new.append(
                {
                    "name": f"{query}.{metric}",
                    "value": value,
                    "unit": unit,
                    "estate_size": size,
                    "machine": where,
                    "date": date,
                }
            )
    RESULTS.write_text(json.dumps(sorted(kept + new, key=lambda e: (e["estate_size"], e["name"])), indent=2) + "\n")


def section() -> str:
    entries = json.loads(RESULTS.read_text())
    sizes = sorted({e["estate_size"] for e in entries})
    lines = [START, "## Analysis queries (`bench/bench_queries.py`)", ""]
    for size in sizes:
        es = {e["name"]: e for e in entries if e["estate_size"] == size}
        any_e = next(iter(es.values()))
        lines += [
            f"### {size:,} resources",
            "",
            f"Measured {any_e['date']} on {any_e['machine']}; synthetic estate written in "
            f"{es['write_synthetic_estate']['value']} s. One client, "
            "sequential requests, random targets.",
            "",
            "| query | p50 ms | p95 ms | requests/s |",
            "| --- | --- | --- | --- |",
        ]
        for query in sorted({n.split(".")[0] for n in es if "." in n}):
            lines.append(
                f"| {query} | {es[query + '.p50_ms']['value']} | {es[query + '.p95_ms']['value']} | "
                f"{es[query + '.requests_per_s']['value']} |"
            )
        lines.append("")
    lines += [
        "Targets: page of 50 with neighbours p95 < 50 ms at 100k; blast radius (depth <= 6) p95 < 100 ms at 1M. "
        "page_50_with_neighbours goes through the GraphQL schema on one event loop, after the server's start-up "
        "heap freeze (app.server.freeze_heap): the page and its neighbours are read in one worker-thread call "
        "(only ids and labels of the neighbours, as the query asks for nothing more; no count, as it asks for no "
        "totalCount), plus Strawberry building the typed objects; page_50_with_neighbours_query_layer is the "
        "page, its count and the whole neighbour nodes through the query functions only; "
        "page_50_with_neighbours_http is the same GraphQL request to the real app under uvicorn (same process, "
        "auth and rate limit off) with an httpx client, JSON both ways; the others call the query functions. "
        "Blast radius roots are random KMS keys, databases and instances; "
        "shortest paths join an instance and the database of its tier. The synthetic estate has about 2 "
        "relationships per node. Raw figures: `bench/results/queries.json`.",
        END,
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--skip", default="", help="comma-separated query names not to run")
    parser.add_argument("--reuse-graph", action="store_true", help="measure the graph already written")
    parser.add_argument("--wipe-graph", action="store_true", help="required: the graph is emptied first")
    args = parser.parse_args()
    if not args.wipe_graph and not args.reuse_graph:
        parser.error("this benchmark EMPTIES the graph at NEO4J_URI; pass --wipe-graph to confirm")
    settings = load_settings()
    graph = Graph(settings.neo4j, settings.redis)
    date = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    if args.reuse_graph:
        built = {"write_seconds": None, "resources": graph.read("MATCH (n:Resource) RETURN count(n) AS n")[0]["n"]}
    else:
        built = build(graph, args.size)
    print(f"estate: {built}", flush=True)
    figures = run(graph, args.size, args.runs, set(filter(None, args.skip.split(","))))
    for name, f in figures.items():
        print(f"{name}: {f}", flush=True)
    write_results(args.size, built, figures, date)
    write_section(START, END, section())
    graph.close()


if __name__ == "__main__":
    main()
