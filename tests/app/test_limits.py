"""Query limits (depth, aliases, tokens, cost) and error codes, on a small schema of their own.

The limits run as Strawberry extensions before anything resolves; these tests use a tiny schema so the
arithmetic is easy to check by hand. The API's own schema is exercised over HTTP in test_auth_http.py.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
import strawberry
from graphql import parse

from app.api.error_codes import ErrorCodes, code_of
from app.api.limits import MAX_ALIASES, MAX_DEPTH, QueryLimits, _documents, alias_count, query_cost, query_depth
from core.errors import (
    AlreadyExistsError,
    AuthError,
    GraphError,
    NotFoundError,
    PermissionDenied,
    QueryInputError,
    QueryTimeoutError,
    RateLimitedError,
    ServiceError,
)
from core.settings import Settings
from graph.neo4j.client import Graph


@strawberry.type
class Item:
    name: str

    @strawberry.field
    def children(self, first: int = 10) -> list[Item]:
        return [Item(name=f"{self.name}.{i}") for i in range(min(first, 3))]

    @strawberry.field
    def child(self) -> Item:
        return Item(name=f"{self.name}.c")


@strawberry.type
class Query:
    @strawberry.field
    def items(self, first: int = 50) -> list[Item]:
        return [Item(name=str(i)) for i in range(min(first, 3))]

    @strawberry.field
    def boom(self) -> str:
        raise RuntimeError("secret internals")

    @strawberry.field
    def missing(self) -> str:
        raise NotFoundError("no item 'x'; list the items first")

    @strawberry.field
    def throttled(self) -> str:
        raise RateLimitedError("too many; retry in 7 s", 7)


@dataclass
class _Api:
    max_query_cost: int = 1000
    debug: bool = False


@dataclass
class _Settings:
    api: _Api


@dataclass
class _Ctx:
    settings: _Settings


SCHEMA = strawberry.Schema(query=Query, extensions=[QueryLimits, ErrorCodes])


def run(query: str, variables: dict[str, object] | None = None, **settings: object) -> strawberry.types.ExecutionResult:
    return SCHEMA.execute_sync(query, variable_values=variables, context_value=_Ctx(_Settings(_Api(**settings))))  # type: ignore[arg-type]


def codes(result: strawberry.types.ExecutionResult) -> list[str]:
    return [str((e.extensions or {}).get("code")) for e in result.errors or []]


def test_cost_multiplies_page_sizes_through_nesting() -> None:
    doc = parse("query($n: Int) { items(first: 4) { name children(first: $n) { name child { name } } } }")
    op = doc.definitions[0]
    gql = SCHEMA._schema
    # items: 1; children: 4 (under items x4); child: 4 x 6 (under children x6); scalars are free
    assert query_cost(gql, doc, op, {"n": 6}) == 1 + 4 + 24  # type: ignore[arg-type]
    # no variable value: the argument's default (10) applies
    assert query_cost(gql, doc, op, {}) == 1 + 4 + 40  # type: ignore[arg-type]


def test_cost_follows_fragments_and_defaults() -> None:
    doc = parse("{ items { ...F } } fragment F on Item { children { child { name } } }")
    op = doc.definitions[0]
    assert query_cost(SCHEMA._schema, doc, op, {}) == 1 + 50 + 500  # type: ignore[arg-type]


def test_depth_counts_nested_fields_through_fragments_but_not_introspection() -> None:
    doc = parse("{ items { ...F } __schema { types { fields { name } } } } fragment F on Item { child { name } }")
    fragments = {d.name.value: d for d in doc.definitions[1:]}  # type: ignore[attr-defined]
    assert query_depth(doc.definitions[0].selection_set, fragments) == 3  # type: ignore[attr-defined,arg-type]


def test_alias_count() -> None:
    assert alias_count(parse("{ a: items { n: name } b: items { name } }")) == 3


def test_a_query_within_the_limits_runs() -> None:
    result = run("{ items(first: 2) { name children(first: 2) { name } } }")
    assert result.errors is None
    assert result.data == {
        "items": [
            {"name": "0", "children": [{"name": "0.0"}, {"name": "0.1"}]},
            {"name": "1", "children": [{"name": "1.0"}, {"name": "1.1"}]},
        ]
    }


def test_too_costly_query_is_refused_before_it_runs_with_the_estimate() -> None:
    result = run("{ items(first: 40) { children(first: 40) { child { name } } } }", max_query_cost=1000)
    assert result.data is None
    assert codes(result) == ["QUERY_TOO_COSTLY"]
    error = result.errors[0]  # type: ignore[index]
    assert error.extensions == {"code": "QUERY_TOO_COSTLY", "cost": 1 + 40 + 40 * 40, "maxCost": 1000}
    assert "about 1641 objects" in error.message
    # the same shape with a variable page size counts the variable's value
    result = run("query($n: Int!) { items(first: $n) { child { child { name } } } }", {"n": 600})
    assert codes(result) == ["QUERY_TOO_COSTLY"]
    assert "1201" in result.errors[0].message  # type: ignore[index]
    assert "lower first/limit" in result.errors[0].message  # type: ignore[index]


def test_too_deep_query_is_refused() -> None:
    inner = "name"
    for _ in range(MAX_DEPTH):
        inner = f"child {{ {inner} }}"
    result = run(f"{{ items(first: 1) {{ {inner} }} }}")
    assert codes(result) == ["QUERY_TOO_DEEP"]
    assert f"{MAX_DEPTH + 2} levels deep; at most {MAX_DEPTH}" in result.errors[0].message  # type: ignore[index]


def test_too_many_aliases_are_refused() -> None:
    query = "{ " + " ".join(f"a{i}: items(first: 1) {{ name }}" for i in range(MAX_ALIASES + 1)) + " }"
    result = run(query)
    assert codes(result) == ["TOO_MANY_ALIASES"]
    assert f"{MAX_ALIASES + 1} aliases; at most {MAX_ALIASES}" in result.errors[0].message  # type: ignore[index]


def test_too_many_tokens_stop_the_parser() -> None:
    result = run("{ items { " + "name " * 2100 + "} }")
    assert codes(result) == ["TOO_MANY_TOKENS"]
    assert "2000 tokens" in result.errors[0].message  # type: ignore[index]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ items { nope } }", "BAD_QUERY"),
        ("{ items { name ", "BAD_QUERY"),
        ("query($n: Int!) { items(first: $n) { name } }", "BAD_INPUT"),
        ("{ missing }", "NOT_FOUND"),
    ],
)
def test_every_error_carries_a_code_and_its_message(query: str, code: str) -> None:
    result = run(query, {"n": "many"})
    assert codes(result) == [code]
    assert result.errors[0].message not in ("", "Unexpected error.")  # type: ignore[index]


def test_unexpected_errors_are_masked_with_code_internal_unless_debugging() -> None:
    result = run("{ boom }")
    assert [(e.message, e.extensions) for e in result.errors or []] == [("Unexpected error.", {"code": "INTERNAL"})]
    debug = run("{ boom }", debug=True)
    assert [(e.message, e.extensions) for e in debug.errors or []] == [("secret internals", {"code": "INTERNAL"})]


def test_rate_limited_errors_say_when_to_retry() -> None:
    result = run("{ throttled }")
    assert result.errors[0].extensions == {"code": "RATE_LIMITED", "retryAfter": 7}  # type: ignore[index]


def test_codes_follow_the_error_tree() -> None:
    assert code_of(PermissionDenied("x")) == "FORBIDDEN"
    assert code_of(AuthError("x")) == "UNAUTHENTICATED"
    assert code_of(NotFoundError("x")) == "NOT_FOUND"
    assert code_of(AlreadyExistsError("x")) == "ALREADY_EXISTS"
    assert code_of(QueryInputError("x")) == "BAD_INPUT"
    assert code_of(QueryTimeoutError("x")) == "QUERY_TIMEOUT"
    assert code_of(ServiceError("x")) == "UNAVAILABLE"
    assert code_of(GraphError("x")) == "GRAPH_ERROR"

    class CustomError(QueryInputError):
        graphql_code = "CUSTOM"

    assert code_of(CustomError("x")) == "CUSTOM"


@pytest.mark.neo4j
def test_a_graph_read_past_the_timeout_is_stopped_with_a_clear_error(settings: Settings) -> None:
    with Graph(settings.neo4j.model_copy(update={"query_timeout_seconds": 0.2})) as graph:
        assert graph.read_timeout == 0.2
        started = time.monotonic()
        with pytest.raises(QueryTimeoutError, match="AIDISCOVER_QUERY_TIMEOUT_SECONDS") as stopped:
            graph.read("UNWIND range(1, 1000000000) AS x WITH x WHERE x % 7 = 3 RETURN count(x) AS n")
        assert time.monotonic() - started < 10
        assert code_of(stopped.value) == "QUERY_TIMEOUT"
        assert graph.read("RETURN 1 AS one")[0]["one"] == 1  # the driver is still usable


def test_a_repeated_query_text_is_parsed_once_but_its_cost_is_checked_with_each_requests_variables() -> None:
    query = "query($n: Int!) { items(first: $n) { name children(first: 2) { name } } }"
    first = run(query, {"n": 2})
    assert first.errors is None
    cached = _documents.get(query)
    assert cached is not None  # kept after a valid first run
    again = run(query, {"n": 2000})  # cost 1 + 2000 + 2000: over the limit with these variables
    assert codes(again) == ["QUERY_TOO_COSTLY"]
    assert _documents.get(query) is cached  # the cached document was used, not a new parse
    assert run(query, {"n": 1}).data == {"items": [{"name": "0", "children": [{"name": "0.0"}, {"name": "0.1"}]}]}


def test_an_invalid_query_text_is_not_cached_and_gets_the_standard_error_every_time() -> None:
    query = "{ items { nope } }"
    for _ in range(2):
        result = run(query)
        assert result.errors is not None
        assert "Cannot query field 'nope'" in result.errors[0].message
    assert _documents.get(query) is None
