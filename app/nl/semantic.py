"""The parser's path of ``ask``: read the question (``app.nl.parser``), run its Cypher through the gate, or call
the analysis functions in ``queries/`` (exposure, blast radius, dependencies, network path, savings,
history), and say what was understood. A name that means several resources comes back as candidates; a
question it cannot read comes back declined, with the nearest questions it can answer.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from app.nl import gate
from app.nl.compose import cypher_of, understood
from app.nl.compose import gated as composed_gate
from app.nl.examples import BM25, tokens
from app.nl.gate import Row
from app.nl.parser import parse
from app.nl.reading import Clarify, Decline, Reading
from app.nl.vocabulary import Named, vocabulary
from core.settings import Settings
from graph.neo4j.client import Graph
from queries.blast import blast_radius, dependencies
from queries.cost.savings import savings
from queries.exposure import exposure_paths
from queries.history import resource_history
from queries.paths import shortest_path

__all__ = ["Parsed", "answer", "nearest_questions", "question_bank"]

log = logging.getLogger(__name__)
QUESTIONS = Path(__file__).with_name("questions")
Outcome = Literal["answer", "clarify", "decline"]


@dataclass(frozen=True)
class Parsed:
    """What the parser made of a question: an answer with its Cypher, candidates to pick, or a decline."""

    outcome: Outcome
    understood: str
    summary: str
    cypher: str = ""
    rows: tuple[Row, ...] = ()
    truncated: bool = False
    candidates: tuple[Row, ...] = ()
    suggestions: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def question_bank() -> tuple[tuple[str, str, str], ...]:
    """(question, category, expectation) of the development split: nearest questions and few-shot examples."""
    path = QUESTIONS / "dev.json"
    if not path.exists():
        return ()
    return tuple((q["question"], q["category"], q["expect"]) for q in json.loads(path.read_text()))


@lru_cache(maxsize=1)
def _index() -> tuple[tuple[str, ...], BM25]:
    answerable = tuple(q for q, c, _ in question_bank() if c not in {"decline", "ambiguous"})
    return answerable, BM25([tokens(q) for q in answerable])


def nearest_questions(question: str, k: int = 3) -> tuple[str, ...]:
    """The answerable questions of the bank most like ``question`` (or a few everyday ones)."""
    answerable, index = _index()
    if not answerable:
        return ()
    scores = index.scores(tokens(question))
    ranked = sorted(range(len(answerable)), key=lambda i: (-scores[i], i))
    picked = [answerable[i] for i in ranked if scores[i] > 0][:k]
    for fallback in ("how many EC2 instances are running?", "which buckets are public?", "top 5 savings"):
        if len(picked) >= k:
            break
        if fallback not in picked:
            picked.append(fallback)
    return tuple(picked)


def _rows(items: Iterable[Row]) -> tuple[Row, ...]:
    return tuple(items)


def _named_row(n: Named) -> Row:
    return {
        "id": n.id,
        "kind": n.kind,
        "name": n.name,
        "provider": n.provider,
        "account": n.account,
        "region": n.region,
    }


def _say(n: Named) -> str:
    return f"{n.kind} {n.name or n.id} ({n.provider} {n.account} {n.region})"


def _names(rows: tuple[Row, ...], key: str = "name", most: int = 8) -> str:
    shown = [str(r.get(key) or r.get("id")) for r in rows[:most]]
    return ", ".join(shown) + (f" and {len(rows) - most} more" if len(rows) > most else "")


def answer(graph: Graph, question: str, settings: Settings) -> Parsed:
    """The parser's answer to ``question`` (see the module doc)."""
    reading = parse(question, vocabulary(graph))
    if isinstance(reading, Decline):
        return Parsed(
            "decline",
            f"declined: {reading.why}",
            f"I cannot answer this: {reading.why}.",
            suggestions=nearest_questions(question),
        )
    if isinstance(reading, Clarify):
        rows = _rows(_named_row(n) for n in reading.candidates)
        text = f"'{reading.name}' names {len(rows)} resources; which one do you mean? " + "; ".join(
            _say(n) for n in reading.candidates[:10]
        )
        return Parsed("clarify", f"asked back: '{reading.name}' is ambiguous", text, candidates=rows)
    if reading.intent in {"exposure", "blast", "dependencies", "path", "savings", "savings_total", "history_of"}:
        return _analysis(graph, reading, settings)
    if reading.intent == "cost_of" and reading.target is not None:
        reading_text = f"the monthly cost of {_say(reading.target)}"
        cypher = (
            f"MATCH (n:Resource) WHERE n.id = {gate_literal(reading.target.id)} "
            "RETURN n.name AS name, n.kind AS kind, n.monthly_cost_usd AS usd"
        )
        return _run(
            graph,
            settings,
            reading_text,
            cypher,
            lambda rows: (
                f"{reading.target.name} costs about {float(rows[0]['usd'] or 0):.2f} USD a month."
                if rows and rows[0].get("usd") is not None
                else "No cost estimate for it yet."
            ),
        )
    cypher = cypher_of(reading, settings.llm.row_cap)
    said = understood(reading)
    return _run(graph, settings, said, cypher, lambda rows: _summary(reading, rows))


