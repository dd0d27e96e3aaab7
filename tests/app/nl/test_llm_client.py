"""The LLM client against the SCRIPTED local server: retries, Retry-After, timeouts, malformed answers, the
circuit breaker, the concurrency cap, streaming and token accounting (no model; nothing here measures accuracy)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
import redis

from app.nl.breaker import CircuitBreaker
from app.nl.budget import Budget
from app.nl.llm import LLMClient, Message
from core.errors import LLMError
from core.settings import Settings
from devclouds.llm_server import Reply, ScriptedLLMServer
from tests.settings_update import replace_settings

HI = [Message("user", "hello")]


def client(settings: Settings, budget: Budget | None = None, sleeps: list[float] | None = None) -> LLMClient:
    breaker = CircuitBreaker(settings.llm.breaker_failures, settings.llm.breaker_seconds)
    return LLMClient(settings.llm, breaker, budget, sleep=(sleeps.append if sleeps is not None else lambda _s: None))


def test_a_plain_answer_with_usage(nl_settings: Settings, scripted: ScriptedLLMServer) -> None:
    scripted.push(Reply("MATCH (n) RETURN n", prompt_tokens=120, completion_tokens=7))
    done = client(nl_settings).complete(HI, user="u", operation="op")
    assert (done.text, done.prompt_tokens, done.completion_tokens) == ("MATCH (n) RETURN n", 120, 7)
    sent = scripted.requests[0]
    assert sent["model"] == nl_settings.llm.model
    assert sent["temperature"] == 0.0


def test_429_waits_retry_after_then_500_backs_off(nl_settings: Settings, scripted: ScriptedLLMServer) -> None:
    sleeps: list[float] = []
    scripted.push(Reply(status=429, retry_after=7), Reply(status=500), Reply("ok"))
    done = client(nl_settings, sleeps=sleeps).complete(HI, user="u", operation="op")
    assert done.text == "ok"
    assert sleeps == [7.0, 1.0]  # Retry-After honoured, then exponential backoff (0.5 * 2**1)
    assert len(scripted.requests) == 3


def test_malformed_and_timeouts_are_retried_then_fail_with_one_line(
    nl_settings: Settings, scripted: ScriptedLLMServer
) -> None:
    settings = replace_settings(nl_settings, llm={"timeout": 0.5})
    scripted.push(Reply(malformed=True), Reply("late", delay=1.5), Reply(status=503))
    with pytest.raises(LLMError, match=r"failed 3 time\(s\), last: HTTP 503"):
        client(settings).complete(HI, user="u", operation="op")


def test_a_4xx_other_than_429_is_not_retried(nl_settings: Settings, scripted: ScriptedLLMServer) -> None:
    scripted.push(Reply(status=401), Reply("never"))
    with pytest.raises(LLMError, match="HTTP 401"):
        client(nl_settings).complete(HI, user="u", operation="op")
    assert scripted.pending() == 1


def test_the_circuit_opens_after_five_failures_and_half_opens_later(
    nl_settings: Settings, scripted: ScriptedLLMServer
) -> None:
    now = [0.0]
    settings = replace_settings(nl_settings, llm={"max_retries": 0})
    breaker = CircuitBreaker(5, 300, clock=lambda: now[0])
    llm = LLMClient(settings.llm, breaker, None, sleep=lambda _s: None)
    scripted.push(*[Reply(status=500)] * 5)
    for _ in range(5):
        with pytest.raises(LLMError):
            llm.complete(HI, user="u", operation="op")
    assert breaker.state == "open"
    with pytest.raises(LLMError, match="circuit is open"):
        llm.complete(HI, user="u", operation="op")
    assert len(scripted.requests) == 5  # the open circuit sent nothing
    now[0] = 301.0
    assert breaker.state == "half-open"
    scripted.push(Reply(status=500))
    with pytest.raises(LLMError):
        llm.complete(HI, user="u", operation="op")  # the probe fails: open again
    assert breaker.state == "open"
    now[0] = 700.0
    scripted.push(Reply("fine"))
    assert llm.complete(HI, user="u", operation="op").text == "fine"
    assert breaker.state == "closed"


def test_no_more_than_the_configured_calls_are_in_flight(nl_settings: Settings, scripted: ScriptedLLMServer) -> None:
    settings = replace_settings(nl_settings, llm={"max_concurrent": 3})
    llm = client(settings)
    scripted.push(*[Reply("x", delay=0.3)] * 9)
    threads = [
        threading.Thread(target=llm.complete, args=(HI,), kwargs={"user": "u", "operation": "op"}) for _ in range(9)
    ]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert llm.in_flight_peak == 3
    assert time.monotonic() - started >= 0.85  # three waves of 0.3 s


def test_streaming_yields_pieces_and_accounts_usage(
    nl_settings: Settings, scripted: ScriptedLLMServer, redis_client: redis.Redis
) -> None:
    budget = Budget(redis_client, nl_settings.llm)
    scripted.push(Reply("Two instances are public: web-1 and web-2.", prompt_tokens=1000, completion_tokens=500))
    pieces = list(client(nl_settings, budget).stream(HI, user="alice", operation="summarise"))
    assert len(pieces) > 1
    assert "".join(pieces) == "Two instances are public: web-1 and web-2."
    assert scripted.requests[0]["stream"] is True
    line = next(x for x in budget.status().lines if x.user == "alice")
    assert (line.operation, line.calls, line.prompt_tokens, line.completion_tokens) == ("summarise", 1, 1000, 500)


def test_budget_prices_calls_and_raises_each_alert_once(nl_settings: Settings, redis_client: redis.Redis) -> None:
    settings = replace_settings(
        nl_settings,
        llm={
            "price_input_per_mtok": 1.0,
            "price_output_per_mtok": 2.0,
            "alert_daily_usd": 0.01,
            "alert_request_usd": 0.001,
            "alert_monthly_usd": 1.0,
        },
    )
    budget = Budget(redis_client, settings.llm, now=lambda: datetime(2026, 3, 10, 12, tzinfo=UTC))
    assert budget.record("alice", "generate_cypher", 4000, 1000) == pytest.approx(0.006)
    budget.check_request("alice", 0.006)
    assert budget.record("bob", "summarise", 4000, 1000) == pytest.approx(0.006)  # the day passes 0.01
    budget.record("bob", "summarise", 10, 10)  # already past: no second daily alert
    status = budget.status()
    assert status.cost_today_usd == pytest.approx(0.01203, abs=1e-6)
    assert status.projected_month_usd == pytest.approx(0.01203 / 9.5 * 31, rel=1e-3)
    assert [a.split(" ")[0:2] for a in status.alerts] == [["daily", "LLM"], ["one", "question"]]
    assert {(x.user, x.operation, x.calls) for x in status.lines} == {
        ("alice", "generate_cypher", 1),
        ("bob", "summarise", 2),
    }


def test_monthly_projection_alert(nl_settings: Settings, redis_client: redis.Redis) -> None:
    settings = replace_settings(nl_settings, llm={"price_input_per_mtok": 10.0, "alert_monthly_usd": 5.0})
    budget = Budget(redis_client, settings.llm, now=lambda: datetime(2026, 3, 2, 0, tzinfo=UTC))
    budget.record("alice", "generate_cypher", 20_000, 0)  # 0.2 USD after one day -> 6.2 USD projected
    assert any("projected monthly" in a for a in budget.status().alerts)


def test_redis_down_never_fails_a_call(nl_settings: Settings, scripted: ScriptedLLMServer) -> None:
    budget = Budget(redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2), nl_settings.llm)
    scripted.push(Reply("ok"))
    assert client(nl_settings, budget).complete(HI, user="u", operation="op").text == "ok"


def test_calls_are_counted_in_the_prometheus_metrics(nl_settings: Settings, scripted: ScriptedLLMServer) -> None:
    from prometheus_client import REGISTRY

    def sample(name: str, labels: dict[str, str] | None = None) -> float:
        return REGISTRY.get_sample_value(name, labels or {}) or 0.0

    ok, errors = (
        sample("aidiscover_llm_calls_total", {"outcome": "ok"}),
        sample("aidiscover_llm_calls_total", {"outcome": "error"}),
    )
    prompt = sample("aidiscover_llm_tokens_total", {"kind": "prompt"})
    scripted.push(Reply("fine", prompt_tokens=321), Reply(status=400))
    llm = client(nl_settings)
    llm.complete(HI, user="u", operation="op")
    with pytest.raises(LLMError):
        llm.complete(HI, user="u", operation="op")
    assert sample("aidiscover_llm_calls_total", {"outcome": "ok"}) == ok + 1
    assert sample("aidiscover_llm_calls_total", {"outcome": "error"}) == errors + 1
    assert sample("aidiscover_llm_tokens_total", {"kind": "prompt"}) == prompt + 321
