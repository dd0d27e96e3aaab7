"""Benchmark: evaluating every security rule on a synthetic estate (default 100k resources).

    .venv/bin/python bench/bench_findings.py --wipe-graph [--size 100000]

EMPTIES the Neo4j the settings name, writes the synthetic estate of bench/synthetic_graph.py, then times the
post-sync hook's work twice: the first evaluation (every finding is new and written) and a second one over the
unchanged graph (every finding refreshed, none new). Also reports the five slowest rules of a third pass run
rule by rule (queries only, no writes), and this process's peak resident set size. Results:
bench/results/findings.json (entries of other sizes are kept) and the ``findings`` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.doc import machine, write_section  # noqa: E402
from bench.synthetic_graph import batches, write  # noqa: E402
from core.settings import load_settings  # noqa: E402
from graph.neo4j.client import Graph  # noqa: E402
from graph.neo4j.constraints import ensure_schema  # noqa: E402
from graph.schema import SCHEMA  # noqa: E402
from queries.findings.catalogue import CATALOGUE  # noqa: E402
from queries.findings.evaluate import evaluate, run_rule  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "findings.json"
START, END = "<!-- findings:start -->", "<!-- findings:end -->"


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
    for batch in batches(args.size):
        write(graph, batch)
    resources = int(graph.read("MATCH (n:Resource) RETURN count(n) AS n")[0]["n"])
    first = evaluate(graph)
    second = evaluate(graph)
    now = datetime.now(UTC)
    per_rule: list[tuple[float, str]] = []
    for rule in CATALOGUE:
        started = time.perf_counter()
        run_rule(graph, rule, now)
        per_rule.append((time.perf_counter() - started, rule.id))
    slowest = sorted(per_rule, reverse=True)[:5]
    figures: dict[str, float] = {
        "rules": len(CATALOGUE),
        "findings": first.hits,
        "first_evaluation_s": round(first.seconds, 2),
        "second_evaluation_s": round(second.seconds, 2),
        "queries_only_s": round(sum(s for s, _ in per_rule), 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    figures |= {f"slowest_rule {rule}_s": round(seconds, 2) for seconds, rule in slowest}
    print(f"{resources} resources: {first.summary()}; again: {second.summary()}; {figures}", flush=True)
    date = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    entries = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    kept = [e for e in entries if e["estate_size"] != resources]
    unit = {"rules": "rules", "findings": "findings", "peak_rss_mb": "MB"}
    new = [
        {"name": k, "value": v, "unit": unit.get(k, "s"), "estate_size": resources, "machine": machine(), "date": date}
        for k, v in figures.items()
    ]
    RESULTS.write_text(json.dumps(sorted(kept + new, key=lambda e: (e["estate_size"], e["name"])), indent=2) + "\n")
    write_section(START, END, section())
    graph.close()


def section() -> str:
    entries = json.loads(RESULTS.read_text())
    lines = [START, "## Security findings (`bench/bench_findings.py`)", ""]
    for size in sorted({e["estate_size"] for e in entries}):
        es = {e["name"]: e for e in entries if e["estate_size"] == size}
        any_e = next(iter(es.values()))
        lines += [
            f"### {size:,} resources (synthetic estate)",
            "",
            f"Measured {any_e['date']} on {any_e['machine']}; one run each.",
            "",
            "| step | value |",
            "| --- | --- |",
        ]
        lines += [f"| {name} | {e['value']} {e['unit']} |" for name, e in sorted(es.items())]
        lines.append("")
    lines += [
        "first_evaluation is the post-sync hook on a graph with no findings yet (every finding written); "
        "second_evaluation the same graph again (every finding refreshed). Raw figures: "
        "`bench/results/findings.json`.",
        END,
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
