"""Tokens of Cypher text, scanned once from the left as Cypher's own lexer does.

Comments become nothing, string literals are decoded (their content can never be mistaken for code),
backtick-quoted names become plain names (so `` `apoc`.`cypher` `` is the name ``apoc.cypher`` to every
later check), and any character Cypher's code may not hold here -- a parameter ``$``, a non-ASCII letter,
a control character outside a string -- is refused with its position. Pure functions, no I/O.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from core.errors import UnsafeCypherError

__all__ = ["Token", "tokenize"]

Kind = Literal["name", "qname", "string", "int", "float", "op", "eof"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
# Longest first: two-character operators before their one-character prefixes.
_OPS = (
    "<>",
    "!=",
    "<=",
    ">=",
    "=~",
    "..",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ".",
    ":",
    "|",
    ";",
    "=",
    "<",
    ">",
    "+",
    "-",
    "*",
    "/",
    "%",
    "^",
)
_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}
MAX_TEXT = 20_000


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    text: str  # the decoded value: a name without backticks, a string's content, an operator
    pos: int

    def is_word(self, *words: str) -> bool:
        """An unquoted name equal (case-insensitively) to one of ``words`` (keywords are never quoted)."""
        return self.kind == "name" and self.text.upper() in words


def tokenize(text: str) -> list[Token]:
    if len(text) > MAX_TEXT:
        raise UnsafeCypherError(f"the query is {len(text)} characters long; keep it under {MAX_TEXT}")
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in " \t\r\n":
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise UnsafeCypherError("the query has an unterminated /* comment; close it or remove it")
            i = end + 2
        elif ch in "'\"":
            value, end = _string(text, i)
            tokens.append(Token("string", value, i))
            i = end
        elif ch == "`":
            end = text.find("`", i + 1)
            if end < 0:
                raise UnsafeCypherError("the query has an unterminated `quoted name`; close the backtick")
            name = text[i + 1 : end]
            if not re.fullmatch(r"[A-Za-z0-9_ .\-]+", name):
                raise UnsafeCypherError(f"the quoted name `{name[:40]}` holds unusual characters; use plain names")
            tokens.append(Token("qname", name, i))
            i = end + 1
        elif (m := _NAME.match(text, i)) is not None:
            tokens.append(Token("name", m.group(0), i))
            i = m.end()
        elif (m := _NUMBER.match(text, i)) is not None:
            i = _number(text, m, tokens)
        else:
            op = next((o for o in _OPS if text.startswith(o, i)), None)
            if op is None:
                raise UnsafeCypherError(_unexpected(ch, i))
            tokens.append(Token("op", op, i))
            i += len(op)
    tokens.append(Token("eof", "", n))
    return tokens


def _number(text: str, m: re.Match[str], tokens: list[Token]) -> int:
    digits = m.group(0)
    end = m.end()
    if end < len(text) and (text[end].isalnum() or text[end] == "_"):
        raise UnsafeCypherError(f"{text[m.start() : end + 1]!r} is not a number Cypher reads here; write digits only")
    if re.fullmatch(r"\d+", digits):
        tokens.append(Token("int", digits, m.start()))
    else:
        if not math.isfinite(float(digits)):
            raise UnsafeCypherError(f"the number {digits[:40]} is too large; write a smaller one")
        tokens.append(Token("float", digits, m.start()))
    return end


def _string(text: str, start: int) -> tuple[str, int]:
    quote = text[start]
    out: list[str] = []
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == quote:
            return "".join(out), i + 1
        if ch == "\\":
            nxt = text[i + 1 : i + 2]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
                continue
            if nxt in ("u", "U"):
                width = 4 if nxt == "u" else 8
                digits = text[i + 2 : i + 2 + width]
                if not re.fullmatch(f"[0-9A-Fa-f]{{{width}}}", digits):
                    raise UnsafeCypherError("the query has a malformed \\u escape in a string; write the character")
                out.append(chr(int(digits, 16)))
                i += 2 + width
                continue
            raise UnsafeCypherError(f"the query has an unknown escape \\{nxt} in a string; remove the backslash")
        out.append(ch)
        i += 1
    raise UnsafeCypherError("the query has an unterminated string literal; close the quote")


def _unexpected(ch: str, pos: int) -> str:
    if ch == "$":
        return "parameters ($name) are not allowed in generated queries; write the value as a literal"
    if ord(ch) > 127:
        return (
            f"the query uses the non-ASCII character {ch!r} outside a string (position {pos}); Cypher keywords "
            "and names are ASCII"
        )
    return f"the character {ch!r} at position {pos} is not part of the Cypher this gate reads"
