"""The LLM behind natural-language questions: endpoint, limits, circuit breaker and cost alerts."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from core.settings.base import AreaSettings, check_http_url, env

__all__ = ["LlmSettings"]


class LlmSettings(AreaSettings):
    """The OpenAI-compatible endpoint, how it is called, and the generated queries' limits."""

    model_config = SettingsConfigDict(env_prefix="AIDISCOVER_LLM_")

    base_url: str = Field(
        "https://api.deepinfra.com/v1/openai",
        description="OpenAI-compatible endpoint for natural-language questions (a scripted local server in tests).",
    )
    model: str = Field("meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8", description="Model name sent.")
    api_key: SecretStr | None = Field(
        None,
        repr=False,
        description="API key of the LLM endpoint; empty: questions are answered by templates only.",
    )
    timeout: float = Field(120.0, gt=0, description="Seconds per LLM call before it counts as failed.")
    max_retries: int = Field(3, ge=0, le=10, description="Retries per LLM call (429 honours Retry-After, 5xx).")
    max_concurrent: int = Field(10, ge=1, le=100, description="LLM calls in flight at once per process.")
    max_tokens: int = Field(1024, ge=64, le=2048, description="Most tokens one LLM answer may use.")
    context_window: int = Field(131072, ge=4096, description="Context window of the model, in tokens.")
    cache_ttl: int = Field(3600, ge=0, description="Seconds an LLM-produced answer stays cached in Redis.")
    breaker_failures: int = Field(5, ge=1, description="Consecutive LLM failures that open the circuit.")
    breaker_seconds: float = Field(300.0, gt=0, description="Seconds the circuit stays open before a probe.")
    query_timeout: float = Field(
        15.0,
        gt=0,
        validation_alias=env("AIDISCOVER_NL_QUERY_TIMEOUT"),
        description="Seconds a generated Cypher query may run.",
    )
    row_cap: int = Field(
        200,
        ge=1,
        le=10_000,
        validation_alias=env("AIDISCOVER_NL_ROW_CAP"),
        description="Most rows a natural-language answer returns.",
    )
    price_input_per_mtok: float = Field(0.15, ge=0, description="USD per million prompt tokens.")
    price_output_per_mtok: float = Field(0.60, ge=0, description="USD per million completion tokens.")
    alert_daily_usd: float = Field(5.0, ge=0, description="Warn when the day's LLM cost passes this (USD).")
    alert_request_usd: float = Field(0.05, ge=0, description="Warn when one question's LLM cost passes this.")
    alert_monthly_usd: float = Field(100.0, ge=0, description="Warn when the month's projected cost passes this.")

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        return check_http_url(value, "https://api.deepinfra.com/v1/openai")
