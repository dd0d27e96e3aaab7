"""A question in, an answer with its evidence out: template -> cache -> LLM (gated, self-correcting) -> degraded.

Every :class:`Answer` carries the Cypher that produced its rows, the rows (capped) and the ``path``:

- ``template``  an intent template matched (no LLM involved);
- ``cache``     the same question (normalised) was answered by the LLM path within the cache TTL;
- ``llm``       the model wrote Cypher, the gate accepted it, Neo4j ran it read-only, the model summarised;
- ``degraded``  nothing could answer (no LLM configured, circuit open, endpoint failing, or three
  refused / failing queries); the answer says why and what to do.

The model's Cypher gets up to two self-correction rounds: the gate's refusal or Neo4j's error is
sent back to the model with the failed query. The caller sees the gate's reasons, but of a Neo4j error
only its category and the request id (the message can name internals); every query the model wrote is
recorded by ``app.nl.audit``. Cached answers are keyed by the caller's role.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from typing import Literal

import redis

from app.nl import audit, examples, gate, scope, templates
from app.nl.answer import plain_summary, summary_messages
from app.nl.breaker import CircuitBreaker
from app.nl.budget import Budget
from app.nl.cache import AnswerCache
from app.nl.gate import Row
from app.nl.llm import LLMClient, Message
from app.nl.prompt import generation_messages, retry_message
from core import context
from core.errors import GeneratedQueryError, GraphError, LLMError, QueryInputError, ServiceError, UnsafeCypherError
from core.settings import Settings
from graph.neo4j.client import Graph
from graph.schema import SCHEMA

log = logging.getLogger(__name__)
Path = Literal["template", "llm", "cache", "degraded"]
MAX_QUESTION = 500
SELF_CORRECTIONS = 2


@dataclass(frozen=True)
class Answer:
    """An answer to a question in plain English, always with the Cypher and rows behind it."""

    question: str
    answer: str = field(metadata={"doc": "The summary (written from the rows, which are treated as data)."})
    cypher: str = field(metadata={"doc": "The Cypher that produced the rows (as run, after the safety gate)."})
    rows: tuple[Row, ...] = field(metadata={"doc": "The rows, capped at AIDISCOVER_NL_ROW_CAP."})
    path: Path = field(metadata={"doc": "Who answered: template, llm, cache or degraded."})
    warnings: tuple[str, ...] = field(
        default=(), metadata={"doc": "Corrections made, refused attempts, fallbacks taken."}
    )
    truncated: bool = field(default=False, metadata={"doc": "More rows existed than the cap."})
    attempts: int = 0
    cost_usd: float = 0.0

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Answer:
        data = json.loads(text)
        data["rows"] = tuple(data["rows"])
        data["warnings"] = tuple(data["warnings"])
        return cls(**data)


@dataclass
class NLServices:
    """What answering needs; one per process for the LLM client (its semaphore and breaker are shared)."""

    graph: Graph
    settings: Settings
    llm: LLMClient | None
    cache: AnswerCache | None
    budget: Budget | None
    observer: list[str] | None = field(default=None)  # every text sent to Neo4j by the gate (tests)


_shared: dict[tuple[str, str, str, bool], tuple[LLMClient, AnswerCache, Budget]] = {}
_shared_lock = threading.Lock()


def services(graph: Graph, settings: Settings) -> NLServices:
    """The process-wide LLM client, cache and budget for these settings, around ``graph``."""
    key = (settings.llm.base_url, settings.llm.model, settings.redis.url, settings.llm.api_key is not None)
    with _shared_lock:
        if key not in _shared:
            client = redis.Redis.from_url(settings.redis.url, socket_timeout=2.0)
            budget = Budget(client, settings.llm)
            breaker = CircuitBreaker(settings.llm.breaker_failures, settings.llm.breaker_seconds)
            _shared[key] = (
                LLMClient(settings.llm, breaker, budget),
                AnswerCache(client, settings.llm.cache_ttl),
                budget,
            )
        llm, cache, budget = _shared[key]
    return NLServices(graph, settings, llm if llm.configured else None, cache, budget)


@dataclass(frozen=True)
class Caller:
    """Who asks: the name recorded in the audit log and LLM accounting, and the role answers are cached under."""

    name: str = "anonymous"
    role: str = "viewer"


@dataclass(frozen=True)
class _Ready:
    """Rows found by the LLM path, waiting for their summary."""

    question: str
    cypher: str
    rows: tuple[Row, ...]
    truncated: bool
    warnings: tuple[str, ...]
    attempts: int
    cost: float


def _check(question: str) -> str:
    text = question.strip()
    if not text:
        raise QueryInputError("the question is empty; ask e.g. 'how many EC2 instances are there?'")
    if len(text) > MAX_QUESTION:
        raise QueryInputError(f"the question is {len(text)} characters long; keep it under {MAX_QUESTION}")
    return text


def _early(svc: NLServices, question: str, caller: Caller) -> Answer | _Ready:
    """Everything before the summary: template, cache, degraded, or rows from the gated LLM query."""
    template = templates.match(svc.graph, question)
    if template is not None:
        return Answer(
            question,
            template.summary,
            template.cypher,
            template.rows[: svc.settings.llm.row_cap],
            "template",
            template.warnings,
            len(template.rows) > svc.settings.llm.row_cap,
        )
    if svc.cache is not None:
        cached = svc.cache.get(question, caller.role)
        if cached is not None:
            return replace(Answer.from_json(cached), path="cache", cost_usd=0.0)
    if svc.llm is None:
        return _degraded(
            question,
            "no template matches this question and no LLM is configured "
            "(set AIDISCOVER_LLM_API_KEY); try e.g. 'how many EC2 instances are there?'",
        )
    if svc.llm.breaker.state == "open":
        return _degraded(
            question,
            "the LLM is unavailable (circuit open after repeated failures) and no "
            "template matches; try again in a few minutes or ask a template question",
        )
    return _generate(svc, question, caller)


def _degraded(question: str, why: str, cypher: str = "", warnings: tuple[str, ...] = ()) -> Answer:
    return Answer(question, f"I cannot answer this now: {why}.", cypher, (), "degraded", warnings)


def _shown(exc: UnsafeCypherError | GraphError) -> str:
    """What the caller may read of a failed attempt: the gate's reason, or a Neo4j error's category only."""
    if isinstance(exc, GeneratedQueryError):
        return f"the database refused the query ({exc.category}; request id {context.request_id.get() or '-'})"
    return str(exc)


def _generate(svc: NLServices, question: str, caller: Caller) -> Answer | _Ready:
    assert svc.llm is not None
    messages = [
        Message(role, content)  # type: ignore[arg-type]
        for role, content in generation_messages(question, examples.select(question), SCHEMA)
    ]
    errors: list[str] = []
    cost = 0.0
    last = ""
    for attempt in range(1, SELF_CORRECTIONS + 2):
        try:
            completion = svc.llm.complete(messages, user=caller.name, operation="generate_cypher")
        except LLMError as exc:
            return _degraded(question, str(exc), last, tuple(errors))
        cost += completion.cost_usd
        last = completion.text
        trail = audit.QueryAudit(caller.name, caller.role, question, attempt, "refused", "", completion.text)
        try:
            gated = gate.vet(completion.text, SCHEMA)
            last = gated.cypher
            trail = replace(trail, decision="failed", cypher=gated.cypher)
            result = gate.execute(
                svc.graph,
                gated,
                timeout=svc.settings.llm.query_timeout,
                row_cap=svc.settings.llm.row_cap,
                observer=svc.observer.append if svc.observer is not None else None,
            )
        except ServiceError:
            raise
        except (UnsafeCypherError, GraphError) as exc:
            log.info("generated Cypher failed (attempt %d): %s", attempt, exc)
            refused = isinstance(exc, UnsafeCypherError)
            audit.record(replace(trail, decision="refused" if refused else "failed", reason=str(exc)))
            errors.append(f"attempt {attempt}: {_shown(exc)}")
            messages += [Message("assistant", completion.text), Message(*retry_message(completion.text, str(exc)))]  # type: ignore[arg-type]
            continue
        audit.record(replace(trail, decision="accepted", rows=len(result.rows), truncated=result.truncated))
        warnings = (*gated.corrections, *(f"corrected: {e}" for e in errors))
        rows = scope.scrub(result.rows, SCHEMA)
        return _Ready(question, gated.cypher, rows, result.truncated, warnings, attempt, cost)
    return _degraded(question, "the model's queries were refused or failed three times", last, tuple(errors))


def ask(svc: NLServices, question: str, user: str = "anonymous", role: str = "viewer") -> Answer:
    """Answer ``question`` for ``user`` acting with ``role`` (see the module doc for the paths)."""
    question = _check(question)
    caller = Caller(user, role)
    early = _early(svc, question, caller)
    if isinstance(early, Answer):
        return early
    summary, warnings, cost = _summarise(svc, early, user)
    return _finish(svc, early, summary, warnings, cost, caller)


@dataclass(frozen=True)
class Chunk:
    text: str


def ask_stream(
    svc: NLServices, question: str, user: str = "anonymous", role: str = "viewer"
) -> Iterator[Chunk | Answer]:
    """Like :func:`ask`, but the LLM path yields the summary in pieces (``Chunk``) before the ``Answer``."""
    question = _check(question)
    caller = Caller(user, role)
    early = _early(svc, question, caller)
    if isinstance(early, Answer):
        yield Chunk(early.answer)
        yield early
        return
    assert svc.llm is not None
    pieces: list[str] = []
    try:
        for piece in svc.llm.stream(
            summary_messages(early.question, early.rows, early.truncated), user=user, operation="summarise"
        ):
            pieces.append(piece)
            yield Chunk(piece)
    except LLMError as exc:
        text = plain_summary(early.rows, early.truncated)
        yield Chunk(("\n" if pieces else "") + text)
        yield _finish(svc, early, "".join(pieces) + text, (f"summary by the LLM failed: {exc}",), 0.0, caller)
        return
    yield _finish(svc, early, "".join(pieces), (), 0.0, caller)


def _summarise(svc: NLServices, ready: _Ready, user: str) -> tuple[str, tuple[str, ...], float]:
    assert svc.llm is not None
    try:
        completion = svc.llm.complete(
            summary_messages(ready.question, ready.rows, ready.truncated), user=user, operation="summarise"
        )
    except LLMError as exc:
        return plain_summary(ready.rows, ready.truncated), (f"summary by the LLM failed: {exc}",), 0.0
    return completion.text.strip(), (), completion.cost_usd


def _finish(
    svc: NLServices, ready: _Ready, summary: str, warnings: tuple[str, ...], cost: float, caller: Caller
) -> Answer:
    total = ready.cost + cost
    answer = Answer(
        ready.question,
        summary,
        ready.cypher,
        ready.rows,
        "llm",
        (*ready.warnings, *warnings),
        ready.truncated,
        ready.attempts,
        round(total, 9),
    )
    if svc.budget is not None:
        svc.budget.check_request(caller.name, total)
    if svc.cache is not None and not warnings:
        svc.cache.put(ready.question, caller.role, answer.to_json())
    return answer
