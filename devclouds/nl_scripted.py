"""`make eval-nl` against a SCRIPTED local LLM server instead of the configured endpoint.

    python -m devclouds.nl_scripted [--questions PATH] [--out DIR]

Every third question gets Cypher with a wrong label, every seventh a write, the rest the reference Cypher
(fenced): the run shows the report format and the refusal / self-correction paths only; its figures say
nothing about any model's accuracy (the report says so).
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Sequence
from pathlib import Path

from pydantic import SecretStr

from app.nl.evaluate import QUESTIONS, RESULTS, EvalQuestion, evaluate_and_report, load_questions, read_rows
from core.settings import load_settings
from devclouds.llm_server import Reply, Rule, ScriptedLLMServer
from graph.neo4j.client import Graph

__all__ = ["main", "scripted_rules"]


def scripted_rules(questions: Sequence[EvalQuestion], graph: Graph) -> list[tuple[str, str]]:
    """For the demonstration: every third question gets a wrong label, every seventh a write; the rest the
    reference Cypher (fenced). Rules match on the question text the pipeline sends last."""
    rules: list[tuple[str, str]] = []
    for i, q in enumerate(questions):
        params: dict[str, object] = {}
        if q.bind:
            bound = read_rows(graph, q.bind, {})
            params = dict(bound[0]) if bound else {}
        try:
            text = q.question.format(**params)
        except KeyError:
            continue
        cypher = q.reference
        for name, value in params.items():
            cypher = cypher.replace(f"${name}", json.dumps(value).replace('"', "'"))
        if i % 7 == 6:
            cypher = "MATCH (n) DETACH DELETE n"
        elif i % 3 == 2:
            cypher = cypher.replace("(n:", "(n:Nonexistent").replace("MATCH (", "MATCH (x:Nope) MATCH (", 1)
        rules.append((text, f"```cypher\n{cypher}\n```"))
    return rules


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="evaluate natural-language answers with a SCRIPTED LLM server")
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    settings = load_settings()
    questions = load_questions(args.questions)
    with Graph(settings.neo4j, settings.redis) as graph:
        rules = [Rule(text, Reply(content), exact=True) for text, content in scripted_rules(questions, graph)]
        server = ScriptedLLMServer(rules=rules, default=Reply("The rows above answer the question."))
        url = server.start()
        try:
            llm = settings.llm.model_copy(update={"base_url": url, "api_key": SecretStr("scripted"), "cache_ttl": 0})
            scripted = settings.model_copy(update={"llm": llm})
            evaluate_and_report(graph, scripted, questions, args.out, scripted=True)
        finally:
            server.stop()
    print((args.out / "nl_eval.md").read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
