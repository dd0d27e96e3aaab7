"""A question in, an answer with its evidence out: parser -> cache -> LLM (gated, self-correcting) -> parser's
answer -> degraded.

Every :class:`Answer` carries the Cypher that produced its rows, the rows (capped), what was understood and
the ``path``:

- ``parser``    the semantic parser (``app.nl.semantic``) read the question and answered it, with no LLM
  configured (or the LLM unavailable, or its queries refused or failing);
- ``clarify``   a name in the question means several resources: the answer lists them as ``candidates``
  and asks which one (whatever the LLM);
- ``cache``     the same question (normalised) was answered by the LLM path within the cache TTL;
- ``llm``       the model wrote Cypher, the gate accepted it, Neo4j ran it read-only, the model summarised;
  the parser's reading of the question went with it as a hint;
- ``degraded``  nothing could answer (the parser declined and no LLM could); the answer says why and
  ``suggestions`` holds the nearest questions that can be answered.

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
from typing import TYPE_CHECKING, Literal

from app.nl import audit, examples, gate, scope, semantic
from app.nl.answer import plain_summary, summary_messages
from app.nl.gate import Row
from app.nl.messages import Message
from app.nl.prompt import generation_messages, retry_message
from core import context
from core.errors import GeneratedQueryError, GraphError, LLMError, QueryInputError, ServiceError, UnsafeCypherError
from core.settings import Settings
from graph.neo4j.client import Graph
from graph.schema import SCHEMA

if TYPE_CHECKING:
    from app.nl.breaker import CircuitBreaker
    from app.nl.budget import Budget
    from app.nl.cache import AnswerCache
    from app.nl.llm import LLMClient

log = logging.getLogger(__name__)
Path = Literal["parser", "clarify", "llm", "cache", "degraded"]
MAX_QUESTION = 500
SELF_CORRECTIONS = 2


@dataclass(frozen=True)
class Answer:
    """An answer to a question in plain English, always with the Cypher and rows behind it."""

    question: str
    answer: str = field(metadata={"doc": "The summary (written from the rows, which are treated as data)."})
    cypher: str = field(metadata={"doc": "The Cypher that produced the rows (as run, after the safety gate)."})
    rows: tuple[Row, ...] = field(metadata={"doc": "The rows, capped at AIDISCOVER_NL_ROW_CAP."})
    path: Path = field(metadata={"doc": "Who answered: parser, clarify, llm, cache or degraded."})
    warnings: tuple[str, ...] = field(
        default=(), metadata={"doc": "Corrections made, refused attempts, fallbacks taken."}
    )
    truncated: bool = field(default=False, metadata={"doc": "More rows existed than the cap."})
    attempts: int = 0
    cost_usd: float = 0.0
    understood: str = field(
        default="", metadata={"doc": "What the parser understood (e.g. 'counted EC2Instance where state = running')."}
    )
    candidates: tuple[Row, ...] = field(
        default=(), metadata={"doc": "When a name means several resources: each of them (id, kind, name, ...)."}
    )
    suggestions: tuple[str, ...] = field(
        default=(), metadata={"doc": "When the question cannot be answered: the nearest questions that can."}
    )

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Answer:
        data = json.loads(text)
        for key in ("rows", "warnings", "candidates", "suggestions"):
            data[key] = tuple(data.get(key, ()))
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


_shared: dict[tuple[str, str, str, bool], tuple[LLMClient | None, AnswerCache, Budget]] = {}
_shared_lock = threading.Lock()


def services(graph: Graph, settings: Settings) -> NLServices:
    """The process-wide LLM client, cache and budget for these settings, around ``graph``."""
    # imported here, not at the top: answering with no model (`aidiscover ask`) needs none of these
    import redis

    from app.nl.breaker import CircuitBreaker
    from app.nl.budget import Budget
    from app.nl.cache import AnswerCache

    key = (settings.llm.base_url, settings.llm.model, settings.redis.url, settings.llm.api_key is not None)
    with _shared_lock:
        if key not in _shared:
            client = redis.Redis.from_url(settings.redis.url, socket_timeout=2.0)
            budget = Budget(client, settings.llm)
            breaker = CircuitBreaker(settings.llm.breaker_failures, settings.llm.breaker_seconds)
            _shared[key] = (_client(settings, breaker, budget), AnswerCache(client, settings.llm.cache_ttl), budget)
        llm, cache, budget = _shared[key]
    return NLServices(graph, settings, llm if llm is not None and llm.configured else None, cache, budget)


def _client(settings: Settings, breaker: CircuitBreaker, budget: Budget) -> LLMClient | None:
    """The LLM client, or None with no model configured. Imported here, not at the top: the LLM library takes
    seconds to load, and `aidiscover ask` with no model must answer in well under one."""
    if settings.llm.api_key is None:
        return None
    from app.nl.llm import LLMClient

    return LLMClient(settings.llm, breaker, budget)


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
    understood: str = ""


def _check(question: str) -> str:
    text = question.strip()
    if not text:
        raise QueryInputError("the question is empty; ask e.g. 'how many EC2 instances are there?'")
    if len(text) > MAX_QUESTION:
        raise QueryInputError(f"the question is {len(text)} characters long; keep it under {MAX_QUESTION}")
    return text


def _parsed(svc: NLServices, question: str) -> semantic.Parsed:
    try:
        return semantic.answer(svc.graph, question, svc.settings)
    except (UnsafeCypherError, GraphError, QueryInputError) as exc:  # the parser's own query failed: decline
        log.warning("the parser's query for %r failed: %s", question, exc)
        return semantic.Parsed("decline", "declined: the parser's query failed", f"I cannot answer this: {exc}.")


def _from_parser(svc: NLServices, question: str, parsed: semantic.Parsed, warnings: tuple[str, ...] = ()) -> Answer:
    cap = svc.settings.llm.row_cap
    if parsed.outcome == "clarify":
        return Answer(
            question,
            parsed.summary,
            "",
            (),
            "clarify",
            warnings,
            understood=parsed.understood,
            candidates=parsed.candidates,
        )
    if parsed.outcome == "decline":
        return Answer(
            question,
            parsed.summary,
            "",
            (),
            "degraded",
            warnings,
            understood=parsed.understood,
            suggestions=parsed.suggestions,
        )
    return Answer(
        question,
        parsed.summary,
        parsed.cypher,
        parsed.rows[:cap],
        "parser",
        warnings,
        parsed.truncated or len(parsed.rows) > cap,
        understood=parsed.understood,
    )


def _early(svc: NLServices, question: str, caller: Caller) -> Answer | _Ready:
    """Everything before the summary: parser, cache, LLM (with the parser's reading as a hint), fallbacks."""
    parsed = _parsed(svc, question)
    if parsed.outcome == "clarify" or svc.llm is None:
        answer = _from_parser(svc, question, parsed)
        if answer.path == "degraded":
            answer = replace(
                answer, answer=answer.answer + " No LLM is configured to try it (set AIDISCOVER_LLM_API_KEY)."
            )
        return answer
    if svc.cache is not None:
        cached = svc.cache.get(question, caller.role)
        if cached is not None:
            return replace(Answer.from_json(cached), path="cache", cost_usd=0.0)
    if svc.llm.breaker.state == "open":
        note = "the LLM is unavailable (circuit open after repeated failures)"
        if parsed.outcome == "answer":
            return _from_parser(svc, question, parsed, (note,))
        return replace(
            _degraded(question, f"{note} and the question is not one the parser reads; try again in a few minutes"),
            suggestions=parsed.suggestions,
            understood=parsed.understood,
        )
    generated = _generate(svc, question, caller, parsed)
    if isinstance(generated, Answer) and generated.path == "degraded":
        if parsed.outcome == "answer":  # the model failed; the parser's reading answers
            return _from_parser(svc, question, parsed, generated.warnings)
        return replace(generated, suggestions=parsed.suggestions, understood=parsed.understood)
    if isinstance(generated, _Ready):
        return replace(generated, understood=parsed.understood if parsed.outcome == "answer" else "")
    return generated


def _degraded(question: str, why: str, cypher: str = "", warnings: tuple[str, ...] = ()) -> Answer:
    return Answer(question, f"I cannot answer this now: {why}.", cypher, (), "degraded", warnings)


def _shown(exc: UnsafeCypherError | GraphError) -> str:
    """What the caller may read of a failed attempt: the gate's reason, or a Neo4j error's category only."""
    if isinstance(exc, GeneratedQueryError):
        return f"the database refused the query ({exc.category}; request id {context.request_id.get() or '-'})"
    return str(exc)


def _hint(parsed: semantic.Parsed) -> str | None:
    """The parser's reading for the model: what it understood and its Cypher (words of the question mapped to
    the schema; never text read from the graph)."""
    if parsed.outcome != "answer":
        return None
    cypher = parsed.cypher if parsed.cypher.startswith("MATCH") else ""
    return parsed.understood + (f"\n{cypher}" if cypher else "")


def _generate(svc: NLServices, question: str, caller: Caller, parsed: semantic.Parsed) -> Answer | _Ready:
    assert svc.llm is not None
    messages = [
        Message(role, content)  # type: ignore[arg-type]
        for role, content in generation_messages(question, examples.select(question), SCHEMA, _hint(parsed))
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
        understood=ready.understood,
    )
    if svc.budget is not None:
        svc.budget.check_request(caller.name, total)
    if svc.cache is not None and not warnings:
        svc.cache.put(ready.question, caller.role, answer.to_json())
    return answer
