"""`make eval-nl`: the natural-language pipeline against question sets.

By default the question set's development and test splits are asked through GraphQL and scored
(``app.nl.evaluate_sets``). With ``--questions FILE`` (e.g. ``app/nl/eval_questions.json``), for every
question of that file the harness asks the pipeline (parser, then the configured LLM endpoint), runs the
question's reference Cypher against the same graph, and compares the two results order-insensitively
(execution accuracy). It also records whether the answer executed at all, its latency and the path that
produced it, and writes ``bench/results/nl_eval.json`` (metrics in the benchmark format) and
``bench/results/nl_eval.md``
(the report, one line per question).

Questions may name a resource through a placeholder (``{vpc}``) bound by a ``bind`` query, so the
set runs on any estate (the demo, a generated one, your own).

A source checkout can also play a SCRIPTED local server instead of the configured endpoint
(``python -m devclouds.nl_scripted``): it only demonstrates the report format and the failure paths.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import platform
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from app.nl import pipeline
from app.nl.gate import JSONValue, Row, to_json
from core.settings import PROJECT_ROOT, LlmSettings, Settings, load_settings
from graph.neo4j.client import Graph

log = logging.getLogger(__name__)
QUESTIONS = Path(__file__).with_name("eval_questions.json")
RESULTS = PROJECT_ROOT / "bench" / "results"


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    category: str
    question: str
    reference: str
    bind: str | None = None


@dataclass(frozen=True)
class EvalResult:
    id: str
    category: str
    question: str
    path: str
    executable: bool
    match: bool
    latency_ms: float
    answer_rows: int
    reference_rows: int
    cypher: str
    note: str


def load_questions(path: Path = QUESTIONS) -> tuple[EvalQuestion, ...]:
    return tuple(EvalQuestion(**item) for item in json.loads(path.read_text()))


def _canon(value: JSONValue) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, float):
        value = round(value, 6)
    if isinstance(value, list):
        return json.dumps(sorted(_canon(v) for v in value))
    return json.dumps(value, sort_keys=True)


def results_match(answer: Sequence[Row], reference: Sequence[Row]) -> bool:
    """Order-insensitive: the same multiset of rows (each row's values, column names and order ignored);
    or, for a one-column reference, the same set of values in some column of the answer."""

    def rows_of(rows: Sequence[Row]) -> Counter[tuple[str, ...]]:
        return Counter(tuple(sorted(_canon(v) for v in row.values())) for row in rows)

    if rows_of(answer) == rows_of(reference):
        return True
    if reference and len(reference[0]) == 1:
        (key,) = reference[0].keys()
        wanted = {_canon(r[key]) for r in reference}
        columns = answer[0].keys() if answer else ()
        return any({_canon(r.get(c)) for r in answer} == wanted for c in columns)
    return not reference and not answer


def read_rows(graph: Graph, cypher: str, params: dict[str, object]) -> list[Row]:
    # reference and bind queries are ours (this file's data), not model output
    return [{k: to_json(r[k]) for k in r.keys()} for r in graph.read(cypher, params)]  # noqa: SIM118


def evaluate(svc: pipeline.NLServices, questions: Sequence[EvalQuestion]) -> list[EvalResult]:
    out: list[EvalResult] = []
    for q in questions:
        params: dict[str, object] = {}
        if q.bind:
            bound = read_rows(svc.graph, q.bind, {})
            if not bound:
                out.append(
                    EvalResult(
                        q.id,
                        q.category,
                        q.question,
                        "skipped",
                        False,
                        False,
                        0.0,
                        0,
                        0,
                        "",
                        "the estate has nothing to bind the placeholder to",
                    )
                )
                continue
            params = dict(bound[0])
        text = q.question.format(**params)
        reference = read_rows(svc.graph, q.reference, params)
        started = time.perf_counter()
        try:
            answer = pipeline.ask(svc, text, user="eval")
        except Exception as exc:  # one failing question must not stop the run
            latency = (time.perf_counter() - started) * 1000
            out.append(
                EvalResult(
                    q.id,
                    q.category,
                    text,
                    "error",
                    False,
                    False,
                    latency,
                    0,
                    len(reference),
                    "",
                    f"{type(exc).__name__}: {exc}",
                )
            )
            continue
        latency = (time.perf_counter() - started) * 1000
        executable = answer.path != "degraded"
        match = executable and not answer.truncated and results_match(answer.rows, reference)
        note = "; ".join(answer.warnings)[:300]
        out.append(
            EvalResult(
                q.id,
                q.category,
                text,
                answer.path,
                executable,
                match,
                round(latency, 1),
                len(answer.rows),
                len(reference),
                answer.cypher,
                note,
            )
        )
    return out


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, math.ceil(p / 100 * len(ordered)) - 1)
    return ordered[rank]


def summarise(results: Sequence[EvalResult]) -> dict[str, float]:
    asked = [r for r in results if r.path not in {"skipped", "error"}] or []
    total = len(results)
    latencies = [r.latency_ms for r in asked]
    return {
        "questions": total,
        "execution_accuracy": round(sum(r.match for r in results) / total, 4) if total else 0.0,
        "executable_rate": round(sum(r.executable for r in results) / total, 4) if total else 0.0,
        "latency_p50_ms": round(percentile(latencies, 50), 1),
        "latency_p95_ms": round(percentile(latencies, 95), 1),
        **{
            f"path_{p}": float(sum(r.path == p for r in results))
            for p in ("parser", "clarify", "llm", "cache", "degraded", "skipped", "error")
        },
    }


def _endpoint_label(settings: LlmSettings, scripted: bool) -> str:
    host = urlsplit(settings.base_url).hostname or ""
    if scripted:
        return "SCRIPTED local server (demonstration of the report format only; no accuracy claim)"
    if settings.api_key is None:
        return "no LLM configured (the parser only)"
    local = " (a local endpoint)" if host in {"127.0.0.1", "localhost", "::1"} else ""
    return f"{settings.model} at {settings.base_url}{local}"


def write_report(results: Sequence[EvalResult], settings: Settings, graph: Graph, scripted: bool, out: Path) -> None:
    metrics = summarise(results)
    size = int(graph.read("MATCH (n:Resource) RETURN count(n) AS c")[0]["c"])
    machine = f"{platform.machine()}, {platform.system()} (2 cores, 24 GB)"
    date = datetime.now(UTC).isoformat(timespec="seconds")
    endpoint = _endpoint_label(settings.llm, scripted)
    units = {
        "questions": "count",
        "execution_accuracy": "ratio",
        "executable_rate": "ratio",
        "latency_p50_ms": "ms",
        "latency_p95_ms": "ms",
    }
    entries = [
        {
            "name": f"nl_eval.{name}",
            "value": value,
            "unit": units.get(name, "count"),
            "estate_size": size,
            "machine": machine,
            "date": date,
            "endpoint": endpoint,
        }
        for name, value in metrics.items()
    ]
    out.mkdir(parents=True, exist_ok=True)
    (out / "nl_eval.json").write_text(
        json.dumps({"metrics": entries, "questions": [asdict(r) for r in results]}, indent=1) + "\n"
    )
    lines = [
        "# Natural-language evaluation",
        "",
        f"- endpoint: {endpoint}",
        f"- estate: {size} resources; date {date}; machine {machine}",
        f"- questions: {metrics['questions']:.0f}; execution accuracy {metrics['execution_accuracy']:.1%}; "
        f"executable {metrics['executable_rate']:.1%}; latency p50 {metrics['latency_p50_ms']:.0f} ms, "
        f"p95 {metrics['latency_p95_ms']:.0f} ms",
        "- paths: " + ", ".join(f"{k[5:]} {v:.0f}" for k, v in metrics.items() if k.startswith("path_") and v),
        "",
        "| id | category | path | exec | match | ms | rows (answer/ref) | note |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        note = r.note.replace("|", "/").replace("\n", " ")[:120]
        lines.append(
            f"| {r.id} | {r.category} | {r.path} | {'yes' if r.executable else 'no'} | "
            f"{'yes' if r.match else 'no'} | {r.latency_ms:.0f} | {r.answer_rows}/{r.reference_rows} | "
            f"{note} |"
        )
    if scripted:
        lines += ["", "These figures come from a SCRIPTED server: they show the report format, not accuracy."]
    (out / "nl_eval.md").write_text("\n".join(lines) + "\n")


def evaluate_and_report(
    graph: Graph, settings: Settings, questions: Sequence[EvalQuestion], out: Path, scripted: bool = False
) -> None:
    """Ask every question on ``graph`` with ``settings``' LLM endpoint (no cached answer) and write the report."""
    svc = pipeline.services(graph, settings)
    if svc.cache is not None:
        svc.cache.ttl = 0  # measure every question, never a cached answer
    results = evaluate(svc, questions)
    write_report(results, settings, graph, scripted, out)


def main(argv: Sequence[str] | None = None) -> int:
    from app.nl import evaluate_sets  # the GraphQL schema is only needed for the question set's splits

    parser = argparse.ArgumentParser(description="evaluate natural-language answers against their references")
    parser.add_argument("--questions", type=Path, default=None, help="a reference-Cypher file (the older format)")
    parser.add_argument("--split", choices=evaluate_sets.SPLITS, action="append", help="dev, test (default both)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    settings = load_settings()
    with Graph(settings.neo4j, settings.redis) as graph:
        if int(graph.read("MATCH (n:Resource) RETURN count(n) AS c")[0]["c"]) == 0:
            print("the graph is empty: run `make demo` (or `python -m devclouds.demo --no-serve`) first")
            return 2
        if args.questions is not None:
            evaluate_and_report(graph, settings, load_questions(args.questions), args.out)
            print((args.out / "nl_eval.md").read_text())
            return 0
        svc = pipeline.services(graph, settings)
        if svc.cache is not None:
            svc.cache.ttl = 0
        splits = args.split or list(evaluate_sets.SPLITS)
        results = {split: evaluate_sets.evaluate_split(graph, settings, split) for split in splits}
        print(evaluate_sets.report(graph, settings, results, _endpoint_label(settings.llm, False), args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
