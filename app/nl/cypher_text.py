"""Cypher text as the safety gate sees it: fences removed, Unicode normalised, comments gone, strings set aside.

:func:`clean` turns whatever a model (or a user) sent into one statement's *code* -- the Cypher with every
string literal replaced by a placeholder -- plus the literals themselves. The gate's checks run on the code
only, so a keyword inside a string never counts and a keyword outside one is never hidden: comments are
removed (as whitespace) after the literals are recognised, an unterminated literal or comment is refused,
characters that are invisible, control or outside ASCII are refused in code (homoglyphs such as a Cyrillic
Es in place of a Latin C cannot pass), and more than one statement is refused. Pure functions, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from app.errors import UnsafeCypherError

_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_-]*)[ \t]*\n?(.*?)```", re.DOTALL)
# Placeholder for the i-th string literal: private-use characters never survive the code checks otherwise.
_PH_OPEN, _PH_CLOSE = "\ue000", "\ue001"
_PLACEHOLDER = re.compile(f"{_PH_OPEN}(\\d+){_PH_CLOSE}")
_ALLOWED_WS = {"\n", "\t", "\r", " "}


@dataclass(frozen=True)
class CleanCypher:
    """One statement: ``code`` holds placeholders where ``literals`` (with their quotes) go back."""

    code: str
    literals: tuple[str, ...]

    def text(self, code: str | None = None) -> str:
        """The statement with its literals put back (into ``code`` when given: a rewritten version)."""
        return _PLACEHOLDER.sub(lambda m: self.literals[int(m.group(1))], self.code if code is None else code)


def strip_fences(raw: str) -> str:
    """The Cypher inside markdown fences, or the text itself when it has none. Two different fenced
    blocks are two statements and are refused."""
    blocks = [body.strip() for _lang, body in _FENCE.findall(raw)]
    if not blocks:
        text = raw.strip()
        if text.startswith("```"):  # an unterminated fence: take what follows the opening line
            text = text.split("\n", 1)[1] if "\n" in text else ""
        first, _, rest = text.partition("\n")
        return rest.strip() if first.strip().lower() in {"cypher", "cypher:"} else text
    distinct = list(dict.fromkeys(b for b in blocks if b))
    if len(distinct) > 1:
        raise UnsafeCypherError("the answer holds more than one Cypher block; send exactly one statement")
    return distinct[0] if distinct else ""


def normalise(text: str) -> str:
    """NFKC (full-width letters become ASCII ones), then refuse control and invisible characters anywhere."""
    text = unicodedata.normalize("NFKC", text)
    for ch in text:
        if ch in _ALLOWED_WS:
            continue
        category = unicodedata.category(ch)
        if category in {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"} or (category == "Zs" and ch != " "):
            raise UnsafeCypherError(
                f"the query holds an invisible or control character U+{ord(ch):04X}; use plain text"
            )
    return text


def split_literals(text: str) -> CleanCypher:
    """Remove comments and set string literals aside, scanning once from the left as Cypher's lexer does."""
    code: list[str] = []
    literals: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "'\"":
            end = _string_end(text, i)
            code.append(f"{_PH_OPEN}{len(literals)}{_PH_CLOSE}")
            literals.append(text[i : end + 1])
            i = end + 1
        elif ch == "`":
            end = text.find("`", i + 1)
            if end < 0:
                raise UnsafeCypherError("the query has an unterminated `quoted name`; close the backtick")
            name = text[i + 1 : end]
            if not re.fullmatch(r"[A-Za-z0-9_ .\-]*", name):
                raise UnsafeCypherError(f"the quoted name `{name[:40]}` holds unusual characters; use plain names")
            code.append(text[i : end + 1])
            i = end + 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
            code.append(" ")
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise UnsafeCypherError("the query has an unterminated /* comment; close it or remove it")
            code.append(" ")
            i = end + 2
        else:
            code.append(ch)
            i += 1
    joined = "".join(code)
    for ch in joined:
        if ord(ch) > 127 and ch not in (_PH_OPEN, _PH_CLOSE):
            raise UnsafeCypherError(
                f"the query uses the non-ASCII character {ch!r} outside a string; Cypher keywords and names are ASCII"
            )
    return CleanCypher(joined, tuple(literals))


def _string_end(text: str, start: int) -> int:
    quote = text[start]
    i = start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == quote:
            return i
        i += 1
    raise UnsafeCypherError("the query has an unterminated string literal; close the quote")


def one_statement(clean: CleanCypher) -> CleanCypher:
    """Refuse a second statement: a ``;`` is allowed only at the very end."""
    code = clean.code.strip()
    while code.endswith(";"):
        code = code[:-1].rstrip()
    if ";" in code:
        raise UnsafeCypherError("the query holds more than one statement (a ';' in the middle); send exactly one")
    if not code:
        raise UnsafeCypherError("the answer holds no Cypher; ask again")
    return CleanCypher(code, clean.literals)


def clean(raw: str) -> CleanCypher:
    """Fences, Unicode, comments and literals, one statement: the text every later check reads."""
    return one_statement(split_literals(normalise(strip_fences(raw))))
