"""The one gate every Cypher not written by our own code passes before it reaches Neo4j.

:func:`vet` is pure: it cleans the text (``app.nl.cypher_text``: fences, Unicode, comments, literals, one
statement), refuses every clause outside the read-only allowlist (MATCH, OPTIONAL MATCH, WHERE, WITH,
RETURN, ORDER BY, SKIP, LIMIT, UNWIND, UNION) and every function outside a list of built-ins (so no
``apoc.*``, ``db.*`` or ``dbms.*``), checks labels and relationship types against ``graph.schema``, and
turns arrows the schema declares the other way round. :func:`execute` then runs ``EXPLAIN`` in a READ
transaction and requires the plan's ``query_type`` to be ``"r"``, and only then runs the query in a READ
transaction (the server refuses writes there) with a timeout, streaming at most ``row_cap`` rows.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

import neo4j
from neo4j.exceptions import Neo4jError, ServiceUnavailable
from neo4j.graph import Node, Path, Relationship
from neo4j.time import Date, DateTime, Duration, Time

from app.errors import GraphError, QueryTimeoutError, ServiceError, UnsafeCypherError
from app.nl import scope
from app.nl.cypher_text import CleanCypher, clean
from app.nl.gate_types import KEYWORDS_BEFORE_PAREN, JSONValue, Row
from graph.neo4j.client import Graph
from graph.schema import RESOURCE_LABEL, Schema

log = logging.getLogger(__name__)

__all__ = ["JSONValue", "Row"]

# Clause and command words outside the allowlist: any of them, anywhere in the code, refuses the query.
FORBIDDEN_WORDS = frozenset(
    """create merge set delete detach remove call load csv use using show foreach finish insert drop alter
    grant deny revoke start stop terminate enable rename periodic transactions profile explain yield let
    filter next import database databases dbms""".split()  # noqa: SIM905
)
ALLOWED_FUNCTIONS = frozenset(
    """count collect sum avg min max percentilecont percentiledisc stdev stdevp size length labels type keys
    properties id elementid startnode endnode nodes relationships head last tail range reverse coalesce tolower
    toupper lower upper trim ltrim rtrim btrim replace split substring left right tostring tointeger tofloat
    toboolean tostringornull tointegerornull tofloatornull tobooleanornull abs ceil floor round sign sqrt exp log
    log10 exists isempty any all none single reduce shortestpath allshortestpaths datetime date localdatetime time
    localtime duration timestamp isnan char_length character_length normalize valuetype
    duration.between duration.indays duration.inmonths duration.inseconds date.truncate datetime.truncate""".split()  # noqa: SIM905
)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CALL = re.compile(r"([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)\s*\(")
_BACKTICK = re.compile(r"`[^`]*`")
_NAME = r"(?:`[^`]+`|[A-Za-z_]\w*)"
_NODE_LABELS = re.compile(
    r"\(\s*(?:[A-Za-z_]\w*)?\s*((?::\s*!?" + _NAME + r"\s*(?:[|&]\s*!?:?\s*" + _NAME + r"\s*)*)+)"
)
_REL_TYPES = re.compile(r"\[\s*(?:[A-Za-z_]\w*)?\s*:\s*(!?" + _NAME + r"(?:\s*\|\s*:?\s*!?" + _NAME + r")*)")
_NODE = r"\(\s*(?P<{v}>[A-Za-z_]\w*)?\s*(?::\s*(?P<{l}>[A-Za-z_]\w*))?[^()]*\)"
_HOP = re.compile(
    "(?P<left>"
    + _NODE.format(v="lv", l="ll")
    + r")\s*(?P<la><)?-\s*\[(?P<body>[^\[\]]*)\]\s*-(?P<ra>>)?\s*(?=(?P<right>"
    + _NODE.format(v="rv", l="rl")
    + r"))"
)
_BINDING = re.compile(r"\(\s*([A-Za-z_]\w*)\s*:\s*([A-Za-z_]\w*)")


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
    stmt = clean(raw)
    check_clauses(stmt)
    check_names(stmt, schema)
    scope.check_scope(stmt, schema)
    code, corrections = correct_directions(stmt.code, schema)
    return GatedQuery(stmt.text(scope.anchor(code, schema)), corrections)


def check_clauses(stmt: CleanCypher) -> None:
    code = _BACKTICK.sub(" ", stmt.code)
    for match in _WORD.finditer(code):
        word = match.group(0).lower()
        if word in FORBIDDEN_WORDS:
            raise UnsafeCypherError(
                f"{match.group(0).upper()} is not allowed: only MATCH, OPTIONAL MATCH, WHERE, WITH, RETURN, "
                "ORDER BY, SKIP, LIMIT, UNWIND and UNION (read-only queries)"
            )
    for match in _CALL.finditer(code):
        name = re.sub(r"\s+", "", match.group(1)).lower()
        if "." not in name and name in KEYWORDS_BEFORE_PAREN:
            continue
        if name not in ALLOWED_FUNCTIONS:
            raise UnsafeCypherError(f"the function {match.group(1)}() is not allowed; use built-in Cypher functions")


def _names(expr: str) -> list[str]:
    return [n.strip("`") for n in re.split(r"[\s|&:!]+", expr) if n.strip("`")]


def check_names(stmt: CleanCypher, schema: Schema) -> None:
    labels = {k.label for k in schema.nodes} | {RESOURCE_LABEL}
    types = set(schema.relationship_types())
    for match in _NODE_LABELS.finditer(stmt.code):
        for label in _names(match.group(1)):
            if label not in labels:
                raise UnsafeCypherError(f"label {label} does not exist in this graph; use one of the schema's labels")
    for match in _REL_TYPES.finditer(stmt.code):
        for rel in _names(match.group(1)):
            if rel not in types:
                raise UnsafeCypherError(f"relationship type {rel} does not exist; use one of the schema's types")


def correct_directions(code: str, schema: Schema) -> tuple[str, tuple[str, ...]]:
    """Turn ``(a:A)-[:T]->(b:B)`` round when the schema declares only ``(B)-[:T]->(A)``.

    Labels come from the pattern itself or from an earlier ``(v:Label)`` binding of the same variable.
    Untyped, undirected or ambiguous hops are left alone."""
    declared = {(r.source, r.type, r.target) for r in schema.relationships}
    bound: dict[str, str] = {}
    for var, label in _BINDING.findall(code):
        bound.setdefault(var, label)
    out: list[str] = []
    notes: list[str] = []
    last = 0
    for hop in _HOP.finditer(code):
        left = hop.group("ll") or bound.get(hop.group("lv") or "")
        right = hop.group("rl") or bound.get(hop.group("rv") or "")
        types = re.match(r"\s*(?:[A-Za-z_]\w*)?\s*:\s*([A-Za-z_]\w*(?:\s*\|\s*:?[A-Za-z_]\w*)*)", hop.group("body"))
        pointing = "out" if hop.group("ra") and not hop.group("la") else "in" if hop.group("la") else None
        if not (left and right and types and pointing):
            continue
        source, target = (left, right) if pointing == "out" else (right, left)
        names = _names(types.group(1))
        if all((source, t, target) in declared for t in names):
            continue
        if not all((target, t, source) in declared for t in names):
            continue
        arrow_l, arrow_r = ("<-", "-") if pointing == "out" else ("-", "->")
        out.append(code[last : hop.start(0)])
        out.append(f"{hop.group('left')}{arrow_l}[{hop.group('body')}]{arrow_r}")
        last = hop.end(0)
        notes.append(f"turned ({left})-[:{'|'.join(names)}]-({right}) round to the schema's direction")
    out.append(code[last:])
    return "".join(out), tuple(notes)


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
            plan = session.execute_read(plan_of)
            if plan.query_type != "r":
                raise UnsafeCypherError(
                    f"the query's plan is of type {plan.query_type!r}, not read-only; only reads are allowed"
                )
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
        raise GraphError(f"Neo4j refused the query ({exc.code}): {exc.message}") from exc


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
