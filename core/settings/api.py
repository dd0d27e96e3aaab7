"""How the API listens, what requests it accepts, and who may call it."""

from __future__ import annotations

import ipaddress
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from core.settings.base import AreaSettings, env, split_csv

__all__ = ["ApiSettings", "AuthSettings"]


class ApiSettings(AreaSettings):
    """The HTTP server: address, browsers, proxies and the size of what it accepts."""

    model_config = SettingsConfigDict(env_prefix="AIDISCOVER_API_")

    host: str = Field("127.0.0.1", description="Address the API binds to.")
    port: int = Field(8000, ge=1, le=65535, description="Port the API binds to.")
    debug: bool = Field(
        False,
        validation_alias=env("AIDISCOVER_DEBUG"),
        description="Show unexpected errors' messages to API clients (never in production).",
    )
    max_query_cost: int = Field(
        1_000_000,
        ge=1,
        validation_alias=env("AIDISCOVER_MAX_QUERY_COST"),
        description="Largest estimated query cost: object fields, multiplied by the first/limit of enclosing lists.",
    )
    cors_origins: Annotated[tuple[str, ...], NoDecode] = Field(
        (),
        validation_alias=env("AIDISCOVER_CORS_ORIGINS"),
        description="Comma-separated origins allowed to call the API from a browser (CORS); empty: CORS off.",
    )
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = Field(
        (),
        validation_alias=env("AIDISCOVER_TRUSTED_PROXIES"),
        description="Comma-separated addresses or networks (10.0.0.0/8) of the reverse proxies in front of the API; "
        "only from them are X-Forwarded-For and X-Forwarded-Proto believed, and the client is the right-most "
        "address in X-Forwarded-For that is not one of them. Empty: those headers (and Forwarded, X-Real-IP) are "
        "ignored and the client is the connecting address (rate and login limits count per client address).",
    )
    max_body_bytes: int = Field(
        1_048_576,
        ge=1024,
        validation_alias=env("AIDISCOVER_MAX_BODY_BYTES"),
        description="Largest request body /graphql accepts; a larger one gets 413.",
    )
    max_json_depth: int = Field(
        64,
        ge=2,
        le=512,
        validation_alias=env("AIDISCOVER_MAX_JSON_DEPTH"),
        description="Deepest nesting of arrays and objects in a /graphql request's JSON; deeper: 400.",
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(o.strip().rstrip("/") for o in value.split(",") if o.strip())
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        return split_csv(value)

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(
                    f"{entry!r} is not an IP address or network; list the proxies' addresses, e.g. 10.0.0.5,10.1.0.0/16"
                ) from None
        return value

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


class AuthSettings(AreaSettings):
    """Credentials, tokens and the per-caller limits of the API."""

    mode: Literal["required", "off"] = Field(
        "required",
        validation_alias=env("AIDISCOVER_AUTH"),
        description="required: every API call needs an API key or a bearer token; "
        "off: every request is a local admin (single-user laptops only).",
    )
    jwt_secret: SecretStr | None = Field(
        None,
        description="Signing secret of access and refresh tokens; empty: generated once into the secret store "
        "(replace it with `aidiscover auth rotate-secret`).",
    )
    access_token_minutes: int = Field(30, ge=1, le=24 * 60, description="Lifetime of an access token.")
    refresh_token_days: int = Field(7, ge=1, le=365, description="Lifetime of a refresh token.")
    bcrypt_rounds: int = Field(12, ge=4, le=16, description="bcrypt cost factor for new passwords and API keys.")
    rate_limit_per_minute: int = Field(
        100, ge=0, description="API requests per minute per caller (key, user or address); 0 turns it off."
    )
    login_attempts_per_minute: int = Field(
        10, ge=1, description="Login attempts per minute per username and per client address."
    )
    public_schema: bool = Field(
        False,
        description="Give callers without credentials GraphiQL, introspection (__schema, __type) and "
        "'Did you mean' suggestions in errors; off: only signed-in callers get them.",
    )
    metrics_token: SecretStr | None = Field(
        None,
        repr=False,
        description="Bearer token (24+ characters) Prometheus sends to scrape /metrics "
        "(Authorization: Bearer <token>); /metrics also accepts an operator or admin API key or access token, "
        "and refuses everybody else (no credentials: 401, a viewer: 403).",
    )

    @field_validator("metrics_token")
    @classmethod
    def _check_metrics_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if len(value.get_secret_value()) < 24:
            raise ValueError(
                "must be at least 24 characters; make one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
            )
        return value
