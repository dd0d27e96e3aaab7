"""The one gate every Cypher not written by our own code passes before it reaches Neo4j.

Layers, each of which refuses on its own:

1. :func:`vet` (pure): markdown fences are removed, the text is normalised (NFKC; invisible and control
   characters refused), then **parsed** (``app.nl.cypher_parse``) into a tree of the read-only subset --
   anything outside the grammar is refused -- and the tree is checked (``app.nl.gate_tree``: labels,
   relationship types, functions, properties, subscripts) and rewritten (unlabeled nodes anchored to readable
   labels, arrows turned to the schema's direction). The text that runs is the tree printed back
   (``app.nl.cypher_render``), never the model's own text.
2. :func:`execute`: ``EXPLAIN`` in a READ transaction; the plan must be of query type ``"r"`` and hold only
   read operators (``app.nl.plan``); then the query runs in a READ transaction (the server refuses writes
   there) with a timeout, streaming at most ``row_cap`` rows.

Neo4j's own configuration (no file URLs, no APOC outside an allowlist, no URL loading) and the absence of
secrets from the graph are the layers beneath; see docs/security.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

import neo4j
from neo4j.exceptions import Neo4jError, ServiceUnavailable
from neo4j.graph import Node, Path, Relationship
from neo4j.time import Date, DateTime, Duration, Time

from app.nl import gate_tree
from app.nl.cypher_parse import parse
from app.nl.cypher_render import render
from app.nl.cypher_text import normalise, strip_fences
from app.nl.gate_types import JSONValue, Row
from app.nl.plan import check_plan
from core.errors import GeneratedQueryError, QueryTimeoutError, ServiceError
from graph.neo4j.client import Graph
from graph.schema import Schema

log = logging.getLogger(__name__)

__all__ = ["GatedQuery", "JSONValue", "QueryResult", "Row", "error_category", "execute", "to_json", "vet"]


@dataclass(frozen=True)
class GatedQuery:
    """Cypher the gate accepted: the text to run and the arrows it turned round (said in the answer)."""

    cypher: str
    corrections: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueryResult:
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    truncated: bool


def vet(raw: str, schema: Schema) -> GatedQuery:
    """Every static check; raises :class:`UnsafeCypherError` naming the first problem (fed back to the model)."""
    tree = parse(normalise(strip_fences(raw)))
    gate_tree.check(tree, schema)
    rewritten, corrections = gate_tree.rewrite(tree, schema)
    return GatedQuery(render(rewritten), corrections)


def error_category(code: str | None) -> str:
    """What a caller may be told about a Neo4j error: its class, never its message."""
    code = code or ""
    for needle, category in (
        ("SyntaxError", "syntax error"),
        ("SemanticError", "semantic error"),
        ("TypeError", "type error"),
        ("ArithmeticError", "arithmetic error"),
        ("Security", "not permitted"),
        ("Procedure", "not permitted"),
    ):
        if needle in code:
            return category
    return "database error"


def execute(
    graph: Graph,
    gated: GatedQuery,
    *,
    timeout: float,
    row_cap: int,
    observer: Callable[[str], None] | None = None,
) -> QueryResult:
    """EXPLAIN in a READ transaction (plan must be read-only), then run in a READ transaction, capped."""
    text = gated.cypher
    explain = "EXPLAIN " + gated.cypher

    @neo4j.unit_of_work(timeout=timeout)
    def plan_of(tx: neo4j.ManagedTransaction) -> neo4j.ResultSummary:
        return tx.run(explain).consume()

    @neo4j.unit_of_work(timeout=timeout)
    def work(tx: neo4j.ManagedTransaction) -> QueryResult:
        result = tx.run(text)
        columns = tuple(result.keys())
        rows: list[Row] = []
        for record in result:
            if len(rows) >= row_cap:
                return QueryResult(columns, tuple(rows), True)
            rows.append({key: to_json(record[key]) for key in columns})
        return QueryResult(columns, tuple(rows), False)

    try:
        with graph.read_session() as session:
            if observer:
                observer(explain)
            summary = session.execute_read(plan_of)
            check_plan(summary.plan, summary.query_type)
            if observer:
                observer(gated.cypher)
            return session.execute_read(work)
    except ServiceUnavailable as exc:
        raise ServiceError(f"Neo4j does not answer at {graph.uri}: run `aidiscover services up`") from exc
    except Neo4jError as exc:
        if "TransactionTimedOut" in (exc.code or "") or "Terminated" in (exc.code or ""):
            raise QueryTimeoutError(
                f"the generated query ran past {timeout:g} s and was stopped; ask a narrower question"
            ) from exc
        raise GeneratedQueryError(
            f"Neo4j refused the query ({exc.code}): {exc.message}", error_category(exc.code)
        ) from exc


def to_json(value: object) -> JSONValue:
    """Driver values as JSON: nodes as their properties plus ``_labels``, temporal values as ISO text."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, Node):
        props: dict[str, JSONValue] = {k: to_json(v) for k, v in value.items()}
        props["_labels"] = list(sorted(value.labels))
        return props
    if isinstance(value, Relationship):
        rel: dict[str, JSONValue] = {k: to_json(v) for k, v in value.items()}
        rel["_type"] = value.type
        return rel
    if isinstance(value, Path):
        return [to_json(n) for n in value.nodes]
    if isinstance(value, DateTime | Date | Time | datetime | date | time):
        return value.isoformat()
    if isinstance(value, Duration):
        return str(value)
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    return str(value)
