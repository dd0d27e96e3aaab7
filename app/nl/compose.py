"""A :class:`~app.nl.reading.Reading` of an inventory, findings or history question written as one read-only
Cypher query, and said back in words ("counted EC2Instance where state = running in eu-west-1").

Every value in the text is a quoted literal; the query still passes the gate (``app.nl.gate``) like any
other before it runs (``gated``). A history question reads its records from both forms the history takes
(``queries.history.CHANGE_ROWS``: ``Change`` nodes and the ``ChangeSet`` lists, a ``CALL`` outside the gate's
grammar): its head is ours, and the rest, all that the question put in, passes the gate's static checks as a
query on ``Change`` nodes; the whole then runs under the gate's plan check in a read-only transaction.
"""

from __future__ import annotations

from app.nl import gate
from app.nl.cypher_render import string_literal
from app.nl.reading import Reading
from graph.schema import SCHEMA
from queries.history import CHANGE_ROWS

__all__ = ["CHANGES_HEAD", "cypher_of", "gated", "understood"]

# Every change record, each as a map ``n`` with a Change node's properties (``n.at``, ``n.change`` ...).
CHANGES_HEAD = f"CALL () {{ {CHANGE_ROWS} }} WITH n"

_RESOURCE_COLUMNS = (
    "n.id AS id, n.name AS name, n.kind AS kind, n.provider AS provider, n.account AS account, n.region AS region"
)
_FINDING_COLUMNS = (
    "n.id AS id, n.severity AS severity, n.title AS title, n.resource_name AS resource, "
    "n.resource_kind AS kind, n.rule_id AS rule"
)
_CHANGE_COLUMNS = "n.resource_id AS id, n.resource_name AS name, n.resource_kind AS kind, n.change AS change"


def _match(reading: Reading) -> str:
    if reading.subject == "findings":
        head = "MATCH (n:Finding)"
    elif reading.subject == "changes":
        head = CHANGES_HEAD
    elif len(reading.kinds) == 1:
        head = f"MATCH (n:{reading.kinds[0]})"
    else:
        head = "MATCH (n:Resource)"
    hop = reading.hop
    if hop is not None:
        types = "|".join(hop.types)
        left, right = ("-", "->") if hop.outgoing else ("<-", "-") if hop.outgoing is False else ("-", "-")
        head += f"{left}[:{types}]{right}(m:Resource)"
    where = []
    if reading.subject == "resources" and len(reading.kinds) > 1:
        where.append("(" + " OR ".join(f"n:{k}" for k in reading.kinds) + ")")
    if hop is not None:
        where.append("(" + " OR ".join(f"m:{k}" for k in hop.kinds) + ")")
        where.append(f"m.name = {string_literal(hop.name)}")
    if reading.since is not None and reading.subject == "changes":
        where.append(f"n.at >= datetime({string_literal(reading.since.isoformat())})")
    where += [c.cypher for c in reading.conditions]
    return head + (" WHERE " + " AND ".join(where) if where else "")


def _key(dim: str, subject: str) -> tuple[str, str]:
    """(expression, column) of a group-by dimension."""
    if dim.startswith("tag:"):
        key = dim[4:]
        return f"substring(t, {len(key) + 1})", key.replace("-", "_")
    if subject == "changes":
        return f"n.{dim}", dim.removeprefix("resource_")
    if subject == "findings" and dim == "resource":
        return "n.resource_id", "id"
    return f"n.{dim}", dim


