"""The LLM: LlamaIndex's ``OpenAILike`` on the configured endpoint, behind retries, a semaphore and a breaker.

Every call goes through :meth:`LLMClient.complete` or :meth:`LLMClient.stream`: at most
``llm_max_concurrent`` calls in flight per process, refused at once while the circuit is open, retried
with exponential backoff on 429 (honouring ``Retry-After``), 5xx, timeouts and malformed answers, and its
``usage`` added to the token accounting (per user and operation) and to the process's Prometheus
counters (``aidiscover_llm_*``). The OpenAI client's own retries are
off (``max_retries=0``) so this module is the only place that decides.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

import openai
from llama_index.core.base.llms.types import ChatMessage, ChatResponse, MessageRole
from llama_index.llms.openai_like import OpenAILike

from app.nl.breaker import CircuitBreaker
from app.nl.budget import Budget
from app.nl.messages import Message
from app.observability.metrics import record_llm_call
from core.errors import LLMError
from core.settings import LlmSettings

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_RETRY_AFTER = 60.0
_ROLES = {"system": MessageRole.SYSTEM, "user": MessageRole.USER, "assistant": MessageRole.ASSISTANT}


@dataclass(frozen=True)
class Completion:
    text: str
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float


def build_llm(settings: LlmSettings) -> OpenAILike:
    """``OpenAILike`` from settings (no tokenizer string: that would download one from a hub)."""
    key = settings.api_key.get_secret_value() if settings.api_key else "unset"
    return OpenAILike(
        model=settings.model,
        api_base=settings.base_url,
        api_key=key,
        is_chat_model=True,
        context_window=settings.context_window,
        max_tokens=settings.max_tokens,
        temperature=0.0,
        timeout=settings.timeout,
        max_retries=0,
    )


class LLMClient:
    """One per process (see ``app.nl.pipeline.services``); thread-safe. ``llm`` is the chat model from
    ``build_llm(settings)`` unless one is given (clients with their own breaker sharing one connection pool)."""

    def __init__(
        self,
        settings: LlmSettings,
        breaker: CircuitBreaker,
        budget: Budget | None,
        sleep: Callable[[float], None] = time.sleep,
        llm: OpenAILike | None = None,
    ) -> None:
        self.settings = settings
        self.breaker = breaker
        self.budget = budget
        self._sleep = sleep
        self._slots = threading.BoundedSemaphore(settings.max_concurrent)
        self._llm = llm if llm is not None else build_llm(settings)
        self.in_flight_peak = 0
        self._in_flight = 0
        self._count_lock = threading.Lock()

    @property
    def configured(self) -> bool:
        return self.settings.api_key is not None

    def complete(self, messages: Sequence[Message], *, user: str, operation: str) -> Completion:
        def call() -> Completion:
            response = self._llm.chat(_chat(messages))
            text = response.message.content
            if text is None:
                raise LLMError("the LLM returned an empty message")
            prompt, completion = _usage(response)
            return Completion(text, prompt, completion, self._account(user, operation, prompt, completion))

        return self._guarded(call)

    def stream(self, messages: Sequence[Message], *, user: str, operation: str) -> Iterator[str]:
        """Yield text pieces as they arrive. Retries happen only before the first piece."""
        chunks: list[ChatResponse] = []

        def start() -> Iterator[ChatResponse]:
            gen: Iterator[ChatResponse] = self._llm.stream_chat(_chat(messages), stream_options={"include_usage": True})
            first = next(gen, None)  # connection errors surface here, inside the retry loop
            if first is not None:
                chunks.append(first)
            return gen

        gen = self._guarded(start, release=False)
        try:
            for chunk in _chain(chunks, gen):
                if chunk.delta:
                    yield chunk.delta
                chunks.append(chunk)
        except Exception as exc:
            self.breaker.record_failure()
            record_llm_call("error")
            raise LLMError(f"the LLM stream broke off: {exc}") from exc
        finally:
            self._release()
        prompt, completion = max((_usage(c) for c in chunks), default=(0, 0))
        self._account(user, operation, prompt, completion)

    def _account(self, user: str, operation: str, prompt: int, completion: int) -> float:
        cost = self.budget.record(user, operation, prompt, completion) if self.budget is not None else 0.0
        record_llm_call("ok", prompt, completion, cost)
        return cost

    def _guarded(self, call: Callable[[], T], release: bool = True) -> T:
        if not self.breaker.allow():
            record_llm_call("circuit_open")
            raise LLMError(
                "the LLM circuit is open after repeated failures; "
                f"it retries in {self.breaker.seconds_until_probe():.0f} s"
            )
        self._acquire()
        try:
            result = self._with_retries(call)
        except BaseException:
            self._release()
            raise
        if release:
            self._release()
        return result

    def _acquire(self) -> None:
        self._slots.acquire()
        with self._count_lock:
            self._in_flight += 1
            self.in_flight_peak = max(self.in_flight_peak, self._in_flight)

    def _release(self) -> None:
        with self._count_lock:
            self._in_flight -= 1
        self._slots.release()

    def _with_retries(self, call: Callable[[], T]) -> T:
        attempts = self.settings.max_retries + 1
        for attempt in range(attempts):
            try:
                result = call()
            except openai.APIStatusError as exc:
                retryable = exc.status_code == 429 or exc.status_code >= 500
                wait = _retry_after(exc) if exc.status_code == 429 else None
                failure = f"HTTP {exc.status_code}"
                if not retryable:
                    self.breaker.record_failure()
                    record_llm_call("error")
                    raise LLMError(f"the LLM endpoint refused the call ({failure}); check the model and key") from exc
            except (openai.APITimeoutError, openai.APIConnectionError) as exc:
                wait, failure = None, type(exc).__name__
            except (LLMError, ValueError, KeyError, TypeError, openai.OpenAIError) as exc:
                wait, failure = None, f"malformed answer ({type(exc).__name__})"
            else:
                self.breaker.record_success()
                return result
            if attempt + 1 >= attempts:
                self.breaker.record_failure()
                record_llm_call("error")
                raise LLMError(f"the LLM endpoint failed {attempts} time(s), last: {failure}; try again later")
            delay = wait if wait is not None else min(0.5 * 2**attempt, 8.0)
            log.info("LLM call failed (%s); retry %d in %.1f s", failure, attempt + 1, delay)
            self._sleep(delay)
        raise AssertionError("unreachable")


def _chain(first: list[ChatResponse], rest: Iterator[ChatResponse]) -> Iterator[ChatResponse]:
    head = list(first)
    first.clear()
    yield from head
    yield from rest


def _retry_after(exc: openai.APIStatusError) -> float | None:
    value = exc.response.headers.get("retry-after")
    try:
        return min(max(float(value), 0.0), MAX_RETRY_AFTER) if value is not None else None
    except ValueError:
        return None


def _chat(messages: Sequence[Message]) -> list[ChatMessage]:
    return [ChatMessage(role=_ROLES[m.role], content=m.content) for m in messages]


def _usage(response: ChatResponse) -> tuple[int, int]:
    usage = getattr(response.raw, "usage", None) if response.raw is not None else None
    if usage is None and isinstance(response.raw, dict):
        usage = response.raw.get("usage")
    if usage is None:
        return 0, 0
    if isinstance(usage, dict):
        return int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
    return int(getattr(usage, "prompt_tokens", 0) or 0), int(getattr(usage, "completion_tokens", 0) or 0)
