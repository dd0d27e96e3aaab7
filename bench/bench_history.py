"""Benchmark: what recording resource history costs the graph writer.

    .venv/bin/python bench/bench_history.py --wipe-graph [--size 10000]

A synthetic estate of ``size`` EC2 instances (eight properties each) is written through the real
``graph.write.GraphWriter`` in three syncs, each timed with history off and on (the graph emptied
before each pair): the first sync (every node created: one Change each), a resync where nothing
changed (the comparison runs, nothing is recorded), and a resync where 10 % of the instances changed
two properties. The configured database is EMPTIED, hence the required ``--wipe-graph``. Results go to
bench/results/history.json and the ``history`` section of docs/benchmarks.md.

Then what reading the history costs in its two forms (``queries.history``): the same estate's three syncs with
history on (every instance created, then 10 % changed twice: ``size`` x 1.2 records), read as the ``Change``
nodes a running job leaves, then folded (``graph.history_sets.fold_changes``) into the day change sets a finished
job leaves: one resource's timeline (``resource_history``, 50 resources), the last sync's changes
(``changes_between``, first 200) and the changed EC2 instances of one account (filtered), medians in ms.
``--skip-writer`` runs only this part.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
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
from graph.history_sets import fold_changes  # noqa: E402
from graph.neo4j.client import Graph  # noqa: E402
from graph.neo4j.constraints import ensure_schema  # noqa: E402
from graph.rows import NodeRow, PropValue  # noqa: E402
from graph.schema import SCHEMA  # noqa: E402
from graph.write import GraphWriter, SyncStamp  # noqa: E402
from queries.history import ChangeFilter, changes_between, resource_history  # noqa: E402

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


QUERIES = ("resource timeline", "last sync's changes", "changed instances of one account")


def _query_ms(graph: Graph, size: int, since: dt.datetime) -> dict[str, float]:
    ids = [f"arn:aws:ec2:eu-west-1:1:instance/i-{i:08x}" for i in range(0, size, max(1, size // 50))]
    flt = ChangeFilter(kinds=("EC2Instance",), accounts=("100000000001",), changes=("changed",))
    out: dict[str, list[float]] = {name: [] for name in QUERIES}
    for _ in range(3):
        started = time.perf_counter()
        for rid in ids:
            resource_history(graph, rid)
        out[QUERIES[0]].append((time.perf_counter() - started) * 1000 / len(ids))
        started = time.perf_counter()
        changes_between(graph, since, first=200)
        out[QUERIES[1]].append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        changes_between(graph, since - dt.timedelta(hours=1), flt=flt, first=1000)
        out[QUERIES[2]].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(v) for name, v in out.items()}


def run_queries(size: int) -> list[dict[str, Any]]:
    """The same records read as Change nodes, then folded into day change sets."""
    settings = load_settings()
    date = dt.date.today().isoformat()
    now = dt.datetime.now(dt.UTC)
    with Graph(settings.neo4j, settings.redis) as graph:
        ensure_schema(graph, SCHEMA)
        wipe(graph)
        for gen, (batch, at) in enumerate(
            (
                (rows(size), now - dt.timedelta(minutes=20)),
                (rows(size, 10), now - dt.timedelta(minutes=10)),
                (rows(size, 5), now),
            ),
            start=1,
        ):
            GraphWriter(graph, SCHEMA, 1000, strict=False, history=True, job_id=f"bench-{gen}").nodes(
                batch, SyncStamp(gen, at)
            )
        nodes = _query_ms(graph, size, now)
        records = int(graph.read("MATCH (c:Change) RETURN count(c) AS n")[0]["n"])
        started = time.perf_counter()
        fold_changes(graph)
        fold_seconds = time.perf_counter() - started
        sets = int(graph.read("MATCH (s:ChangeSet) RETURN count(s) AS n")[0]["n"])
        folded = _query_ms(graph, size, now)
        wipe(graph)
    common = {"estate_size": size, "records": records, "change_sets": sets, "machine": MACHINE, "date": date}
    load = round(os.getloadavg()[0], 1)
    out = [{"name": f"fold {records} records", "value": round(fold_seconds, 2), "unit": "s", **common, "load": load}]
    for form, got in (("Change nodes", nodes), ("change sets", folded)):
        out += [
            {"name": f"{name}, {form}", "value": round(ms, 1), "unit": "ms", **common, "load": load}
            for name, ms in got.items()
        ]
    return out


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
        off, on = by.get(f"{name}, history off"), by.get(f"{name}, history on")
        if off and on:
            lines.append(f"| {name} | {off} | {on} | {100 * (off - on) / off:+.0f} % |")
    queries = [r for r in results if r["unit"] in ("ms", "s")]
    if queries:
        q = queries[0]
        lines += [
            "",
            f"Reading the history (`queries.history`) of the same estate's three syncs ({q['records']:,} records), "
            f"as the Change nodes a running job leaves, then folded into the {q['change_sets']} day change set(s) a "
            f"finished job leaves (folding took {q['value']} s; load average {q['load']}; medians of 3 rounds, ms):",
            "",
            "| query | Change nodes | change sets |",
            "|---|---|---|",
        ]
        for name in QUERIES:
            lines.append(f"| {name} | {by[f'{name}, Change nodes']} | {by[f'{name}, change sets']} |")
    lines += ["", END]
    write_section(START, END, "\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="alternations of off/on; medians are kept")
    parser.add_argument("--wipe-graph", action="store_true", help="required: the configured database is emptied")
    parser.add_argument("--skip-writer", action="store_true", help="only the reading part (the writer's kept)")
    args = parser.parse_args()
    if not args.wipe_graph:
        parser.error("this benchmark empties the configured Neo4j database; pass --wipe-graph to confirm")
    old = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    writer = [r for r in old if r["unit"] == "nodes/s"] if args.skip_writer else run(args.size, args.repeat)
    results = writer + run_queries(args.size)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    write_doc(results, args.size)
    for r in results:
        print(f"{r['name']:40} {r['value']:>8} {r['unit']}")


if __name__ == "__main__":
    main()
