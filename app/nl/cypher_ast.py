"""The parse tree of the read-only Cypher subset that natural-language answers may run.

``app.nl.cypher_parse`` builds these nodes from text, the gate checks and rewrites them
(``app.nl.gate_tree``), and ``app.nl.cypher_render`` prints them back as the one text Neo4j runs. The
subset is the allowlist: a clause, operator or construct that has no node here cannot be expressed at all.
Every node is a frozen dataclass, so a rewrite builds a new tree and never changes a checked one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

__all__ = [
    "Binary",
    "Call",
    "Case",
    "Chain",
    "Clause",
    "Const",
    "Expr",
    "Index",
    "IsNull",
    "LabelTest",
    "ListComp",
    "ListLit",
    "MapLit",
    "MapProj",
    "MapProjItem",
    "Match",
    "NodePat",
    "PatternComp",
    "PatternPart",
    "PatternPred",
    "Projection",
    "Prop",
    "Quantifier",
    "Query",
    "Reduce",
    "RelPat",
    "Return",
    "SingleQuery",
    "Slice",
    "SortItem",
    "Unary",
    "Unwind",
    "Var",
    "With",
]

Scalar: TypeAlias = str | int | float | bool | None
Direction: TypeAlias = Literal["out", "in", "both"]


# --- expressions ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Const:
    """A literal: a number, a string, true, false or null."""

    value: Scalar


@dataclass(frozen=True, slots=True)
class ListLit:
    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class MapLit:
    entries: tuple[tuple[str, Expr], ...]


@dataclass(frozen=True, slots=True)
class Var:
    name: str


@dataclass(frozen=True, slots=True)
class Prop:
    """``subject.key``: a property read, the only way a query may name a property."""

    subject: Expr
    key: str


@dataclass(frozen=True, slots=True)
class Index:
    """``subject[index]``; the gate accepts integer literals only (no dynamic property access)."""

    subject: Expr
    index: Expr


@dataclass(frozen=True, slots=True)
class Slice:
    subject: Expr
    start: Expr | None
    end: Expr | None


@dataclass(frozen=True, slots=True)
class LabelTest:
    """``n:A:B`` in an expression (every label must hold)."""

    subject: Expr
    labels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Unary:
    op: Literal["-", "+", "NOT"]
    operand: Expr


@dataclass(frozen=True, slots=True)
class Binary:
    """Boolean, comparison, string, list and arithmetic operators (``op`` as Cypher spells it, upper case)."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class IsNull:
    subject: Expr
    negated: bool


@dataclass(frozen=True, slots=True)
class Call:
    """A function call; ``name`` is lower case with its namespace (``date.truncate``); ``count(*)`` has star."""

    name: str
    args: tuple[Expr, ...]
    distinct: bool = False
    star: bool = False


@dataclass(frozen=True, slots=True)
class Case:
    subject: Expr | None
    whens: tuple[tuple[Expr, Expr], ...]
    default: Expr | None


@dataclass(frozen=True, slots=True)
class ListComp:
    var: str
    source: Expr
    where: Expr | None
    project: Expr | None


@dataclass(frozen=True, slots=True)
class Quantifier:
    kind: Literal["any", "all", "none", "single"]
    var: str
    source: Expr
    where: Expr


@dataclass(frozen=True, slots=True)
class Reduce:
    acc: str
    init: Expr
    var: str
    source: Expr
    expr: Expr


@dataclass(frozen=True, slots=True)
class MapProjItem:
    """One entry of ``n{...}``: ``.key`` (prop), ``.*`` (all), ``v`` (var) or ``key: expr`` (entry)."""

    kind: Literal["prop", "all", "var", "entry"]
    key: str = ""
    expr: Expr | None = None


@dataclass(frozen=True, slots=True)
class MapProj:
    subject: Var
    items: tuple[MapProjItem, ...]


@dataclass(frozen=True, slots=True)
class PatternComp:
    """``[(a)-->(b) WHERE ... | expr]``."""

    chain: Chain
    where: Expr | None
    project: Expr


@dataclass(frozen=True, slots=True)
class PatternPred:
    """``EXISTS { pattern [WHERE ...] }``, ``COUNT { ... }``, or a bare pattern used as a predicate."""

    kind: Literal["exists", "count"]
    parts: tuple[PatternPart, ...]
    where: Expr | None


Expr: TypeAlias = (
    Const
    | ListLit
    | MapLit
    | Var
    | Prop
    | Index
    | Slice
    | LabelTest
    | Unary
    | Binary
    | IsNull
    | Call
    | Case
    | ListComp
    | Quantifier
    | Reduce
    | MapProj
    | PatternComp
    | PatternPred
)


# --- patterns ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NodePat:
    """``(var:A|B {k: v})``: ``any_label`` is True for ``|`` (one of), False for ``:`` chains (all of)."""

    var: str | None
    labels: tuple[str, ...]
    any_label: bool
    props: MapLit | None


@dataclass(frozen=True, slots=True)
class RelPat:
    """``-[var:T|U *min..max {k: v}]->``; ``hops`` is None for a single hop, else (min, max), either may be None."""

    var: str | None
    types: tuple[str, ...]
    direction: Direction
    hops: tuple[int | None, int | None] | None
    props: MapLit | None


@dataclass(frozen=True, slots=True)
class Chain:
    """Nodes joined by relationships: ``len(nodes) == len(rels) + 1``."""

    nodes: tuple[NodePat, ...]
    rels: tuple[RelPat, ...]


@dataclass(frozen=True, slots=True)
class PatternPart:
    var: str | None
    shortest: Literal["shortestPath", "allShortestPaths"] | None
    chain: Chain


# --- clauses -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SortItem:
    expr: Expr
    descending: bool


@dataclass(frozen=True, slots=True)
class Projection:
    distinct: bool
    star: bool
    items: tuple[tuple[Expr, str | None], ...]
    order: tuple[SortItem, ...]
    skip: Expr | None
    limit: Expr | None


@dataclass(frozen=True, slots=True)
class Match:
    optional: bool
    parts: tuple[PatternPart, ...]
    where: Expr | None


@dataclass(frozen=True, slots=True)
class Unwind:
    expr: Expr
    var: str


@dataclass(frozen=True, slots=True)
class With:
    projection: Projection
    where: Expr | None


@dataclass(frozen=True, slots=True)
class Return:
    projection: Projection


Clause: TypeAlias = Match | Unwind | With | Return


@dataclass(frozen=True, slots=True)
class SingleQuery:
    clauses: tuple[Clause, ...]


@dataclass(frozen=True, slots=True)
class Query:
    """Single queries joined by UNION (``union_all[i]`` joins part i and i + 1)."""

    parts: tuple[SingleQuery, ...]
    union_all: tuple[bool, ...]
