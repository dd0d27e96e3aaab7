"""Expressions of the gate's Cypher subset, parsed with Neo4j's Cypher 5 precedence (lowest first).

OR, XOR, AND, NOT, one comparison (chains are refused), the string, list and null predicates, + and -,
* / and %, ^, unary signs, then postfix property reads, subscripts, label tests and map projections on atoms:
literals, variables, function calls, CASE, list and pattern comprehensions, quantifiers, reduce, and EXISTS /
COUNT over a pattern. A parenthesis or bracket that may open a pattern is tried as a pattern first and read
again as an expression when it is not one.
"""

from __future__ import annotations

from typing import Literal as Lit
from typing import cast

from app.nl import cypher_ast as ast
from app.nl.cypher_cursor import FORBIDDEN_CLAUSES, BacktrackError, TokenCursor
from core.errors import UnsafeCypherError

__all__ = ["ExpressionParser"]

_COMPARISONS = ("=", "<>", "!=", "<", ">", "<=", ">=")
_QUANTIFIERS = ("ANY", "ALL", "NONE", "SINGLE")


class ExpressionParser(TokenCursor):
    """Expression rules; the pattern rules they need come from the subclass (``chain``, ``pattern_part``)."""

    def chain(self) -> ast.Chain:
        raise NotImplementedError

    def pattern_part(self) -> ast.PatternPart:
        raise NotImplementedError

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
                raise BacktrackError
            return ast.PatternPred("exists", (ast.PatternPart(None, None, chain),), None)
        except (BacktrackError, UnsafeCypherError):
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
        except (BacktrackError, UnsafeCypherError):
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
