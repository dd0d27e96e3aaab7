"""The gate's checks and rewrites on the parse tree (``app.nl.cypher_ast``), never on text.

Checks: every label (in patterns and in ``n:Label`` tests) and relationship type is one the inventory may
read; every function is on the allowlist (names arrive normalised: lower case, backticks gone, namespace
joined with dots); no property that only the product's own records carry is named; subscripts take integer
literals only (no ``n[key]`` dynamic property access). Rewrites: a node pattern without a label gets the
union of readable labels, a variable-length relationship without a type gets the readable types (so no
pattern can start on, end on or walk through a node outside the inventory), and an arrow the schema declares
the other way round is turned.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from functools import lru_cache
from typing import TypeVar

from app.nl import cypher_ast as ast
from app.nl import scope
from core.errors import UnsafeCypherError
from graph.schema import Schema

__all__ = ["ALLOWED_FUNCTIONS", "check", "readable_types", "rewrite", "walk"]

ALLOWED_FUNCTIONS = frozenset(
    """count collect sum avg min max percentilecont percentiledisc stdev stdevp size length labels type keys
    properties id elementid startnode endnode nodes relationships head last tail range reverse coalesce tolower
    toupper lower upper trim ltrim rtrim btrim replace split substring left right tostring tointeger tofloat
    toboolean tostringornull tointegerornull tofloatornull tobooleanornull abs ceil floor round sign sqrt exp log
    log10 isempty datetime date localdatetime time localtime duration timestamp isnan char_length
    character_length normalize valuetype duration.between duration.indays duration.inmonths duration.inseconds
    date.truncate datetime.truncate""".split()  # noqa: SIM905
)
T = TypeVar("T")


@lru_cache(maxsize=4)
def readable_types(schema: Schema) -> tuple[str, ...]:
    """Relationship types every declaration of which joins two readable labels."""
    hidden = scope.HIDDEN_LABELS
    by_type: dict[str, bool] = {}
    for rel in schema.relationships:
        ok = rel.source not in hidden and rel.target not in hidden
        by_type[rel.type] = by_type.get(rel.type, True) and ok
    return tuple(sorted(t for t, ok in by_type.items() if ok))


def walk(node: object) -> Iterator[object]:
    """Every tree node below (and including) ``node``, depth first."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, tuple):
            stack.extend(reversed(item))
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            yield item
            stack.extend(reversed([getattr(item, f.name) for f in dataclasses.fields(item)]))


def _check_label(label: str, schema: Schema) -> None:
    if label in scope.readable_label_set(schema):
        return
    if label in scope.HIDDEN_LABELS or label in {k.label for k in schema.nodes}:
        raise UnsafeCypherError(f"{label} nodes are not part of the inventory; ask about cloud resources")
    raise UnsafeCypherError(f"label {label} does not exist in this graph; use one of the schema's labels")


def _check_type(rel_type: str, schema: Schema) -> None:
    if rel_type in readable_types(schema):
        return
    if rel_type in schema.relationship_types():
        raise UnsafeCypherError(f"relationship type {rel_type} is not part of the inventory; use another")
    raise UnsafeCypherError(f"relationship type {rel_type} does not exist; use one of the schema's types")


def _check_property(key: str, schema: Schema) -> None:
    if key in scope.hidden_properties(schema):
        raise UnsafeCypherError(f"the property {key} is not readable here; ask about cloud resources")


def _integer(expr: ast.Expr) -> bool:
    if isinstance(expr, ast.Unary) and expr.op in "-+":
        return _integer(expr.operand)
    return isinstance(expr, ast.Const) and type(expr.value) is int


