"""The question set's expected answers, computed apart from the parser, and the verdict on an answer.

An expectation is reference Cypher (rows), ``call:...`` (an analysis function of ``queries/`` run on the
resource the question names, looked up by kind and name), ``decline``, or ``ask:<Cypher of the candidate
ids>``. An answer is *right* when it matches, *declined* when it declined or asked back where an answer was
expected, and *wrong* otherwise (declining is better than a wrong answer). Asking back is right when it offers
two or more of the resources the name means (a resource's own security group or disk named after it may be
left out).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from app.nl.gate import JSONValue, Row, to_json
from core.settings import Settings
from graph.neo4j.client import Graph
from queries.blast import blast_radius, dependencies
from queries.cost.savings import savings
from queries.exposure import exposure_paths
from queries.history import CHANGE_ROWS, MAX_FIRST, ChangeFilter, changes_between, resource_history
from queries.paths import shortest_path

__all__ = ["Expected", "Verdict", "expected", "judge", "results_match"]

Verdict = Literal["right", "wrong", "declined"]
_CHANGED_KINDS = (
    f"CALL () {{ {CHANGE_ROWS} }} WITH n WHERE n.at >= $since RETURN DISTINCT n.resource_kind AS kind ORDER BY kind"
)


@dataclass(frozen=True)
class Expected:
    kind: Literal["rows", "decline", "ask"]
    rows: tuple[Row, ...] = ()


def _read(graph: Graph, cypher: str) -> tuple[Row, ...]:
    # the question set's own reference queries, not model output
    return tuple({k: to_json(r[k]) for k in r.keys()} for r in graph.read(cypher))  # noqa: SIM118


def _id_of(graph: Graph, kind: str, name: str) -> str:
    rows = graph.read(f"MATCH (n:{kind}) WHERE n.name = $name RETURN n.id AS id ORDER BY id", {"name": name})
    if len(rows) != 1:
        raise ValueError(f"the question set names {kind} {name!r}, which is {len(rows)} resources in this graph")
    return str(rows[0]["id"])


def _ids(ids: Sequence[str]) -> tuple[Row, ...]:
    return tuple({"id": i} for i in ids)


def _changes_since(graph: Graph, since: datetime) -> Counter[tuple[str, str]]:
    """Every change since ``since`` counted per (change, kind): ``changes_between`` returns at most
    ``MAX_FIRST`` records, so it is asked one kind at a time (a re-discovered estate has more changes than that)."""
    kinds = [str(r["kind"]) for r in graph.read(_CHANGED_KINDS, {"since": since})]
    counted: Counter[tuple[str, str]] = Counter()
    for kind in kinds:
        records = changes_between(graph, since, flt=ChangeFilter(kinds=(kind,)), first=MAX_FIRST)
        if len(records) >= MAX_FIRST:
            raise ValueError(f"more than {MAX_FIRST} changes of {kind} since {since}: the reference would be cut short")
        counted.update((c.change, c.kind) for c in records)
    return counted


def _call(graph: Graph, settings: Settings, spec: str) -> tuple[Row, ...]:
    parts = spec.split(":")
    what = parts[1]
    if what == "exposure":
        return _ids([p.resource.id for p in exposure_paths(graph, provider=parts[2] if len(parts) > 2 else None)])
    if what == "exposure-of":
        return _ids([p.resource.id for p in exposure_paths(graph, resource_id=_id_of(graph, parts[2], parts[3]))])
    if what == "blast":
        return _ids([r.node.id for r in blast_radius(graph, _id_of(graph, parts[2], parts[3])).nodes])
    if what == "deps":
        return _ids([r.node.id for r in dependencies(graph, _id_of(graph, parts[2], parts[3]), "DEPENDENCIES").nodes])
    if what == "path":
        found = shortest_path(graph, _id_of(graph, parts[2], parts[3]), _id_of(graph, parts[4], parts[5]))
        return _ids([n.id for n in found.nodes]) if found else ()
    if what == "savings":
        return _ids([s.resource_id for s in savings(graph, settings).items])
    if what == "savings-total":
        return ({"usd": savings(graph, settings).total_usd},)
    if what == "savings-rule":
        return _ids([s.resource_id for s in savings(graph, settings).items if s.rule == parts[2]])
    if what == "changes":
        since = datetime.now(UTC) - timedelta(days=int(parts[2]))
        return tuple({"change": c, "kind": k, "count": n} for (c, k), n in _changes_since(graph, since).items())
    if what == "history":
        return tuple({"change": r.change} for r in resource_history(graph, _id_of(graph, parts[2], parts[3])))
    raise ValueError(f"unknown reference call {spec!r}")


def expected(graph: Graph, settings: Settings, expect: str) -> Expected:
    if expect == "decline":
        return Expected("decline")
    if expect.startswith("ask:"):
        return Expected("ask", _read(graph, expect[4:]))
    if expect.startswith("call:"):
        return Expected("rows", _call(graph, settings, expect))
    return Expected("rows", _read(graph, expect))


def _canon(value: JSONValue) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, float):
        value = round(value, 6)
    if isinstance(value, list):
        return str(sorted(_canon(v) for v in value))
    return repr(value)


def results_match(answer: Sequence[Row], reference: Sequence[Row]) -> bool:
    """Order-insensitive: the same multiset of rows (values only); or, for a one-column reference, the same
    set of values in some column of the answer."""

    def rows_of(rows: Sequence[Row]) -> Counter[tuple[str, ...]]:
        return Counter(tuple(sorted(_canon(v) for v in row.values())) for row in rows)

    if rows_of(answer) == rows_of(reference):
        return True
    if reference and len(reference[0]) == 1:
        (key,) = reference[0].keys()
        wanted = {_canon(r[key]) for r in reference}
        columns = answer[0].keys() if answer else ()
        return any({_canon(r.get(c)) for r in answer} == wanted for c in columns)
    return not reference and not answer


def judge(outcome: str, rows: Sequence[Row], candidates: Sequence[Row], truncated: bool, want: Expected) -> Verdict:
    """``outcome`` is answer, clarify or decline (the parser's), or llm / degraded for other paths."""
    if want.kind == "decline":
        return "right" if outcome in {"decline", "clarify", "degraded"} else "wrong"
    if want.kind == "ask":
        if outcome == "clarify":
            got = {str(c.get("id")) for c in candidates}
            return "right" if len(got) > 1 and got <= {str(r["id"]) for r in want.rows} else "wrong"
        return "declined" if outcome in {"decline", "degraded"} else "wrong"
    if outcome in {"decline", "clarify", "degraded"}:
        return "declined"
    return "right" if not truncated and results_match(rows, want.rows) else "wrong"
