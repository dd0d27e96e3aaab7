"""Benchmark: what recording resource history costs the graph writer.

    .venv/bin/python bench/bench_history.py --wipe-graph [--size 10000]

A synthetic estate of ``size`` EC2 instances (eight properties each) is written through the real
``graph.write.GraphWriter`` in three syncs, each timed with history off and on (the graph emptied
before each pair): the first sync (every node created: one Change each), a resync where nothing
changed (the comparison runs, nothing is recorded), and a resync where 10 % of the instances changed
two properties. The configured database is EMPTIED, hence the required ``--wipe-graph``. Results go to
bench/results/history.json and the ``history`` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as `python bench/bench_history.py`
    sys.path.insert(0, str(ROOT))

from bench.doc import write_section  # noqa: E402
from core.settings import load_settings  # noqa: E402
from graph.neo4j.client import Graph  # noqa: E402
from graph.neo4j.constraints import ensure_schema  # noqa: E402
from graph.rows import NodeRow, PropValue  # noqa: E402
from graph.schema import SCHEMA  # noqa: E402
from graph.write import GraphWriter, SyncStamp  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "history.json"
START, END = "<!-- history:start -->", "<!-- history:end -->"
MACHINE = "2 cores, 24 GB"


def rows(size: int, changed_every: int = 0) -> list[NodeRow]:
    out = []
    for i in range(size):
        changed = changed_every and i % changed_every == 0
        props: dict[str, PropValue] = {
            "account": f"{100000000000 + i % 4}",
            "region": "eu-west-1",
            "name": f"app-{i}",
            "instance_id": f"i-{i:08x}",
            "instance_type": "t3.large" if changed else "t3.micro",
            "state": "stopped" if changed else "running",
            "private_ip": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}",
            "tags": ("env=prod", f"n={i % 7}"),
        }
        out.append(NodeRow("EC2Instance", f"arn:aws:ec2:eu-west-1:1:instance/i-{i:08x}", props))
    return out


def wipe(graph: Graph) -> None:
    graph.wipe()


def timed(graph: Graph, batch: list[NodeRow], history: bool, generation: int) -> float:
    writer = GraphWriter(graph, SCHEMA, 1000, strict=False, history=history, job_id="bench")
    started = time.perf_counter()
    writer.nodes(batch, SyncStamp(generation, dt.datetime.now(dt.UTC)))
    return time.perf_counter() - started


def run(size: int, repeat: int) -> list[dict[str, Any]]:
    """Off and on alternate ``repeat`` times (the machine is shared): the median of each is kept."""
    settings = load_settings()
    date = dt.date.today().isoformat()
    base, resync, changed = rows(size), rows(size), rows(size, changed_every=10)
    seconds: dict[str, list[float]] = {}
    with Graph(settings.neo4j, settings.redis) as graph:
        ensure_schema(graph, SCHEMA)
        for _ in range(repeat):
            for history in (False, True):
                wipe(graph)
                label = "on" if history else "off"
                for name, batch, gen in (
                    ("first sync", base, 1),
                    ("unchanged resync", resync, 2),
                    ("10% changed resync", changed, 3),
                ):
                    seconds.setdefault(f"{name}, history {label}", []).append(timed(graph, batch, history, gen))
        wipe(graph)
    return [
        {
            "name": name,
            "value": round(size / statistics.median(times)),
            "unit": "nodes/s",
            "estate_size": size,
            "machine": MACHINE,
            "date": date,
        }
        for name, times in seconds.items()
    ]


def write_doc(results: list[dict[str, Any]], size: int) -> None:
    by = {r["name"]: r["value"] for r in results}
    lines = [
        START,
        "## History (what recording changes costs the writer)",
        "",
        f"`bench/bench_history.py --size {size}`: {size} EC2 instances through `GraphWriter` (batches of 1000), "
        "history off vs on alternated three times (medians), on a shared 2-core machine (noisy figures).",
        "",
        "| sync | history off (nodes/s) | history on (nodes/s) | cost |",
        "|---|---|---|---|",
    ]
    for name in ("first sync", "unchanged resync", "10% changed resync"):
        off, on = by[f"{name}, history off"], by[f"{name}, history on"]
        lines.append(f"| {name} | {off} | {on} | {100 * (off - on) / off:+.0f} % |")
    lines += ["", END]
    write_section(START, END, "\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="alternations of off/on; medians are kept")
    parser.add_argument("--wipe-graph", action="store_true", help="required: the configured database is emptied")
    args = parser.parse_args()
    if not args.wipe_graph:
        parser.error("this benchmark empties the configured Neo4j database; pass --wipe-graph to confirm")
    results = run(args.size, args.repeat)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    write_doc(results, args.size)
    for r in results:
        print(f"{r['name']:40} {r['value']:>8} {r['unit']}")


if __name__ == "__main__":
    main()