def gate_literal(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _run(graph: Graph, settings: Settings, said: str, cypher: str, summarise: object) -> Parsed:
    gated = composed_gate(cypher)
    result = gate.execute(graph, gated, timeout=settings.llm.query_timeout, row_cap=settings.llm.row_cap)
    rows = result.rows
    summary = summarise(rows)  # type: ignore[operator]
    return Parsed("answer", said, f"{summary} (I {said}.)", gated.cypher, rows, result.truncated)


def _summary(reading: Reading, rows: tuple[Row, ...]) -> str:
    if reading.intent == "count":
        return f"{rows[0]['count'] if rows else 0}."
    if reading.intent == "sum_cost" and not reading.group:
        usd = float(rows[0]["usd"] or 0) if rows else 0.0  # type: ignore[arg-type]
        return f"About {usd:,.2f} USD a month."
    if reading.intent in {"group", "sum_cost"}:
        measure = "usd" if reading.intent == "sum_cost" else "count"
        parts = [", ".join(f"{v}" for k, v in r.items() if k != measure) + f": {r.get(measure)}" for r in rows[:12]]
        return "; ".join(parts) + ("; …" if len(rows) > 12 else "") if rows else "Nothing matched."
    if not rows:
        return "Nothing matched."
    key = "resource" if reading.subject == "findings" and "resource" in rows[0] else "name"
    return f"{len(rows)}: {_names(rows, key)}."


def _analysis(graph: Graph, reading: Reading, settings: Settings) -> Parsed:
    t = reading.target
    if reading.intent == "exposure":
        if t is not None:
            paths = list(exposure_paths(graph, resource_id=t.id))
            said, call = f"the internet exposure of {_say(t)}", f"queries.exposure.exposure_paths(resource_id={t.id!r})"
        else:
            paths = list(exposure_paths(graph, provider=reading.provider))
            if reading.kinds:
                paths = [p for p in paths if p.resource.kind in reading.kinds]
            where = f" in {reading.provider}" if reading.provider else ""
            said, call = (
                f"what is reachable from the internet{where}",
                (f"queries.exposure.exposure_paths(provider={reading.provider!r})"),
            )
        rows = _rows(
            {
                "id": p.resource.id,
                "name": p.resource.name,
                "kind": p.resource.kind,
                "ports": p.ports_text,
                "hops": len(p.hops),
            }
            for p in paths
        )
        text = (
            f"{len({r['id'] for r in rows})} resource(s) reachable from the internet: {_names(rows)}."
            if rows
            else ("Nothing is reachable from the internet.")
        )
        return Parsed("answer", said, f"{text} (I looked up {said}.)", call, rows)
    if reading.intent in {"blast", "dependencies"} and t is not None:
        if reading.intent == "blast":
            radius = blast_radius(graph, t.id)
            nodes, truncated = radius.nodes, radius.truncated
            said, call = (
                f"the blast radius of {_say(t)} (what depends on it)",
                (f"queries.blast.blast_radius({t.id!r})"),
            )
        else:
            result = dependencies(graph, t.id, "DEPENDENCIES")
            nodes, truncated = result.nodes, result.truncated
            said, call = f"what {_say(t)} depends on", f"queries.blast.dependencies({t.id!r}, 'DEPENDENCIES')"
        rows = _rows({"id": r.node.id, "name": r.node.name, "kind": r.node.kind, "distance": r.distance} for r in nodes)
        text = f"{len(rows)} resource(s): {_names(rows)}." if rows else "Nothing."
        return Parsed("answer", said, f"{text} (I looked up {said}.)", call, rows, truncated)
    if reading.intent == "path" and t is not None and reading.other is not None:
        found = shortest_path(graph, t.id, reading.other.id)
        said = f"the shortest path from {_say(t)} to {_say(reading.other)}"
        call = f"queries.paths.shortest_path({t.id!r}, {reading.other.id!r})"
        if found is None:
            return Parsed("answer", said, f"No path within 8 hops. (I looked up {said}.)", call)
        rows = _rows({"id": n.id, "name": n.name, "kind": n.kind, "step": i} for i, n in enumerate(found.nodes))
        hops = " -> ".join(f"{n.name or n.id}" for n in found.nodes)
        return Parsed("answer", said, f"{hops}. (I looked up {said}.)", call, rows)
    if reading.intent in {"savings", "savings_total"}:
        report = savings(graph, settings)
        items = [s for s in report.items if reading.rule is None or s.rule == reading.rule]
        if reading.kinds:
            items = [s for s in items if s.kind in reading.kinds]
        if reading.intent == "savings_total":
            total = round(sum(s.monthly_saving_usd for s in items), 2)
            said = "the total of the savings advice"
            return Parsed(
                "answer",
                said,
                f"About {total:,.2f} USD a month could be saved. (I summed {said}.)",
                "queries.cost.savings.savings()",
                _rows([{"usd": total, "items": len(items)}]),
            )
        items = items[: reading.limit] if reading.limit else items
        rows = _rows(
            {
                "id": s.resource_id,
                "name": s.name,
                "kind": s.kind,
                "rule": s.rule,
                "monthly_saving_usd": s.monthly_saving_usd,
                "reasoning": s.reasoning,
            }
            for s in items
        )
        said = (
            "the savings advice"
            + (f" ({reading.rule})" if reading.rule else "")
            + (f", top {reading.limit}" if reading.limit else "")
        )
        text = "; ".join(f"{r['name']}: {r['monthly_saving_usd']} USD/month ({r['rule']})" for r in rows[:8])
        return Parsed(
            "answer", said, f"{text or 'No savings found.'} (I listed {said}.)", "queries.cost.savings.savings()", rows
        )
    if reading.intent == "history_of" and t is not None:
        records = resource_history(graph, t.id)
        rows = _rows(
            {"change": r.change, "at": r.at.isoformat(), "job_id": r.job_id, "properties": len(r.properties)}
            for r in records
        )
        said = f"the change history of {_say(t)}"
        text = "; ".join(f"{r['change']} at {r['at']}" for r in rows[:8]) or "No recorded changes."
        return Parsed(
            "answer", said, f"{text}. (I looked up {said}.)", f"queries.history.resource_history({t.id!r})", rows
        )
    return Parsed("decline", "declined", "I cannot answer this.", suggestions=nearest_questions(reading.intent))
