"""A cursor over Cypher tokens for the gate's recursive-descent parser: look ahead, accept, expect, refuse.

Errors name what was expected, where, and the text there, so the model can correct its query; a clause word
outside the read-only subset (CREATE, CALL, LOAD, ...) is refused by name. While a tentative parse runs
(``soft``), errors backtrack instead of refusing.
"""

from __future__ import annotations

from typing import NoReturn

from app.nl.cypher_lex import Token
from core.errors import UnsafeCypherError

__all__ = ["FORBIDDEN_CLAUSES", "MAX_DEPTH", "BacktrackError", "TokenCursor"]

MAX_DEPTH = 64
FORBIDDEN_CLAUSES = frozenset(
    """CREATE MERGE SET DELETE DETACH REMOVE CALL LOAD FOREACH USE SHOW USING DROP ALTER GRANT DENY REVOKE START
    STOP TERMINATE ENABLE RENAME FINISH INSERT FILTER LET NEXT EXPLAIN PROFILE""".split()  # noqa: SIM905
)
CLAUSES_ALLOWED = "only MATCH, OPTIONAL MATCH, WHERE, WITH, UNWIND, RETURN, ORDER BY, SKIP, LIMIT and UNION"


class BacktrackError(Exception):
    """A tentative parse (a pattern where an expression may stand) did not fit; the caller tries the other."""


class TokenCursor:
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
            raise BacktrackError
        tok = self.peek()
        if tok.is_word(*FORBIDDEN_CLAUSES):
            raise UnsafeCypherError(f"{tok.text.upper()} is not allowed: {CLAUSES_ALLOWED} (read-only queries)")
        near = "the end of the query" if tok.kind == "eof" else repr(self.text[tok.pos : tok.pos + 24])
        raise UnsafeCypherError(f"the query does not parse: {message} at position {tok.pos} (near {near})")

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise UnsafeCypherError(f"the query nests deeper than {MAX_DEPTH} levels; write it flatter")

    # --- clauses ---------------------------------------------------------------------------------
