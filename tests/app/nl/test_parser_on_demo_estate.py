"""The parser on the demo estate with no LLM configured: the question set's development split is answered
right (its expectations come from reference Cypher or the analysis functions, never from the parser), a
name in two clouds is asked back, and a question it cannot read is declined with the nearest questions."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable

import redis

from app.nl.expect import expected, judge
from app.nl.pipeline import NLServices, ask
from app.nl.semantic import QUESTIONS
from core.settings import Settings
from graph.neo4j.client import Graph
from tests.settings_update import replace_settings

_OUTCOME = {"parser": "answer", "clarify": "clarify", "degraded": "decline"}


def test_the_development_split_is_answered_without_an_llm(
    demo_graph: Graph, settings: Settings, make: Callable[..., NLServices]
) -> None:
    client = redis.Redis.from_url(settings.redis.url)
    try:
        no_llm = replace_settings(settings, llm={"api_key": None})
        svc = make(demo_graph, no_llm, client, llm=False)
        verdicts: Counter[str] = Counter()
        misses = []
        for q in json.loads((QUESTIONS / "dev.json").read_text()):
            answer = ask(svc, q["question"])
            want = expected(demo_graph, no_llm, q["expect"])
            verdict = judge(_OUTCOME[answer.path], answer.rows, answer.candidates, answer.truncated, want)
            verdicts[verdict] += 1
            if verdict != "right":
                misses.append((q["question"], verdict, answer.understood))
    finally:
        client.close()
    total = sum(verdicts.values())
    assert total >= 200
    assert verdicts["right"] / total >= 0.95, misses
    assert verdicts["wrong"] / total <= 0.02, misses


def test_a_name_in_two_clouds_is_asked_back_and_a_decline_offers_questions(
    demo_graph: Graph, settings: Settings, make: Callable[..., NLServices]
) -> None:
    client = redis.Redis.from_url(settings.redis.url)
    try:
        svc = make(demo_graph, replace_settings(settings, llm={"api_key": None}), client, llm=False)
        asked = ask(svc, "what depends on orders-db?")
        declined = ask(svc, "how many spaceships are there?")
        settled = ask(svc, "what depends on orders-db in gcp?")
    finally:
        client.close()
    assert asked.path == "clarify"
    assert {(c["kind"], c["provider"]) for c in asked.candidates} == {
        ("RDSInstance", "aws"),
        ("GCPCloudSQLInstance", "gcp"),
    }
    assert "orders-db" in asked.answer
    assert declined.path == "degraded"
    assert "spaceships" in declined.answer
    assert len(declined.suggestions) == 3
    assert settled.path == "parser"
    assert "GCPCloudSQLInstance orders-db" in settled.understood
