"""Benchmark: cost estimation, rollups, savings and the report on a synthetic estate (default 100k resources).

    .venv/bin/python bench/bench_cost.py --wipe-graph [--size 100000]

EMPTIES the Neo4j the settings name, writes the synthetic estate of bench/synthetic_graph.py, then times once
each: ``estimate_graph`` (every resource priced and written back: the post-sync hook's work), a cost rollup
by kind and by the ``team`` tag, every savings rule, and ``write_report`` (HTML plus the eight exports).
Peak memory is this process's maximum resident set size. Results: bench/results/cost.json (entries of
other sizes are kept) and the ``cost`` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.report.write import write_report  # noqa: E402
from bench.doc import machine, write_section  # noqa: E402
from bench.synthetic_graph import batches, write  # noqa: E402
from core.settings import load_settings  # noqa: E402
from graph.neo4j.client import Graph  # noqa: E402
from graph.neo4j.constraints import ensure_schema  # noqa: E402
from graph.schema import SCHEMA  # noqa: E402
from queries.cost.estimate import estimate_graph  # noqa: E402
from queries.cost.prices_snapshot import load_prices  # noqa: E402
from queries.cost.rollups import cost_summary  # noqa: E402
from queries.cost.savings import evaluate_savings  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "cost.json"
START, END = "<!-- cost:start -->", "<!-- cost:end -->"


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    out = fn()
    return round(time.perf_counter() - started, 2), out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--wipe-graph", action="store_true", help="required: the graph is emptied first")
    args = parser.parse_args()
    if not args.wipe_graph:
        parser.error("this benchmark EMPTIES the graph at NEO4J_URI; pass --wipe-graph to confirm")
    settings = load_settings()
    graph = Graph(settings.neo4j, settings.redis)
    graph.wipe()
    ensure_schema(graph, SCHEMA)
    write_s, _ = timed(lambda: [write(graph, b) for b in batches(args.size)])
    resources = int(graph.read("MATCH (n:Resource) RETURN count(n) AS n")[0]["n"])
    prices = load_prices(settings)
    figures: dict[str, float] = {"write_synthetic_estate_s": write_s}
    figures["estimate_all_s"], summary = timed(lambda: estimate_graph(graph, prices))
    figures["rollup_by_kind_s"], _ = timed(lambda: cost_summary(graph, prices, "kind"))
    figures["rollup_by_tag_s"], _ = timed(lambda: cost_summary(graph, prices, "tag", "team"))
    figures["savings_all_rules_s"], report = timed(lambda: evaluate_savings(graph, prices))
    with tempfile.TemporaryDirectory() as out:
        figures["report_and_exports_s"], _ = timed(lambda: write_report(graph, settings, Path(out)))
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(f"{resources} resources: {summary}; {report}; {figures}"[:2000], flush=True)
    date = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    entries = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    kept = [e for e in entries if e["estate_size"] != resources]
    new = [
        {
            "name": k,
            "value": v,
            "unit": "MB" if k.endswith("_mb") else "s",
            "estate_size": resources,
            "machine": machine(),
            "date": date,
        }
        for k, v in figures.items()
    ]
    RESULTS.write_text(json.dumps(sorted(kept + new, key=lambda e: (e["estate_size"], e["name"])), indent=2) + "\n")
    write_section(START, END, section())
    graph.close()


def section() -> str:
    entries = json.loads(RESULTS.read_text())
    lines = [START, "## Cost, savings and report (`bench/bench_cost.py`)", ""]
    for size in sorted({e["estate_size"] for e in entries}):
        es = {e["name"]: e for e in entries if e["estate_size"] == size}
        any_e = next(iter(es.values()))
        lines += [
            f"### {size:,} resources",
            "",
            f"Measured {any_e['date']} on {any_e['machine']}; one run each.",
            "",
            "| step | value |",
            "| --- | --- |",
        ]
        lines += [f"| {name} | {e['value']} {e['unit']} |" for name, e in sorted(es.items())]
        lines.append("")
    lines += [
        "estimate_all is the post-sync hook's work (read every resource, price it, write the estimate back). "
        "The synthetic estate seeds no waste, so savings_all_rules_s times the 15 rule queries finding nothing; "
        "other work on the machine makes the figures noisy. Raw figures: `bench/results/cost.json`.",
        END,
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
