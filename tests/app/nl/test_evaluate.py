"""The evaluation harness: result comparison, and a run over the fixture estate with the SCRIPTED server
(the run checks the harness and its report format; its numbers are no accuracy figure)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import redis

from app.nl.evaluate import EvalQuestion, evaluate, load_questions, percentile, results_match, write_report
from app.nl.pipeline import NLServices
from core.settings import Settings
from devclouds.llm_server import Reply, Rule, ScriptedLLMServer
from graph.neo4j.client import Graph


def test_results_match_ignores_order_and_column_names() -> None:
    assert results_match([{"a": 1, "b": "x"}, {"a": 2, "b": "y"}], [{"q": "y", "p": 2}, {"q": "x", "p": 1}])
    assert not results_match([{"a": 1}], [{"a": 1}, {"a": 2}])
    assert results_match([{"id": "i-1", "name": "web"}], [{"id": "i-1"}])  # one-column reference: some column
    assert not results_match([{"id": "i-1"}], [{"id": "i-2"}])
    assert results_match([{"c": 3.0}], [{"count": 3}])
    assert results_match([], [])


def test_the_question_set_has_at_least_thirty_questions_with_references() -> None:
    questions = load_questions()
    assert len(questions) >= 30
    assert len({q.id for q in questions}) == len(questions)
    for q in questions:
        assert q.reference.lstrip().upper().startswith("MATCH"), q.id
        assert ("{" in q.question) == (q.bind is not None), q.id


def test_percentile() -> None:
    assert percentile([5, 1, 3, 2, 4], 50) == 3
    assert percentile([float(i) for i in range(1, 101)], 95) == 95.0
    assert percentile([], 50) == 0.0


def test_a_scripted_run_and_its_report(
    estate: Graph,
    nl_settings: Settings,
    scripted: ScriptedLLMServer,
    redis_client: redis.Redis,
    make: Callable[..., NLServices],
    tmp_path: Path,
) -> None:
    questions = [
        EvalQuestion("t1", "count", "How many EC2 instances are there?", "MATCH (n:EC2Instance) RETURN count(n)"),
        EvalQuestion(
            "l1",
            "filter",
            "Which EC2 instances have a public IP address?",
            "MATCH (i:EC2Instance) WHERE i.public_ip IS NOT NULL RETURN i.id AS id",
        ),
        EvalQuestion(
            "l2",
            "relationship",
            "Which EC2 instances run in subnet {subnet}?",
            "MATCH (i:EC2Instance)-[:IN_SUBNET]->(:Subnet {name: $subnet}) RETURN i.id AS id",
            bind="MATCH (s:Subnet) RETURN s.name AS subnet LIMIT 1",
        ),
        EvalQuestion(
            "w1",
            "security",
            "Which RDS databases are publicly accessible?",
            "MATCH (d:RDSInstance) WHERE d.publicly_accessible = true RETURN d.id AS id",
        ),
    ]
    scripted.rules = (
        Rule(
            "Which EC2 instances have a public IP address?",
            Reply("MATCH (i:EC2Instance) WHERE i.public_ip IS NOT NULL RETURN i.id AS id"),
            exact=True,
        ),
        Rule(
            "Which EC2 instances run in subnet app-a?", Reply("MATCH (i:EC2Instance) RETURN i.id AS id"), exact=True
        ),  # wrong: every instance
        Rule("Which RDS databases are publicly accessible?", Reply("MATCH (n) DETACH DELETE n"), exact=True),
    )
    scripted.default = Reply("Summary.")
    svc = make(estate, nl_settings, redis_client)
    results = {r.id: r for r in evaluate(svc, questions)}
    # the scripted model's "Summary." is refused three times: the parser's reading answers
    assert (results["t1"].path, results["t1"].match) == ("parser", True)
    assert (results["l1"].path, results["l1"].match) == ("llm", True)
    assert (results["l2"].path, results["l2"].match, results["l2"].question) == (
        "llm",
        False,
        "Which EC2 instances run in subnet app-a?",
    )
    # the model's DETACH DELETE is refused three times; the parser's reading answers (no RDS is public)
    assert (results["w1"].path, results["w1"].match) == ("parser", True)
    write_report(list(results.values()), nl_settings, estate, True, tmp_path)
    report = json.loads((tmp_path / "nl_eval.json").read_text())
    metrics = {m["name"]: m["value"] for m in report["metrics"]}
    assert metrics["nl_eval.execution_accuracy"] == 0.75
    assert metrics["nl_eval.executable_rate"] == 1.0
    assert {"name", "value", "unit", "estate_size", "machine", "date"} <= set(report["metrics"][0])
    markdown = (tmp_path / "nl_eval.md").read_text()
    assert "SCRIPTED" in markdown
    assert "| l2 | relationship | llm | yes | no |" in markdown
