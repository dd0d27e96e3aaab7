"""Value types and word lists shared by the gate's modules (kept apart so they import no one)."""

from __future__ import annotations

JSONValue = str | int | float | bool | None | list["JSONValue"] | dict[str, "JSONValue"]
Row = dict[str, JSONValue]

# Words that may stand right before "(" or "[" without being a function call or a property access.
KEYWORDS_BEFORE_PAREN = frozenset(
    (
        "match",
        "optional",
        "where",
        "and",
        "or",
        "xor",
        "not",
        "return",
        "with",
        "in",
        "unwind",
        "when",
        "then",
        "else",
        "distinct",
        "by",
        "skip",
        "limit",
        "contains",
        "case",
        "union",
        "starts",
        "ends",
        "is",
        "as",
    )
)
