"""A chat message as the pipeline builds it: light, so that answering without a model never loads the LLM
library (``app.nl.llm`` turns these into its client's own messages)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Message", "Role"]

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class Message:
    role: Role
    content: str
