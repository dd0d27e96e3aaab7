"""What every settings area shares: the project root, the base class and the parsers of list variables.

An area reads its variables from the environment on its own (``AIDISCOVER_<AREA>_<FIELD>`` unless a field
names its variable with :func:`env`), so a part of the code that needs one area never sees the others.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import AliasChoices
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["PROJECT_ROOT", "AreaSettings", "check_http_url", "env", "split_csv"]

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def env(name: str) -> AliasChoices:
    """The environment variable of a field whose name is not the area's prefix plus the field's name."""
    return AliasChoices(name, name.lower())


def split_csv(value: object) -> object:
    """A comma-separated variable as a tuple of its non-empty, stripped items."""
    if isinstance(value, str):
        return tuple(item.strip() for item in value.split(",") if item.strip())
    return value


def check_http_url(value: str, example: str) -> str:
    """An https URL (plain http only on a loopback host), without its trailing slash."""
    parts = urlsplit(value)
    if not parts.hostname or parts.scheme not in {"http", "https"}:
        raise ValueError(f"must be an https URL such as {example}")
    if parts.scheme == "http" and parts.hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise ValueError("plain http is only allowed on a loopback host (a local server); use https")
    return value.rstrip("/")


class AreaSettings(BaseSettings):
    """One area's settings; its fields' descriptions become docs/configuration.md's rows.

    A keyword the area does not know is refused (``extra_forbidden``) rather than ignored. That includes a
    field that reads a shared variable (``Neo4jSettings(uri=...)``): pass the variable's name
    (``NEO4J_URI=...``) or change a built area with ``model_copy(update={"uri": ...})``.
    """

    model_config = SettingsConfigDict(env_prefix="AIDISCOVER_", frozen=True, extra="forbid")
