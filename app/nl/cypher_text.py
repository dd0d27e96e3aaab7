"""The model's answer before it is parsed: the Cypher out of its markdown fences, with Unicode normalised.

NFKC turns full-width letters into ASCII ones; invisible, control, private-use and odd separator characters
are refused anywhere (inside strings too), so nothing reaches the parser that a person reading the Cypher
would not see. Non-ASCII letters outside strings (homoglyphs such as a Cyrillic Es for a Latin C) are
refused by the lexer. Pure functions, no I/O.
"""

from __future__ import annotations

import re
import unicodedata

from core.errors import UnsafeCypherError

_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_-]*)[ \t]*\n?(.*?)```", re.DOTALL)
_ALLOWED_WS = {"\n", "\t", "\r", " "}


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
