"""A recursive-descent parser for the read-only Cypher subset of ``app.nl.cypher_ast``.

The grammar is the allowlist. Clauses: MATCH, OPTIONAL MATCH, WHERE, WITH, UNWIND, RETURN (with DISTINCT,
ORDER BY, SKIP, LIMIT) and UNION. Patterns: node patterns with plain label lists (``:A:B`` or ``:A|B``) and
property maps; relationships with type lists, a direction and an optional hop range; shortestPath. Expressions:
literals, variables, property reads, operators, CASE, function calls, list and pattern comprehensions,
quantifiers, reduce, map projections, and EXISTS / COUNT over a pattern. Anything else -- CALL, LOAD CSV,
writes, USE, SHOW, subqueries with RETURN, label expressions with ``!``, ``&`` or ``%``, dynamic labels,
WHERE inside a node pattern, quantified path patterns, parameters -- does not parse and is refused, with a
message the model can act on. Operator precedence follows Neo4j's Cypher 5 grammar.
"""

from __future__ import annotations

from typing import Literal as Lit
from typing import cast

from app.nl import cypher_ast as ast
from app.nl.cypher_expr import ExpressionParser
from app.nl.cypher_lex import tokenize
from core.errors import UnsafeCypherError

__all__ = ["parse"]


def parse(text: str) -> ast.Query:
    """Parse one statement (a trailing ``;`` is allowed); raise :class:`UnsafeCypherError` on anything else."""
    tokens = tokenize(text)
    if tokens[0].kind == "eof":
        raise UnsafeCypherError("the answer holds no Cypher; ask again")
    parser = _Parser(text, tokens)
    query = parser.query()
    while parser.peek().text == ";" and parser.peek().kind == "op":
        parser.advance()
    if parser.peek().kind != "eof":
        if any(t.kind == "op" and t.text == ";" for t in parser.tokens[: parser.pos]):
            raise UnsafeCypherError("the query holds more than one statement (a ';' in the middle); send exactly one")
        parser.fail("the query must end after its RETURN clause (or a UNION of such queries)")
    return query


