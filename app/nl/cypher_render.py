"""The one text Neo4j runs for a checked tree: Cypher printed back from ``app.nl.cypher_ast``.

Printing the checked tree, rather than passing on the text that was parsed, means there is nothing the
gate did not see: comments, odd spacing, escapes and quoting are gone; names are backtick-quoted whenever
they are not plain identifiers or are reserved words; strings are re-escaped; operators are parenthesised
by precedence so Neo4j groups them exactly as the tree does.
"""

from __future__ import annotations

import re

from app.nl import cypher_ast as ast

__all__ = ["render", "render_expr", "render_name", "string_literal"]

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
RESERVED = frozenset(
    """ALL AND AS ASC ASCENDING BY CALL CASE CONTAINS CREATE DELETE DESC DESCENDING DETACH DISTINCT ELSE END ENDS
    EXISTS FALSE FOREACH IN IS LIMIT LOAD MATCH MERGE NOT NULL ON OPTIONAL OR ORDER REMOVE RETURN SET SKIP STARTS
    THEN TRUE UNION UNWIND USE WHEN WHERE WITH XOR YIELD""".split()  # noqa: SIM905
)
# Binding strength: a child binding less tightly than its parent is parenthesised.
_PRECEDENCE = {
    "OR": 1,
    "XOR": 2,
    "AND": 3,
    "NOT": 4,
    "=": 5,
    "<>": 5,
    "<": 5,
    ">": 5,
    "<=": 5,
    ">=": 5,
    "IN": 6,
    "STARTS WITH": 6,
    "ENDS WITH": 6,
    "CONTAINS": 6,
    "=~": 6,
    "IS NULL": 6,
    "+": 7,
    "-": 7,
    "*": 8,
    "/": 8,
    "%": 8,
    "^": 9,
    "unary": 10,
}
_ATOM = 11


def render_name(name: str) -> str:
    if _PLAIN.fullmatch(name) and name.upper() not in RESERVED:
        return name
    return "`" + name.replace("`", "``") + "`"


def string_literal(value: str) -> str:
    """``value`` as a Cypher string literal: quotes, backslashes and control characters escaped."""
    out: list[str] = []
    for ch in value:
        if ch in "\\'":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"


def _literal(value: ast.Scalar) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return string_literal(value)
    return repr(value).replace("e+", "e")  # Cypher's exponent takes a '-' but no '+'


def _strength(expr: ast.Expr) -> int:
    if isinstance(expr, ast.Binary):
        return _PRECEDENCE[expr.op]
    if isinstance(expr, ast.Unary):
        return _PRECEDENCE["NOT"] if expr.op == "NOT" else _PRECEDENCE["unary"]
    if isinstance(expr, ast.IsNull):
        return _PRECEDENCE["IS NULL"]
    return _ATOM


def _wrap(expr: ast.Expr, at_least: int) -> str:
    text = render_expr(expr)
    return f"({text})" if _strength(expr) < at_least else text


def render_expr(expr: ast.Expr) -> str:
    if isinstance(expr, ast.Const):
        return _literal(expr.value)
    if isinstance(expr, ast.Var):
        return render_name(expr.name)
    if isinstance(expr, ast.ListLit):
        return "[" + ", ".join(render_expr(i) for i in expr.items) + "]"
    if isinstance(expr, ast.MapLit):
        return _map(expr)
    if isinstance(expr, ast.Prop):
        return f"{_wrap(expr.subject, _ATOM)}.{render_name(expr.key)}"
    if isinstance(expr, ast.Index):
        return f"{_wrap(expr.subject, _ATOM)}[{render_expr(expr.index)}]"
    if isinstance(expr, ast.Slice):
        start = render_expr(expr.start) if expr.start is not None else ""
        end = render_expr(expr.end) if expr.end is not None else ""
        return f"{_wrap(expr.subject, _ATOM)}[{start}..{end}]"
    if isinstance(expr, ast.LabelTest):
        return _wrap(expr.subject, _ATOM) + "".join(f":{render_name(label)}" for label in expr.labels)
    if isinstance(expr, ast.Unary):
        if expr.op == "NOT":
            return f"NOT {_wrap(expr.operand, _PRECEDENCE['NOT'])}"
        return f"{expr.op}{_wrap(expr.operand, _PRECEDENCE['unary'])}"
    if isinstance(expr, ast.Binary):
        level = _PRECEDENCE[expr.op]
        # Left-associative: an equal-strength child on the right keeps its own parentheses.
        return f"{_wrap(expr.left, level)} {expr.op} {_wrap(expr.right, level + 1)}"
    if isinstance(expr, ast.IsNull):
        return f"{_wrap(expr.subject, _PRECEDENCE['+'])} IS {'NOT ' if expr.negated else ''}NULL"
    if isinstance(expr, ast.Call):
        if expr.star:
            return f"{expr.name}(*)"
        args = ", ".join(render_expr(a) for a in expr.args)
        return f"{expr.name}({'DISTINCT ' if expr.distinct else ''}{args})"
    if isinstance(expr, ast.Case):
        parts = ["CASE"] + ([render_expr(expr.subject)] if expr.subject is not None else [])
        parts += [f"WHEN {render_expr(c)} THEN {render_expr(v)}" for c, v in expr.whens]
        parts += [f"ELSE {render_expr(expr.default)}"] if expr.default is not None else []
        return " ".join([*parts, "END"])
    if isinstance(expr, ast.ListComp):
        text = f"{render_name(expr.var)} IN {render_expr(expr.source)}"
        text += f" WHERE {render_expr(expr.where)}" if expr.where is not None else ""
        text += f" | {render_expr(expr.project)}" if expr.project is not None else ""
        return f"[{text}]"
    if isinstance(expr, ast.PatternComp):
        where = f" WHERE {render_expr(expr.where)}" if expr.where is not None else ""
        return f"[{render_chain(expr.chain)}{where} | {render_expr(expr.project)}]"
    if isinstance(expr, ast.Quantifier):
        return f"{expr.kind}({render_name(expr.var)} IN {render_expr(expr.source)} WHERE {render_expr(expr.where)})"
    if isinstance(expr, ast.Reduce):
        return (
            f"reduce({render_name(expr.acc)} = {render_expr(expr.init)}, {render_name(expr.var)} IN "
            f"{render_expr(expr.source)} | {render_expr(expr.expr)})"
        )
    if isinstance(expr, ast.MapProj):
        return f"{render_name(expr.subject.name)}{{{', '.join(_map_item(i) for i in expr.items)}}}"
    if isinstance(expr, ast.PatternPred):
        where = f" WHERE {render_expr(expr.where)}" if expr.where is not None else ""
        return f"{expr.kind.upper()} {{ MATCH {', '.join(render_part(p) for p in expr.parts)}{where} }}"
    raise TypeError(f"cannot render {type(expr).__name__}")


