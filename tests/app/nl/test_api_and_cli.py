"""GraphQL ask / askStream / askUsage and `aidiscover ask`, with the SCRIPTED LLM server and the real Neo4j."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis

from app import cli
from app.api.context import Context
from app.api.permissions import Principal, Role
from app.api.schema import schema
from app.cli_ask import table
from core.settings import Settings
from devclouds.llm_server import Reply, ScriptedLLMServer
from graph.neo4j.client import Graph

RIGHT = "MATCH (i:EC2Instance) WHERE i.public_ip IS NOT NULL RETURN i.name AS name ORDER BY name"
QUESTION = "Which EC2 instances have a public IP and run Windows?"


def run(graph: Graph, settings: Settings, query: str, role: Role | None = "viewer", **variables: Any) -> Any:
    principal = Principal("tester", role, "local") if role else None
    ctx = Context(graph=graph, settings=settings, principal=principal)
    return asyncio.run(schema.execute(query, variable_values=variables, context_value=ctx))


ASK = "query($q: String!) { ask(question: $q) { answer cypher rows path warnings truncated } }"


def test_ask_over_graphql(
    estate: Graph, nl_settings: Settings, scripted: ScriptedLLMServer, redis_client: redis.Redis
) -> None:
    scripted.push(Reply(RIGHT), Reply("web-1 has a public IP."))
    result = run(estate, nl_settings, ASK, q=QUESTION)
    assert result.errors is None
    assert result.data["ask"] == {
        "answer": "web-1 has a public IP.",
        "cypher": RIGHT,
        "rows": [{"name": "web-1"}],
        "path": "llm",
        "warnings": [],
        "truncated": False,
    }
    # the scripted server has no reply left: the model's attempts are refused and the parser's reading answers
    parsed = run(estate, nl_settings, ASK, q="which buckets are public")
    assert parsed.data["ask"]["path"] == "parser"
    assert {r["name"] for r in parsed.data["ask"]["rows"]} == {"public-assets", "stpublic", "gcs-public"}


def test_ask_needs_a_signed_in_viewer_and_usage_an_operator(
    estate: Graph, nl_settings: Settings, redis_client: redis.Redis
) -> None:
    result = run(estate, nl_settings, ASK, role=None, q="how many ec2 instances")
    assert result.errors[0].message.startswith("not signed in")
    usage = run(estate, nl_settings, "{ askUsage { day costTodayUsd } }", role="viewer")
    assert "needs role operator" in usage.errors[0].message
    usage = run(estate, nl_settings, "{ askUsage { day costTodayUsd lines { user } alerts } }", role="operator")
    assert usage.errors is None
    assert usage.data["askUsage"]["costTodayUsd"] == 0.0


def test_a_bad_question_is_a_one_line_error(estate: Graph, nl_settings: Settings, redis_client: redis.Redis) -> None:
    result = run(estate, nl_settings, ASK, q="   ")
    assert result.errors[0].message.startswith("the question is empty")


def test_ask_stream_subscription_yields_chunks_then_the_answer(
    estate: Graph, nl_settings: Settings, scripted: ScriptedLLMServer, redis_client: redis.Redis
) -> None:
    scripted.push(Reply(RIGHT), Reply("Exactly one instance, web-1, has a public IP address."))
    query = "subscription($q: String!) { askStream(question: $q) { chunk answer { path cypher rows } } }"
    ctx = Context(graph=estate, settings=nl_settings, principal=Principal("tester", "viewer", "local"))

    async def collect() -> list[Any]:
        stream = await schema.subscribe(query, variable_values={"q": QUESTION}, context_value=ctx)
        assert isinstance(stream, AsyncIterator)
        return [event async for event in stream]

    events = asyncio.run(collect())
    assert all(e.errors is None for e in events)
    data = [e.data["askStream"] for e in events]
    assert len(data) > 2
    assert "".join(d["chunk"] for d in data) == "Exactly one instance, web-1, has a public IP address."
    assert data[-1]["answer"] == {"path": "llm", "cypher": RIGHT, "rows": [{"name": "web-1"}]}


def test_cli_prints_answer_cypher_and_table(
    estate: Graph,
    nl_settings: Settings,
    redis_client: redis.Redis,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AIDISCOVER_LLM_API_KEY", "")
    monkeypatch.delenv("AIDISCOVER_LLM_API_KEY")
    assert cli.main(["ask", "list", "all", "s3", "buckets", "in", "us-east-1"]) == 0
    out = capsys.readouterr().out
    assert "[answered by: parser]" in out
    assert "Understood: listed S3Bucket where in us-east-1" in out
    assert "Cypher:\nMATCH (n:S3Bucket)" in out
    assert "public-assets" in out
    assert "logs" in out
    assert cli.main(["ask", "--json", "how many ec2 instances"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == [{"count": 3}]
    assert cli.main(["ask", "which instances look odd to you?"]) == 1  # no LLM configured here: degraded
    assert "AIDISCOVER_LLM_API_KEY" in capsys.readouterr().out


def test_table_layout() -> None:
    text = table([{"name": "web-1", "count": 3}, {"name": "a-much-longer-name", "count": None}])
    assert text.splitlines() == [
        "name                count",
        "------------------  -----",
        "web-1               3",
        "a-much-longer-name  null",
    ]
