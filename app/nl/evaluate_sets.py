"""`make eval-nl`: the question set's development and test splits asked through GraphQL on the graph the
settings name (the demo estate after `make demo`), scored against their independent expectations.

For each split: accuracy per category (right / wrong / declined), the wrong-answer rate, and the latency of
the ``ask`` query (p50 / p95, in-process GraphQL, no network). Results go to ``bench/results/nl_questions.json``
(metrics in the benchmark format, and every question's verdict) and ``bench/results/nl_questions.md``. The
test split is scored, never tuned on.
"""

from __future__ import annotations

import asyncio
import json
import platform
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.api.context import Context
from app.api.permissions import Principal
from app.api.schema import schema
from app.nl.evaluate import percentile
from app.nl.expect import Verdict, expected, judge
from core.settings import PROJECT_ROOT, Settings
from graph.neo4j.client import Graph

__all__ = ["SPLITS", "SetResult", "evaluate_split", "report", "summary"]

QUESTIONS = Path(__file__).with_name("questions")
SPLITS = ("dev", "test")
RESULTS = PROJECT_ROOT / "bench" / "results"
ASK = "query($q: String!) { ask(question: $q) { answer cypher rows path understood candidates suggestions truncated } }"
_OUTCOME = {"parser": "answer", "llm": "answer", "cache": "answer", "clarify": "clarify", "degraded": "decline"}


@dataclass(frozen=True)
class SetResult:
    id: str
    split: str
    category: str
    question: str
    verdict: Verdict
    path: str
    latency_ms: float
    understood: str
    cypher: str


def load(split: str) -> list[dict[str, str]]:
    return list(json.loads((QUESTIONS / f"{split}.json").read_text()))


async def _ask(graph: Graph, settings: Settings, question: str) -> tuple[dict[str, Any], float]:
    ctx = Context(graph=graph, settings=settings, principal=Principal("eval", "viewer", "local"))
    started = time.perf_counter()
    result = await schema.execute(ASK, variable_values={"q": question}, context_value=ctx)
    latency = (time.perf_counter() - started) * 1000
    if result.errors:
        return {"path": "error", "answer": str(result.errors[0])}, latency
    assert result.data is not None
    return dict(result.data["ask"]), latency


def evaluate_split(graph: Graph, settings: Settings, split: str) -> list[SetResult]:
    async def run() -> list[SetResult]:
        out: list[SetResult] = []
        for q in load(split):
            want = expected(graph, settings, q["expect"])
            got, latency = await _ask(graph, settings, q["question"])
            outcome = _OUTCOME.get(str(got["path"]), "error")
            verdict: Verdict = (
                "wrong"
                if outcome == "error"
                else judge(outcome, got.get("rows") or [], got.get("candidates") or [], bool(got["truncated"]), want)
            )
            out.append(
                SetResult(
                    q["id"],
                    split,
                    q["category"],
                    q["question"],
                    verdict,
                    str(got["path"]),
                    round(latency, 1),
                    str(got.get("understood") or ""),
                    str(got.get("cypher") or ""),
                )
            )
        return out

    return asyncio.run(run())


def summary(results: Sequence[SetResult]) -> dict[str, Any]:
    by: dict[str, Counter[str]] = defaultdict(Counter)
    for r in results:
        by[r.category][r.verdict] += 1
    total = len(results) or 1
    latencies = [r.latency_ms for r in results]
    return {
        "questions": len(results),
        "right": round(sum(r.verdict == "right" for r in results) / total, 4),
        "wrong": round(sum(r.verdict == "wrong" for r in results) / total, 4),
        "declined": round(sum(r.verdict == "declined" for r in results) / total, 4),
        "latency_p50_ms": round(percentile(latencies, 50), 1),
        "latency_p95_ms": round(percentile(latencies, 95), 1),
        "categories": {c: dict(v) for c, v in sorted(by.items())},
    }


def _lines(split: str, s: dict[str, Any]) -> list[str]:
    lines = [
        f"## {split} split: {s['questions']} questions",
        "",
        f"right {s['right']:.1%}, wrong {s['wrong']:.1%}, declined {s['declined']:.1%}; "
        f"latency p50 {s['latency_p50_ms']:.0f} ms, p95 {s['latency_p95_ms']:.0f} ms (GraphQL ask, in process)",
        "",
        "| category | questions | right | wrong | declined | accuracy |",
        "|---|---|---|---|---|---|",
    ]
    for category, counts in s["categories"].items():
        n = sum(counts.values())
        lines.append(
            f"| {category} | {n} | {counts.get('right', 0)} | {counts.get('wrong', 0)} | {counts.get('declined', 0)} "
            f"| {counts.get('right', 0) / n:.0%} |"
        )
    return [*lines, ""]


def report(graph: Graph, settings: Settings, results: dict[str, list[SetResult]], endpoint: str, out: Path) -> str:
    size = int(graph.read("MATCH (n:Resource) RETURN count(n) AS c")[0]["c"])
    machine = f"{platform.machine()}, {platform.system()} (2 cores)"
    date = datetime.now(UTC).isoformat(timespec="seconds")
    metrics = []
    text = [
        "# Natural-language question set",
        "",
        f"- answered by: {endpoint}; estate {size} resources; {date}; {machine}",
        "- the test split is a fixed file scored here and never tuned on",
        "",
    ]
    for split, found in results.items():
        s = summary(found)
        for name in ("right", "wrong", "declined", "latency_p50_ms", "latency_p95_ms", "questions"):
            metrics.append(
                {
                    "name": f"nl_questions.{split}.{name}",
                    "value": s[name],
                    "unit": "ms" if name.startswith("latency") else "count" if name == "questions" else "ratio",
                    "estate_size": size,
                    "machine": machine,
                    "date": date,
                    "endpoint": endpoint,
                }
            )
        text += _lines(split, s)
        misses = [r for r in found if r.verdict != "right"]
        if misses:
            text += ["| not right | verdict | path | understood |", "|---|---|---|---|"]
            text += [
                f"| {r.question} | {r.verdict} | {r.path} | {r.understood.replace('|', '/')[:100]} |" for r in misses
            ]
            text.append("")
    out.mkdir(parents=True, exist_ok=True)
    payload = {"metrics": metrics, "questions": [asdict(r) for f in results.values() for r in f]}
    (out / "nl_questions.json").write_text(json.dumps(payload, indent=1) + "\n")
    body = "\n".join(text) + "\n"
    (out / "nl_questions.md").write_text(body)
    return body