class _Parser(ExpressionParser):
    def query(self) -> ast.Query:
        parts = [self.single()]
        union_all: list[bool] = []
        while self.accept_word("UNION"):
            union_all.append(self.accept_word("ALL"))
            parts.append(self.single())
        return ast.Query(tuple(parts), tuple(union_all))

    def single(self) -> ast.SingleQuery:
        clauses: list[ast.Clause] = []
        while True:
            if self.at_word("MATCH", "OPTIONAL"):
                clauses.append(self.match())
            elif self.accept_word("UNWIND"):
                expr = self.expr()
                self.expect_word("AS")
                clauses.append(ast.Unwind(expr, self.name("a variable after AS")))
            elif self.accept_word("WITH"):
                projection = self.projection()
                where = self.expr() if self.accept_word("WHERE") else None
                clauses.append(ast.With(projection, where))
            elif self.accept_word("RETURN"):
                clauses.append(ast.Return(self.projection()))
                return ast.SingleQuery(tuple(clauses))
            else:
                self.fail("a MATCH, OPTIONAL MATCH, WITH, UNWIND or RETURN clause" if clauses else "MATCH or RETURN")

    def match(self) -> ast.Match:
        optional = self.accept_word("OPTIONAL")
        self.expect_word("MATCH")
        parts = [self.pattern_part()]
        while self.accept_op(","):
            parts.append(self.pattern_part())
        where = self.expr() if self.accept_word("WHERE") else None
        return ast.Match(optional, tuple(parts), where)

    def projection(self) -> ast.Projection:
        distinct = self.accept_word("DISTINCT")
        star = self.accept_op("*")
        items: list[tuple[ast.Expr, str | None]] = []
        if not star or self.accept_op(","):
            items.append(self.item())
            while self.accept_op(","):
                items.append(self.item())
        order: list[ast.SortItem] = []
        if self.accept_word("ORDER"):
            self.expect_word("BY")
            order.append(self.sort_item())
            while self.accept_op(","):
                order.append(self.sort_item())
        skip = self.expr() if self.accept_word("SKIP", "OFFSET") else None
        limit = self.expr() if self.accept_word("LIMIT") else None
        return ast.Projection(distinct, star, tuple(items), tuple(order), skip, limit)

    def item(self) -> tuple[ast.Expr, str | None]:
        expr = self.expr()
        return expr, (self.name("a name after AS") if self.accept_word("AS") else None)

    def sort_item(self) -> ast.SortItem:
        expr = self.expr()
        if self.accept_word("DESC", "DESCENDING"):
            return ast.SortItem(expr, True)
        self.accept_word("ASC", "ASCENDING")
        return ast.SortItem(expr, False)

    # --- patterns --------------------------------------------------------------------------------

    def pattern_part(self) -> ast.PatternPart:
        var = None
        if self.peek().kind in ("name", "qname") and self.at_op("=", ahead=1):
            var = self.name("a path variable")
            self.advance()
        if self.at_word("SHORTESTPATH", "ALLSHORTESTPATHS") and self.at_op("(", ahead=1):
            kind = "shortestPath" if self.advance().text.upper() == "SHORTESTPATH" else "allShortestPaths"
            self.expect_op("(")
            chain = self.chain()
            self.expect_op(")", "closing the shortest path")
            return ast.PatternPart(var, cast(Lit["shortestPath", "allShortestPaths"], kind), chain)
        return ast.PatternPart(var, None, self.chain())

    def chain(self) -> ast.Chain:
        nodes = [self.node()]
        rels: list[ast.RelPat] = []
        while self.at_op("-") or (self.at_op("<") and self.at_op("-", ahead=1)):
            rels.append(self.rel())
            nodes.append(self.node())
        return ast.Chain(tuple(nodes), tuple(rels))

    def node(self) -> ast.NodePat:
        self.expect_op("(", "opening a node pattern")
        if self.at_op("("):
            self.fail("quantified or parenthesised path patterns are not allowed; write plain node patterns")
        var = self.name("a variable") if self.peek().kind in ("name", "qname") else None
        labels, any_label = self.labels() if self.at_op(":") else ((), False)
        props = self.map_literal() if self.at_op("{") else None
        if self.at_word("WHERE"):
            self.fail("a WHERE inside a node pattern is not allowed; put the condition in the MATCH's WHERE")
        self.expect_op(")", "closing the node pattern")
        return ast.NodePat(var, labels, any_label, props)

    def rel(self) -> ast.RelPat:
        left = self.accept_op("<")
        self.expect_op("-")
        var: str | None = None
        types: list[str] = []
        hops: tuple[int | None, int | None] | None = None
        props = None
        if self.accept_op("["):
            var = self.name("a variable") if self.peek().kind in ("name", "qname") else None
            if self.accept_op(":"):
                types.append(self.name("a relationship type"))
                while self.accept_op("|"):
                    self.accept_op(":")
                    types.append(self.name("a relationship type after '|'"))
            if self.accept_op("*"):
                hops = self.hops()
            props = self.map_literal() if self.at_op("{") else None
            if self.at_word("WHERE"):
                self.fail("a WHERE inside a relationship pattern is not allowed; put it in the MATCH's WHERE")
            self.expect_op("]", "closing the relationship pattern")
        self.expect_op("-", "in the relationship arrow")
        right = self.accept_op(">")
        direction: ast.Direction = "out" if right and not left else "in" if left and not right else "both"
        return ast.RelPat(var, tuple(types), direction, hops, props)

    def hops(self) -> tuple[int | None, int | None]:
        low = int(self.advance().text) if self.peek().kind == "int" else None
        if not self.accept_op(".."):
            return (low, low) if low is not None else (None, None)
        high = int(self.advance().text) if self.peek().kind == "int" else None
        return low, high