def check(query: ast.Query, schema: Schema) -> None:
    """Raise :class:`UnsafeCypherError` naming the first name or construct the inventory may not use."""
    for node in walk(query):
        if isinstance(node, ast.NodePat):
            for label in node.labels:
                _check_label(label, schema)
            for key, _ in node.props.entries if node.props else ():
                _check_property(key, schema)
        elif isinstance(node, ast.RelPat):
            for rel_type in node.types:
                _check_type(rel_type, schema)
            for key, _ in node.props.entries if node.props else ():
                _check_property(key, schema)
        elif isinstance(node, ast.LabelTest):
            for label in node.labels:
                _check_label(label, schema)
        elif isinstance(node, ast.Call):
            if node.name not in ALLOWED_FUNCTIONS:
                raise UnsafeCypherError(f"the function {node.name}() is not allowed; use built-in Cypher functions")
            if node.star and node.name != "count":
                raise UnsafeCypherError(f"{node.name}(*) is not a function call; only count(*) takes *")
        elif isinstance(node, ast.Prop) or (isinstance(node, ast.MapProjItem) and node.kind == "prop"):
            _check_property(node.key, schema)
        elif isinstance(node, ast.Index) and not _integer(node.index):
            raise UnsafeCypherError("dynamic property access (n[key]) is not allowed; name the property (n.key)")


# --- rewrites ------------------------------------------------------------------------------------


def _bindings(query: ast.Query) -> dict[str, str]:
    """Variable -> its label, from the first node pattern that gives the variable exactly one label."""
    bound: dict[str, str] = {}
    for node in walk(query):
        if isinstance(node, ast.NodePat) and node.var and len(node.labels) == 1:
            bound.setdefault(node.var, node.labels[0])
    return bound


def _label_of(node: ast.NodePat, bound: dict[str, str]) -> str | None:
    if len(node.labels) == 1:
        return node.labels[0]
    return bound.get(node.var or "") if not node.labels else None


class _Rewriter:
    def __init__(self, schema: Schema, bound: dict[str, str]) -> None:
        self.schema = schema
        self.bound = bound
        self.declared = {(r.source, r.type, r.target) for r in schema.relationships}
        self.notes: list[str] = []

    def tree(self, node: T) -> T:
        if isinstance(node, tuple):
            return tuple(self.tree(x) for x in node)  # type: ignore[return-value]
        if not dataclasses.is_dataclass(node) or isinstance(node, type):
            return node
        rebuilt = type(node)(**{f.name: self.tree(getattr(node, f.name)) for f in dataclasses.fields(node)})
        if isinstance(rebuilt, ast.Chain):
            return self.chain(rebuilt)  # type: ignore[return-value]
        return rebuilt

    def chain(self, chain: ast.Chain) -> ast.Chain:
        rels = tuple(
            self.turn(rel, left, right)
            for rel, left, right in zip(chain.rels, chain.nodes, chain.nodes[1:], strict=False)
        )
        readable = scope.readable_labels(self.schema)
        nodes = tuple(
            n if n.labels else dataclasses.replace(n, labels=readable, any_label=len(readable) > 1) for n in chain.nodes
        )
        types = readable_types(self.schema)
        rels = tuple(r if r.hops is None or r.types else dataclasses.replace(r, types=types) for r in rels)
        return ast.Chain(nodes, rels)

    def turn(self, rel: ast.RelPat, left_node: ast.NodePat, right_node: ast.NodePat) -> ast.RelPat:
        """Turn ``(a:A)-[:T]->(b:B)`` round when the schema declares only ``(B)-[:T]->(A)``."""
        left, right = _label_of(left_node, self.bound), _label_of(right_node, self.bound)
        if not (left and right and rel.types and rel.direction != "both"):
            return rel
        source, target = (left, right) if rel.direction == "out" else (right, left)
        if all((source, t, target) in self.declared for t in rel.types):
            return rel
        if not all((target, t, source) in self.declared for t in rel.types):
            return rel
        self.notes.append(f"turned ({left})-[:{'|'.join(rel.types)}]-({right}) round to the schema's direction")
        return dataclasses.replace(rel, direction="in" if rel.direction == "out" else "out")


def rewrite(query: ast.Query, schema: Schema) -> tuple[ast.Query, tuple[str, ...]]:
    """The query with every node pattern anchored to readable labels and arrows in the schema's direction."""
    rewriter = _Rewriter(schema, _bindings(query))
    return rewriter.tree(query), tuple(rewriter.notes)