def _map(value: ast.MapLit) -> str:
    return "{" + ", ".join(f"{render_name(k)}: {render_expr(v)}" for k, v in value.entries) + "}"


def _map_item(item: ast.MapProjItem) -> str:
    if item.kind == "prop":
        return f".{render_name(item.key)}"
    if item.kind == "all":
        return ".*"
    if item.kind == "var":
        return render_name(item.key)
    assert item.expr is not None
    return f"{render_name(item.key)}: {render_expr(item.expr)}"


def render_node(node: ast.NodePat) -> str:
    text = render_name(node.var) if node.var else ""
    if node.labels:
        text += ":" + ("|" if node.any_label else ":").join(render_name(label) for label in node.labels)
    if node.props is not None:
        text += (" " if text else "") + _map(node.props)
    return f"({text})"


def render_rel(rel: ast.RelPat) -> str:
    body = render_name(rel.var) if rel.var else ""
    if rel.types:
        body += ":" + "|".join(render_name(t) for t in rel.types)
    if rel.hops is not None:
        body += _hops(*rel.hops)
    if rel.props is not None:
        body += (" " if body else "") + _map(rel.props)
    left = "<-" if rel.direction == "in" else "-"
    right = "->" if rel.direction == "out" else "-"
    return f"{left}[{body}]{right}"


def _hops(low: int | None, high: int | None) -> str:
    if low is None and high is None:
        return "*"
    if low == high:
        return f"*{low}"
    return f"*{'' if low is None else low}..{'' if high is None else high}"


def render_chain(chain: ast.Chain) -> str:
    text = render_node(chain.nodes[0])
    for rel, node in zip(chain.rels, chain.nodes[1:], strict=True):
        text += render_rel(rel) + render_node(node)
    return text


def render_part(part: ast.PatternPart) -> str:
    text = render_chain(part.chain)
    if part.shortest is not None:
        text = f"{part.shortest}({text})"
    return f"{render_name(part.var)} = {text}" if part.var else text


def _projection(p: ast.Projection) -> str:
    items = [render_expr(e) + (f" AS {render_name(alias)}" if alias else "") for e, alias in p.items]
    text = ("DISTINCT " if p.distinct else "") + ", ".join((["*"] if p.star else []) + items)
    if p.order:
        text += " ORDER BY " + ", ".join(render_expr(s.expr) + (" DESC" if s.descending else "") for s in p.order)
    text += f" SKIP {render_expr(p.skip)}" if p.skip is not None else ""
    text += f" LIMIT {render_expr(p.limit)}" if p.limit is not None else ""
    return text


def _clause(clause: ast.Clause) -> str:
    if isinstance(clause, ast.Match):
        text = ("OPTIONAL MATCH " if clause.optional else "MATCH ") + ", ".join(render_part(p) for p in clause.parts)
        return text + (f" WHERE {render_expr(clause.where)}" if clause.where is not None else "")
    if isinstance(clause, ast.Unwind):
        return f"UNWIND {render_expr(clause.expr)} AS {render_name(clause.var)}"
    if isinstance(clause, ast.With):
        text = f"WITH {_projection(clause.projection)}"
        return text + (f" WHERE {render_expr(clause.where)}" if clause.where is not None else "")
    return f"RETURN {_projection(clause.projection)}"


def render(query: ast.Query) -> str:
    parts = [" ".join(_clause(c) for c in single.clauses) for single in query.parts]
    text = parts[0]
    for joined_all, part in zip(query.union_all, parts[1:], strict=True):
        text += f" UNION {'ALL ' if joined_all else ''}{part}"
    return text