def cypher_of(reading: Reading, row_cap: int) -> str:
    """The query for an inventory, findings or history reading (the analysis intents call ``queries/``)."""
    head = _match(reading)
    tag_dims = [d for d in reading.group if d.startswith("tag:")]
    if tag_dims:
        prefix = tag_dims[0][4:] + "="
        head += f" UNWIND n.tags AS t WITH n, t WHERE t STARTS WITH {string_literal(prefix)}"
    distinct = "DISTINCT " if reading.hop is not None else ""
    counted = (
        "count(DISTINCT n.resource_id)"
        if reading.subject == "changes" and reading.intent == "count"
        else (f"count({distinct}n)")
    )
    if reading.intent == "count":
        return f"{head} RETURN {counted} AS count"
    if reading.intent in {"group", "sum_cost"} and reading.group:
        keys = [_key(d, reading.subject) for d in reading.group]
        if reading.subject == "findings" and reading.group == ("resource",):
            return f"{head} RETURN DISTINCT n.resource_id AS id, n.resource_name AS name, n.resource_kind AS kind"
        value = (
            "round(sum(coalesce(n.monthly_cost_usd, 0.0)), 2) AS usd"
            if reading.intent == "sum_cost"
            else "count(*) AS count"
            if reading.subject == "changes"
            else f"count({distinct}n) AS count"
        )
        measure = value.rsplit(" AS ", 1)[1]
        columns = ", ".join(f"{expr} AS {col}" for expr, col in keys)
        order = f"{measure} DESC, " + ", ".join(col for _, col in keys)
        limit = f" LIMIT {reading.limit}" if reading.limit else ""
        return f"{head} RETURN {columns}, {value} ORDER BY {order}{limit}"
    if reading.intent == "sum_cost":
        return f"{head} RETURN round(sum(coalesce(n.monthly_cost_usd, 0.0)), 2) AS usd, count({distinct}n) AS resources"
    if reading.intent == "top":
        where = " AND " if " WHERE " in head else " WHERE "
        return (
            f"{head}{where}n.monthly_cost_usd IS NOT NULL RETURN {distinct}{_RESOURCE_COLUMNS}, "
            f"n.monthly_cost_usd AS monthly_cost_usd ORDER BY monthly_cost_usd DESC, id LIMIT {reading.limit or 10}"
        )
    if reading.subject == "findings":
        if reading.group == ("resource",):
            return f"{head} RETURN DISTINCT n.resource_id AS id, n.resource_name AS name, n.resource_kind AS kind"
        return f"{head} RETURN {_FINDING_COLUMNS} ORDER BY id LIMIT {row_cap + 1}"
    if reading.subject == "changes":
        return f"{head} RETURN DISTINCT {_CHANGE_COLUMNS} ORDER BY kind, name LIMIT {row_cap + 1}"
    most = reading.limit or row_cap + 1
    return f"{head} RETURN {distinct}{_RESOURCE_COLUMNS} ORDER BY kind, name, id LIMIT {most}"


def understood(reading: Reading) -> str:
    """The reading in words, as the answer's first line."""
    what = {"findings": "open findings", "changes": "changes"}.get(reading.subject, reading.kind_words)
    verb = {
        "count": "counted",
        "list": "listed",
        "group": "counted",
        "top": f"ranked by monthly cost (top {reading.limit})",
        "sum_cost": "summed the monthly cost of",
    }.get(reading.intent, reading.intent)
    parts = [f"{verb} {what}"]
    said = [c.said for c in reading.conditions if c.said not in {"open"}]
    if reading.hop is not None:
        said.append(f"linked by {'/'.join(reading.hop.types)} to {reading.hop.name}")
    if said:
        parts.append("where " + ", ".join(said))
    if reading.since is not None:
        parts.append(reading.since_said)
    if reading.group:
        parts.append("per " + " and ".join(g.removeprefix("tag:").removeprefix("resource_") for g in reading.group))
        if reading.intent == "group" and reading.limit:
            parts.append(f"(the top {reading.limit})")
    return " ".join(parts)


def gated(cypher: str) -> gate.GatedQuery:
    """The gate's static checks on a composed query (a history question's: on all but its own head)."""
    if cypher.startswith(CHANGES_HEAD):
        gate.vet("MATCH (n:Change)" + cypher[len(CHANGES_HEAD) :], SCHEMA)
        return gate.GatedQuery(cypher)
    return gate.vet(cypher, SCHEMA)
