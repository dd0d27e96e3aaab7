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
from typing import NoReturn, cast

from app.errors import UnsafeCypherError
from app.nl import cypher_ast as ast
from app.nl.cypher_lex import Token, tokenize

__all__ = ["FORBIDDEN_CLAUSES", "MAX_DEPTH", "parse"]

MAX_DEPTH = 64
FORBIDDEN_CLAUSES = frozenset(
    """CREATE MERGE SET DELETE DETACH REMOVE CALL LOAD FOREACH USE SHOW USING DROP ALTER GRANT DENY REVOKE START
    STOP TERMINATE ENABLE RENAME FINISH INSERT FILTER LET NEXT EXPLAIN PROFILE""".split()  # noqa: SIM905
)
_CLAUSES_ALLOWED = "only MATCH, OPTIONAL MATCH, WHERE, WITH, UNWIND, RETURN, ORDER BY, SKIP, LIMIT and UNION"
_COMPARISONS = ("=", "<>", "!=", "<", ">", "<=", ">=")
_QUANTIFIERS = ("ANY", "ALL", "NONE", "SINGLE")


class _BacktrackError(Exception):
    """A tentative parse (a pattern where an expression may stand) did not fit; the caller tries the other."""


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


class _Parser:
    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.pos = 0
        self.depth = 0
        self.soft = 0  # > 0 while parsing tentatively: errors backtrack instead of refusing

    # --- tokens ----------------------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        tok = self.peek()
        self.pos = min(self.pos + 1, len(self.tokens) - 1)
        return tok

    def at_op(self, *ops: str, ahead: int = 0) -> bool:
        tok = self.peek(ahead)
        return tok.kind == "op" and tok.text in ops

    def at_word(self, *words: str, ahead: int = 0) -> bool:
        return self.peek(ahead).is_word(*words)

    def accept_op(self, op: str) -> bool:
        if self.at_op(op):
            self.advance()
            return True
        return False

    def accept_word(self, *words: str) -> bool:
        if self.at_word(*words):
            self.advance()
            return True
        return False

    def expect_op(self, op: str, what: str = "") -> None:
        if not self.accept_op(op):
            self.fail(f"expected '{op}'{' ' + what if what else ''}")

    def expect_word(self, word: str) -> None:
        if not self.accept_word(word):
            self.fail(f"expected {word}")

    def name(self, what: str) -> str:
        tok = self.peek()
        if tok.kind not in ("name", "qname"):
            self.fail(f"expected {what}")
        self.advance()
        return tok.text

    def fail(self, message: str) -> NoReturn:
        if self.soft:
            raise _BacktrackError
        tok = self.peek()
        if tok.is_word(*FORBIDDEN_CLAUSES):
            raise UnsafeCypherError(f"{tok.text.upper()} is not allowed: {_CLAUSES_ALLOWED} (read-only queries)")
        near = "the end of the query" if tok.kind == "eof" else repr(self.text[tok.pos : tok.pos + 24])
        raise UnsafeCypherError(f"the query does not parse: {message} at position {tok.pos} (near {near})")

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise UnsafeCypherError(f"the query nests deeper than {MAX_DEPTH} levels; write it flatter")

    # --- clauses ---------------------------------------------------------------------------------

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

    def labels(self) -> tuple[tuple[str, ...], bool]:
        self.expect_op(":")
        labels = [self.name("a label after ':'")]
        if self.at_op("|"):
            while self.accept_op("|"):
                self.accept_op(":")
                labels.append(self.name("a label after '|'"))
            return tuple(labels), True
        while self.accept_op(":"):
            labels.append(self.name("a label after ':'"))
        return tuple(labels), False

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

    # --- expressions, lowest precedence first ----------------------------------------------------

    def expr(self) -> ast.Expr:
        self.enter()
        try:
            return self.or_expr()
        finally:
            self.depth -= 1

    def or_expr(self) -> ast.Expr:
        left = self.xor_expr()
        while self.accept_word("OR"):
            left = ast.Binary("OR", left, self.xor_expr())
        return left

    def xor_expr(self) -> ast.Expr:
        left = self.and_expr()
        while self.accept_word("XOR"):
            left = ast.Binary("XOR", left, self.and_expr())
        return left

    def and_expr(self) -> ast.Expr:
        left = self.not_expr()
        while self.accept_word("AND"):
            left = ast.Binary("AND", left, self.not_expr())
        return left

    def not_expr(self) -> ast.Expr:
        if self.accept_word("NOT"):
            self.enter()
            try:
                return ast.Unary("NOT", self.not_expr())
            finally:
                self.depth -= 1
        return self.comparison()

    def comparison(self) -> ast.Expr:
        left = self.predicate()
        if self.at_op(*_COMPARISONS):
            op = self.advance().text
            left = ast.Binary("<>" if op == "!=" else op, left, self.predicate())
            if self.at_op(*_COMPARISONS):
                self.fail("chained comparisons are not allowed; join them with AND")
        return left

    def predicate(self) -> ast.Expr:
        left = self.additive()
        while True:
            if self.accept_word("IS"):
                negated = self.accept_word("NOT")
                self.expect_word("NULL")
                left = ast.IsNull(left, negated)
            elif self.at_word("STARTS", "ENDS") and self.at_word("WITH", ahead=1):
                op = f"{self.advance().text.upper()} WITH"
                self.advance()
                left = ast.Binary(op, left, self.additive())
            elif self.accept_word("CONTAINS"):
                left = ast.Binary("CONTAINS", left, self.additive())
            elif self.accept_word("IN"):
                left = ast.Binary("IN", left, self.additive())
            elif self.accept_op("=~"):
                left = ast.Binary("=~", left, self.additive())
            else:
                return left

    def additive(self) -> ast.Expr:
        left = self.multiplicative()
        while self.at_op("+", "-"):
            op = self.advance().text
            left = ast.Binary(op, left, self.multiplicative())
        return left

    def multiplicative(self) -> ast.Expr:
        left = self.power()
        while self.at_op("*", "/", "%"):
            op = self.advance().text
            left = ast.Binary(op, left, self.power())
        return left

    def power(self) -> ast.Expr:
        left = self.unary()
        while self.accept_op("^"):
            left = ast.Binary("^", left, self.unary())
        return left

    def unary(self) -> ast.Expr:
        if self.at_op("-", "+"):
            op = cast(Lit["-", "+"], self.advance().text)
            self.enter()
            try:
                return ast.Unary(op, self.unary())
            finally:
                self.depth -= 1
        return self.postfix(self.atom())

    def postfix(self, subject: ast.Expr) -> ast.Expr:
        while True:
            if self.at_op(".") and self.peek(1).kind in ("name", "qname"):
                self.advance()
                subject = ast.Prop(subject, self.advance().text)
            elif self.at_op("["):
                subject = self.subscript(subject)
            elif self.at_op(":") and isinstance(subject, ast.Var):
                labels, any_label = self.labels()
                if any_label:
                    self.fail("write n:A OR n:B instead of n:A|B in an expression")
                subject = ast.LabelTest(subject, labels)
            elif self.at_op("{") and isinstance(subject, ast.Var):
                subject = self.map_projection(subject)
            else:
                return subject

    def subscript(self, subject: ast.Expr) -> ast.Expr:
        self.expect_op("[")
        if self.accept_op(".."):
            end = None if self.at_op("]") else self.expr()
            self.expect_op("]")
            return ast.Slice(subject, None, end)
        index = self.expr()
        if self.accept_op(".."):
            end = None if self.at_op("]") else self.expr()
            self.expect_op("]")
            return ast.Slice(subject, index, end)
        self.expect_op("]")
        return ast.Index(subject, index)

    def atom(self) -> ast.Expr:
        tok = self.peek()
        if tok.kind == "int":
            self.advance()
            return ast.Const(int(tok.text))
        if tok.kind == "float":
            self.advance()
            return ast.Const(float(tok.text))
        if tok.kind == "string":
            self.advance()
            return ast.Const(tok.text)
        if tok.kind == "op":
            if tok.text == "(":
                return self.paren_or_pattern()
            if tok.text == "[":
                return self.list_like()
            if tok.text == "{":
                return self.map_literal()
            self.fail("an expression")
        if tok.kind == "qname":
            return self.call_or_var()
        if tok.kind != "name":
            self.fail("an expression")
        word = tok.text.upper()
        if word in ("TRUE", "FALSE"):
            self.advance()
            return ast.Const(word == "TRUE")
        if word == "NULL":
            self.advance()
            return ast.Const(None)
        if word == "CASE":
            return self.case()
        if word in ("EXISTS", "COUNT") and self.at_op("{", ahead=1):
            return self.pattern_subquery()
        if word in _QUANTIFIERS and self.at_op("(", ahead=1) and self.at_word("IN", ahead=3):
            return self.quantifier()
        if word == "REDUCE" and self.at_op("(", ahead=1):
            return self.reduce()
        if word == "EXISTS" and self.at_op("(", ahead=1):
            return self.exists_call()
        if word in FORBIDDEN_CLAUSES or word in ("SHORTESTPATH", "ALLSHORTESTPATHS"):
            self.fail("an expression")
        return self.call_or_var()

    def call_or_var(self) -> ast.Expr:
        names = [self.advance().text]
        ahead = 0
        while self.at_op(".", ahead=ahead) and self.peek(ahead + 1).kind in ("name", "qname"):
            ahead += 2
        if not self.at_op("(", ahead=ahead):
            return ast.Var(names[0])
        for _ in range(ahead // 2):
            self.advance()
            names.append(self.advance().text)
        self.expect_op("(")
        name = ".".join(names).lower()
        if self.accept_op("*"):
            self.expect_op(")", "after count(*")
            return ast.Call(name, (), star=True)
        distinct = self.accept_word("DISTINCT")
        args: list[ast.Expr] = []
        if not self.at_op(")"):
            args.append(self.expr())
            while self.accept_op(","):
                args.append(self.expr())
        self.expect_op(")", f"closing the call of {name}()")
        return ast.Call(name, tuple(args), distinct)

    def paren_or_pattern(self) -> ast.Expr:
        start = self.pos
        self.soft += 1
        try:
            chain = self.chain()
            if not chain.rels:
                raise _BacktrackError
            return ast.PatternPred("exists", (ast.PatternPart(None, None, chain),), None)
        except (_BacktrackError, UnsafeCypherError):
            self.pos = start
        finally:
            self.soft -= 1
        self.expect_op("(")
        inner = self.expr()
        self.expect_op(")", "closing the parenthesis")
        return inner

    def list_like(self) -> ast.Expr:
        self.expect_op("[")
        if self.peek().kind in ("name", "qname") and self.at_word("IN", ahead=1):
            var = self.advance().text
            self.advance()
            source = self.expr()
            where = self.expr() if self.accept_word("WHERE") else None
            project = self.expr() if self.accept_op("|") else None
            self.expect_op("]", "closing the list comprehension")
            return ast.ListComp(var, source, where, project)
        comprehension = self.pattern_comprehension() if self.at_op("(") else None
        if comprehension is not None:
            return comprehension
        items: list[ast.Expr] = []
        if not self.at_op("]"):
            items.append(self.expr())
            while self.accept_op(","):
                items.append(self.expr())
        self.expect_op("]", "closing the list")
        return ast.ListLit(tuple(items))

    def pattern_comprehension(self) -> ast.PatternComp | None:
        """``[(a)-->(b) WHERE ... | expr]`` when the text after ``[`` is a pattern; None (nothing read) if not."""
        start = self.pos
        self.soft += 1
        try:
            chain: ast.Chain | None = self.chain()
        except (_BacktrackError, UnsafeCypherError):
            chain = None
        finally:
            self.soft -= 1
        if chain is None or not chain.rels or not (self.at_word("WHERE") or self.at_op("|")):
            self.pos = start
            return None
        where = self.expr() if self.accept_word("WHERE") else None
        self.expect_op("|", "before the pattern comprehension's projection")
        project = self.expr()
        self.expect_op("]", "closing the pattern comprehension")
        return ast.PatternComp(chain, where, project)

    def map_literal(self) -> ast.MapLit:
        self.expect_op("{")
        entries: list[tuple[str, ast.Expr]] = []
        if not self.at_op("}"):
            while True:
                key = self.name("a map key")
                self.expect_op(":", "after a map key")
                entries.append((key, self.expr()))
                if not self.accept_op(","):
                    break
        self.expect_op("}", "closing the map")
        return ast.MapLit(tuple(entries))

    def map_projection(self, subject: ast.Var) -> ast.MapProj:
        self.expect_op("{")
        items: list[ast.MapProjItem] = []
        while not self.at_op("}"):
            if self.accept_op("."):
                if self.accept_op("*"):
                    items.append(ast.MapProjItem("all"))
                else:
                    items.append(ast.MapProjItem("prop", self.name("a property after '.'")))
            else:
                key = self.name("a key, .property or variable")
                if self.accept_op(":"):
                    items.append(ast.MapProjItem("entry", key, self.expr()))
                else:
                    items.append(ast.MapProjItem("var", key))
            if not self.accept_op(","):
                break
        self.expect_op("}", "closing the map projection")
        return ast.MapProj(subject, tuple(items))

    def case(self) -> ast.Case:
        self.expect_word("CASE")
        subject = None if self.at_word("WHEN") else self.expr()
        whens: list[tuple[ast.Expr, ast.Expr]] = []
        while self.accept_word("WHEN"):
            cond = self.expr()
            self.expect_word("THEN")
            whens.append((cond, self.expr()))
        if not whens:
            self.fail("WHEN after CASE")
        default = self.expr() if self.accept_word("ELSE") else None
        self.expect_word("END")
        return ast.Case(subject, tuple(whens), default)

    def pattern_subquery(self) -> ast.PatternPred:
        kind = cast(Lit["exists", "count"], self.advance().text.lower())
        self.expect_op("{")
        self.accept_word("MATCH")
        parts = [self.pattern_part()]
        while self.accept_op(","):
            parts.append(self.pattern_part())
        where = self.expr() if self.accept_word("WHERE") else None
        if not self.at_op("}"):
            self.fail(f"only a pattern with an optional WHERE is allowed inside {kind.upper()} {{...}}")
        self.advance()
        return ast.PatternPred(kind, tuple(parts), where)

    def quantifier(self) -> ast.Quantifier:
        kind = cast(Lit["any", "all", "none", "single"], self.advance().text.lower())
        self.expect_op("(")
        var = self.name("a variable")
        self.expect_word("IN")
        source = self.expr()
        self.expect_word("WHERE")
        where = self.expr()
        self.expect_op(")", f"closing {kind}()")
        return ast.Quantifier(kind, var, source, where)

    def reduce(self) -> ast.Reduce:
        self.advance()
        self.expect_op("(")
        acc = self.name("an accumulator variable")
        self.expect_op("=", "after the accumulator")
        init = self.expr()
        self.expect_op(",", "after the accumulator's initial value")
        var = self.name("a variable")
        self.expect_word("IN")
        source = self.expr()
        self.expect_op("|", "before reduce's expression")
        expr = self.expr()
        self.expect_op(")", "closing reduce()")
        return ast.Reduce(acc, init, var, source, expr)

    def exists_call(self) -> ast.Expr:
        """``exists(pattern)`` is a pattern predicate; ``exists(n.prop)`` (removed in Cypher 5) means IS NOT NULL."""
        self.advance()
        self.expect_op("(")
        inner = self.expr()
        self.expect_op(")", "closing exists()")
        return inner if isinstance(inner, ast.PatternPred) else ast.IsNull(inner, True)
