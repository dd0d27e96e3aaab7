"""Token accounting per user and operation, priced from settings, with cost alerts.

Each LLM call adds its ``usage`` (as the endpoint reported it) to Redis hashes per day and per month.
Alerts -- the day's cost, one question's cost, the month's projection passing their thresholds -- are
logged as warnings and kept (the last 100) so ``status()`` (GraphQL ``askUsage``) can show them.
Redis being down never fails a question: accounting is skipped with a warning.
"""

from __future__ import annotations

import calendar
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import redis

from core.settings import LlmSettings

log = logging.getLogger(__name__)
_DAY = "aidiscover:nl:usage:day:"
_MONTH = "aidiscover:nl:usage:month:"
_ALERTS = "aidiscover:nl:alerts"
_FIELDS = ("calls", "prompt_tokens", "completion_tokens", "cost_usd")


@dataclass(frozen=True)
class UsageLine:
    """LLM tokens and cost of one user and operation today."""

    user: str
    operation: str
    calls: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float


@dataclass(frozen=True)
class BudgetStatus:
    """LLM cost today, this month and projected, with the thresholds and recent alerts."""

    day: str
    cost_today_usd: float
    month_to_date_usd: float
    projected_month_usd: float
    alert_daily_usd: float
    alert_request_usd: float
    alert_monthly_usd: float
    lines: tuple[UsageLine, ...]
    alerts: tuple[str, ...]


class Budget:
    def __init__(
        self, client: redis.Redis, settings: LlmSettings, now: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._redis = client
        self.settings = settings
        self._now = now

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        s = self.settings
        return (prompt_tokens * s.price_input_per_mtok + completion_tokens * s.price_output_per_mtok) / 1e6

    def record(self, user: str, operation: str, prompt_tokens: int, completion_tokens: int) -> float:
        """Add one call's usage; returns its cost in USD and raises the day / month alerts when passed."""
        cost = self.cost(prompt_tokens, completion_tokens)
        now = self._now()
        day, month = now.strftime("%Y-%m-%d"), now.strftime("%Y-%m")
        line = f"{user}|{operation}"
        try:
            pipe = self._redis.pipeline()
            pipe.hincrby(_DAY + day, f"{line}|calls", 1)
            pipe.hincrby(_DAY + day, f"{line}|prompt_tokens", prompt_tokens)
            pipe.hincrby(_DAY + day, f"{line}|completion_tokens", completion_tokens)
            pipe.hincrbyfloat(_DAY + day, f"{line}|cost_usd", cost)
            pipe.hincrbyfloat(_DAY + day, "total", cost)
            pipe.hincrbyfloat(_MONTH + month, "total", cost)
            pipe.expire(_DAY + day, 40 * 86400)
            pipe.expire(_MONTH + month, 400 * 86400)
            results = pipe.execute()
        except redis.RedisError as exc:
            log.warning("token accounting unavailable (%s); usage of %s/%s not recorded", exc, user, operation)
            return cost
        today, month_total = float(results[4]), float(results[5])
        s = self.settings
        if today > s.alert_daily_usd >= today - cost:
            self._alert(f"daily LLM cost {today:.4f} USD passed {s.alert_daily_usd:g} USD on {day}")
        projected = self._projection(month_total, now)
        if projected > s.alert_monthly_usd >= self._projection(month_total - cost, now):
            self._alert(f"projected monthly LLM cost {projected:.2f} USD passes {s.alert_monthly_usd:g} USD")
        return cost

    def check_request(self, user: str, question_cost: float) -> None:
        """Alert when one question's LLM calls together cost more than the per-request threshold."""
        if question_cost > self.settings.alert_request_usd:
            self._alert(
                f"one question by {user} cost {question_cost:.4f} USD "
                f"(threshold {self.settings.alert_request_usd:g} USD)"
            )

    @staticmethod
    def _projection(month_total: float, now: datetime) -> float:
        days = calendar.monthrange(now.year, now.month)[1]
        elapsed = now.day - 1 + (now.hour * 3600 + now.minute * 60 + now.second) / 86400
        return month_total / max(elapsed, 1.0) * days

    def _alert(self, message: str) -> None:
        log.warning("LLM budget alert: %s", message)
        entry = json.dumps({"at": self._now().isoformat(timespec="seconds"), "message": message})
        try:
            self._redis.lpush(_ALERTS, entry)
            self._redis.ltrim(_ALERTS, 0, 99)
        except redis.RedisError as exc:
            log.warning("could not keep the budget alert (%s)", exc)

    def status(self) -> BudgetStatus:
        now = self._now()
        day, month = now.strftime("%Y-%m-%d"), now.strftime("%Y-%m")
        raw = {_s(k): _s(v) for k, v in self._redis.hgetall(_DAY + day).items()}
        month_total = float(_s(self._redis.hget(_MONTH + month, "total") or b"0"))
        grouped: dict[tuple[str, str], dict[str, float]] = {}
        for key, value in raw.items():
            parts = key.rsplit("|", 2)
            if len(parts) == 3 and parts[2] in _FIELDS:
                grouped.setdefault((parts[0], parts[1]), {})[parts[2]] = float(value)
        lines = tuple(
            UsageLine(
                user,
                op,
                int(v.get("calls", 0)),
                int(v.get("prompt_tokens", 0)),
                int(v.get("completion_tokens", 0)),
                round(v.get("cost_usd", 0.0), 6),
            )
            for (user, op), v in sorted(grouped.items())
        )
        alerts = tuple(json.loads(_s(a))["message"] for a in self._redis.lrange(_ALERTS, 0, 19))
        s = self.settings
        return BudgetStatus(
            day,
            round(float(raw.get("total", "0")), 6),
            round(month_total, 6),
            round(self._projection(month_total, now), 6),
            s.alert_daily_usd,
            s.alert_request_usd,
            s.alert_monthly_usd,
            lines,
            alerts,
        )


def _s(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
