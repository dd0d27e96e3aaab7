"""`aidiscover ask "QUESTION"`: the answer, what was understood, the Cypher behind it, and its rows as a table.

Start-up is kept short (`app.cli` imports only this module for `ask`; the pipeline is imported when the
command runs, and the LLM library only when a model is configured).

aidiscover ask "how many EC2 instances are there?" [--json] [--max-rows N]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

from app.nl.gate import Row
from core.settings import Settings

MAX_CELL = 48


def _cell(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def table(rows: Sequence[Row]) -> str:
    """Rows as a plain text table (columns from the first row, in order)."""
    if not rows:
        return "(no rows)"
    columns = list(rows[0])
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def _ask(settings: Settings, args: argparse.Namespace) -> int:
    from app.nl import pipeline
    from graph.neo4j.client import Graph

    with Graph(settings.neo4j, settings.redis) as graph:
        # with no model configured the parser alone answers: no LLM client, cache or budget to set up
        svc = (
            pipeline.services(graph, settings)
            if settings.llm.api_key is not None
            else pipeline.NLServices(graph, settings, None, None, None)
        )
        answer = pipeline.ask(svc, " ".join(args.question), user="cli", role="admin")
    if args.json:
        print(answer.to_json())
        return 0 if answer.path != "degraded" else 1
    print(answer.answer)
    print(f"\n[answered by: {answer.path}]")
    if answer.understood:
        print(f"Understood: {answer.understood}")
    for candidate in answer.candidates:
        print(f"  - {candidate.get('kind')} {candidate.get('name')}  {candidate.get('id')}")
    if answer.suggestions:
        print("Questions I can answer: " + "; ".join(answer.suggestions))
    for warning in answer.warnings:
        print(f"warning: {warning}")
    if answer.cypher:
        print(f"\nCypher:\n{answer.cypher}")
    shown = answer.rows[: args.max_rows]
    more = len(answer.rows) - len(shown)
    print(f"\nRows ({len(answer.rows)}{'+' if answer.truncated else ''}):")
    print(table(shown))
    if more > 0:
        print(f"... {more} more (use --max-rows or --json)")
    return 0 if answer.path != "degraded" else 1


def register(sub: Any) -> None:
    p = sub.add_parser("ask", help="ask a question about the estate in plain English (answer, Cypher and rows)")
    p.add_argument("question", nargs="+", help='the question, e.g. "which buckets are public?"')
    p.add_argument("--json", action="store_true", help="print the whole answer as JSON")
    p.add_argument("--max-rows", type=int, default=50, help="rows to print in the table (default 50)")
    p.set_defaults(handler=_ask)
