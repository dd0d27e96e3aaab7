"""Property predicates and sort orders for resource search, checked against the declared schema.

A predicate names a property (``instance_type``), an operator and a value given as text; the value
is converted to the property's declared type (``size > 100`` compares numbers). A property must be
declared on one of the filtered kinds (on any resource kind when no kind is given). Names reach
Cypher only as parameters (``n[$name]``), never as text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from core.errors import QueryInputError
from graph.schema import SCHEMA, Property
from queries import cursors

Op = Literal["EQ", "NE", "LT", "LTE", "GT", "GTE", "CONTAINS", "EXISTS"]
OPS: tuple[Op, ...] = ("EQ", "NE", "LT", "LTE", "GT", "GTE", "CONTAINS", "EXISTS")
_SORTABLE = ("string", "int", "float", "bool")


@dataclass(frozen=True)
class PropertyPredicate:
    name: str
    op: Op = "EQ"
    value: str | None = None


@dataclass(frozen=True)
class Sort:
    property: str = "id"
    descending: bool = False


def declared(name: str, kinds: tuple[str, ...]) -> Property:
    """The declaration of ``name`` on the given kinds (or any resource kind); QueryInputError when none has it."""
    labels = kinds or tuple(k.label for k in SCHEMA.resource_kinds())
    for label in labels:
        for prop in SCHEMA.properties_of(label):
            if prop.name == name:
                return prop
    where = ", ".join(kinds) if kinds else "any resource kind"
    raise QueryInputError(f"unknown property {name!r} for {where}; the `kinds` query lists each kind's properties")


def _convert(prop: Property, raw: str) -> object:
    try:
        if prop.type == "int":
            return int(raw)
        if prop.type == "float":
            return float(raw)
    except ValueError:
        raise QueryInputError(f"{prop.name} is a number ({prop.type}); {raw!r} is not one") from None
    if prop.type == "bool":
        if raw.lower() not in ("true", "false"):
            raise QueryInputError(f"{prop.name} is true or false; got {raw!r}")
        return raw.lower() == "true"
    return raw


def predicate_params(preds: tuple[PropertyPredicate, ...], kinds: tuple[str, ...]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for pred in preds:
        if pred.op not in OPS:
            raise QueryInputError(f"unknown operator {pred.op!r}; use one of {', '.join(OPS)}")
        prop = declared(pred.name, kinds)
        if pred.op == "EXISTS":
            out.append({"name": pred.name, "op": "EXISTS", "value": None})
            continue
        if pred.value is None:
            raise QueryInputError(f"the {pred.op} condition on {pred.name} needs a value")
        if prop.type in ("datetime",):
            raise QueryInputError(f"{pred.name} is a datetime; filter on it is not supported, sort by it instead")
        if prop.type == "string[]":
            if pred.op not in ("CONTAINS", "EQ"):
                raise QueryInputError(f"{pred.name} is a list; use CONTAINS (or EQ) with one element")
            out.append({"name": pred.name, "op": "HAS", "value": pred.value})
            continue
        if pred.op == "CONTAINS" and prop.type != "string":
            raise QueryInputError(f"CONTAINS needs a text property; {pred.name} is {prop.type}")
        if pred.op in ("LT", "LTE", "GT", "GTE") and prop.type == "bool":
            raise QueryInputError(f"{pred.name} is true or false; compare it with EQ or NE")
        value = _convert(prop, pred.value)
        if pred.op == "CONTAINS" and isinstance(value, str):
            value = value.lower()
        out.append({"name": pred.name, "op": pred.op, "value": value})
    return out


PREDICATE_CLAUSE = """all(p IN $preds WHERE CASE p.op
    WHEN 'EXISTS' THEN n[p.name] IS NOT NULL
    WHEN 'EQ' THEN n[p.name] = p.value
    WHEN 'NE' THEN n[p.name] IS NULL OR n[p.name] <> p.value
    WHEN 'LT' THEN n[p.name] < p.value
    WHEN 'LTE' THEN n[p.name] <= p.value
    WHEN 'GT' THEN n[p.name] > p.value
    WHEN 'GTE' THEN n[p.name] >= p.value
    WHEN 'CONTAINS' THEN toLower(n[p.name]) CONTAINS p.value
    WHEN 'HAS' THEN p.value IN coalesce(n[p.name], [])
    ELSE false END)"""


def check_sort(sort: Sort, kinds: tuple[str, ...]) -> Property:
    prop = declared(sort.property, kinds)
    if prop.type not in _SORTABLE:
        raise QueryInputError(f"cannot sort by {sort.property} ({prop.type}); sort by a text, number or true/false")
    return prop


def encode_sort_cursor(sort: Sort, value: object, node_id: str) -> str:
    raw = json.dumps({"p": sort.property, "d": sort.descending, "v": value, "i": node_id}, separators=(",", ":"))
    return cursors.encode("s", raw)


def decode_sort_cursor(cursor: str, sort: Sort) -> tuple[object, str]:
    raw = cursors.decode("s", cursor)
    try:
        data = json.loads(raw) if raw is not None else None
    except ValueError:
        data = None
    if not isinstance(data, dict) or data.get("p") != sort.property or data.get("d") != sort.descending:
        raise QueryInputError(
            f"cursor {cursor!r} does not belong to this sort order; pass a pageInfo.endCursor from the same query"
        )
    return data.get("v"), str(data.get("i"))


# Keyset condition for ORDER BY (n[$sort] IS NULL), n[$sort] <dir>, n.id: nulls last, ties by id.
def keyset_clause(descending: bool) -> str:
    cmp = "<" if descending else ">"
    return (
        "($after IS NULL OR ($after_null AND n[$sort] IS NULL AND n.id > $after) OR "
        f"(NOT $after_null AND (n[$sort] IS NULL OR n[$sort] {cmp} $after_value "
        "OR (n[$sort] = $after_value AND n.id > $after))))"
    )
