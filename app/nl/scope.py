"""What natural-language questions may read: the inventory, never the product's own operational secrets.

The graph also holds users (password hashes), API keys (hashes), cloud accounts and notification
targets (encrypted secrets, webhook URLs), schedules and deliveries. A viewer asking in plain English
must not reach them through Cypher the model wrote. Four layers:

1. those labels are refused by name anywhere (``:User``), and so are ``!`` and ``%`` label expressions;
2. properties only those labels carry (``password_hash``, ``hash``, ``secret``, ...) are refused by name,
   and dynamic property access (``n[k]``) is refused;
3. every node pattern without a label gets the union of the readable labels (``(n)`` becomes
   ``(n:Resource|Finding|...)``), so no pattern can start on, or walk into, a hidden node;
4. rows coming back are scrubbed: hidden-label nodes dropped, hidden property keys removed from maps.
"""

from __future__ import annotations

import re
from functools import lru_cache

from app.errors import UnsafeCypherError
from app.nl.cypher_text import CleanCypher
from app.nl.gate_types import KEYWORDS_BEFORE_PAREN, JSONValue, Row
from graph.schema import RESOURCE_LABEL, Schema

HIDDEN_LABELS = frozenset(
    {"User", "ApiKey", "CloudAccount", "NotificationTarget", "Delivery", "Schedule", "Suppression", "Job", "JobUnit"}
)


@lru_cache(maxsize=4)
def readable_labels(schema: Schema) -> tuple[str, ...]:
    """Resource (every cloud resource carries it) plus the non-resource labels that are not hidden."""
    extra = sorted(k.label for k in schema.nodes if not k.resource and k.label not in HIDDEN_LABELS)
    return (RESOURCE_LABEL, *extra)


@lru_cache(maxsize=4)
def hidden_properties(schema: Schema) -> frozenset[str]:
    """Property names that only hidden labels declare."""
    hidden: set[str] = set()
    visible = {p.name for p in schema.common}
    for kind in schema.nodes:
        names = {p.name for p in kind.properties}
        (hidden if kind.label in HIDDEN_LABELS else visible).update(names)
    return frozenset(hidden - visible)


def check_scope(stmt: CleanCypher, schema: Schema) -> None:
    code = stmt.code
    for match in re.finditer(r":\s*`?([A-Za-z_]\w*)", code):
        if match.group(1) in HIDDEN_LABELS:
            raise UnsafeCypherError(f"{match.group(1)} nodes are not part of the inventory; ask about cloud resources")
    if re.search(r"[:|&]\s*[!%]|\(\s*[A-Za-z_]\w*\s*:\s*\(", code):
        raise UnsafeCypherError("label negation, wildcards and nested label expressions are not allowed; name labels")
    secret = hidden_properties(schema)
    for match in re.finditer(r"\.\s*`?([A-Za-z_]\w*)|[{,]\s*`?([A-Za-z_]\w*)`?\s*:", code):
        name = match.group(1) or match.group(2)
        if name in secret:
            raise UnsafeCypherError(f"the property {name} is not readable here; ask about cloud resources")
    for match in re.finditer(r"([A-Za-z_]\w*)\s*\[(?!\s*-?\d+\s*(?:\.\.\s*-?\d*\s*)?\])(?!\s*\.\.)", code):
        if match.group(1).lower() not in KEYWORDS_BEFORE_PAREN:
            raise UnsafeCypherError("dynamic property access (n[key]) is not allowed; name the property")


_UNLABELED = re.compile(r"\(\s*(?P<var>[A-Za-z_]\w*)?\s*(?P<props>\{[^{}()]*\})?\s*\)")


def anchor(code: str, schema: Schema) -> str:
    """Give every unlabeled node pattern the union of readable labels (pattern positions only)."""
    union = "|".join(readable_labels(schema))
    out: list[str] = []
    last = 0
    for match in _UNLABELED.finditer(code):
        before, after = code[: match.start()].rstrip(), code[match.end() :].lstrip()
        in_pattern = (
            before.endswith(("-", ">", "<", "=", "{", ","))
            or re.search(r"\bMATCH$", before, re.IGNORECASE) is not None
            or after.startswith(("-", "<-"))
        )
        word = re.search(r"([A-Za-z_]\w*)$", before)
        preceded_by_call = word is not None and word.group(1).lower() not in KEYWORDS_BEFORE_PAREN
        if not in_pattern or preceded_by_call:
            continue
        var = match.group("var") or ""
        props = f" {match.group('props')}" if match.group("props") else ""
        out.append(code[last : match.start()])
        out.append(f"({var}:{union}{props})")
        last = match.end()
    out.append(code[last:])
    return "".join(out)


def scrub(rows: tuple[Row, ...], schema: Schema) -> tuple[Row, ...]:
    """Rows without hidden-label nodes and without hidden property keys (defence in depth)."""
    secret = hidden_properties(schema)
    return tuple({k: _scrub(v, secret) for k, v in row.items()} for row in rows)


def _scrub(value: JSONValue, secret: frozenset[str]) -> JSONValue:
    if isinstance(value, dict):
        labels = value.get("_labels")
        if isinstance(labels, list) and any(label in HIDDEN_LABELS for label in labels):
            return None
        return {k: _scrub(v, secret) for k, v in value.items() if k not in secret}
    if isinstance(value, list):
        return [_scrub(v, secret) for v in value]
    return value
