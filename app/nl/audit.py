"""The audit trail of model-written queries: one log record per query the model sent, whatever became of it.

Each record names the caller and role, the question, the attempt, the gate's decision (``accepted``,
``refused`` by the gate, ``failed`` in Neo4j) with its reason, the Cypher that ran (or, when refused, the
model's text, cut at :data:`MAX_TEXT`), and the row count. JSON log lines carry these as an ``audit``
object beside the request id; text lines carry them in the message. Rows themselves are never logged.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Literal

__all__ = ["MAX_TEXT", "QueryAudit", "record"]

log = logging.getLogger(__name__)
MAX_TEXT = 2000
Decision = Literal["accepted", "refused", "failed"]


@dataclass(frozen=True)
class QueryAudit:
    caller: str
    role: str
    question: str
    attempt: int
    decision: Decision
    reason: str
    cypher: str
    rows: int = 0
    truncated: bool = False


def record(entry: QueryAudit) -> None:
    entry = QueryAudit(**{**asdict(entry), "cypher": entry.cypher[:MAX_TEXT], "reason": entry.reason[:MAX_TEXT]})
    log.info(
        "model query %s for %s (%s), attempt %d, %d rows: %s%s",
        entry.decision,
        entry.caller,
        entry.role,
        entry.attempt,
        entry.rows,
        entry.cypher,
        f" ({entry.reason})" if entry.reason else "",
        extra={"audit": asdict(entry)},
    )
