"""Intent templates: the frequent questions answered by our own parameterised Cypher, with no LLM.

Each :class:`Intent` is a regular expression over the normalised question and a function that runs
the query and writes a plain summary. A template answers only when it matches *confidently*: the
words it does not understand must be none (``list`` / ``count`` intents) or the whole remainder must
name one resource (``blast radius of X``). Dependencies, blast radius and exposure call the analysis
functions in ``queries/``; the rest is Cypher written here. Templates answer when no LLM is
configured, when its circuit is open, and first whenever they match. The answer's Cypher for the
``queries/`` calls (``queries.blast.dependencies``, ``queries.exposure.exposure_paths``) names the call.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import LiteralString

from app.nl.cache import normalise_question
from app.nl.gate import Row, to_json
from app.nl.glossary import GLOSSARY, most_specific
from graph.neo4j.client import Graph
from graph.schema import RESOURCE_LABEL, SCHEMA
from queries.blast import dependencies
from queries.exposure import exposure_paths

_STOP = {"all", "the", "my", "our", "of", "any", "every", "a", "an"}
_PROVIDERS = {"aws": "aws", "amazon": "aws", "azure": "azure", "microsoft": "azure", "gcp": "gcp", "google": "gcp"}


@dataclass(frozen=True)
class TemplateAnswer:
    intent: str
    summary: str
    cypher: str
    rows: tuple[Row, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Intent:
    name: str
    pattern: re.Pattern[str]
    run: Callable[[Graph, re.Match[str]], TemplateAnswer | None]


def _run(graph: Graph, query: LiteralString, params: dict[str, object]) -> tuple[Row, ...]:
    return tuple({k: to_json(r[k]) for k in r.keys()} for r in graph.read(query, params))  # noqa: SIM118


def _shown(query: str, params: dict[str, object]) -> str:
    return f"{query}\n// parameters: {params}" if params else query


def _names(rows: tuple[Row, ...], key: str = "name", most: int = 10) -> str:
    names = [str(r.get(key)) for r in rows[:most]]
    more = f" and {len(rows) - most} more" if len(rows) > most else ""
    return ", ".join(names) + more


# --- where: region, provider or account --------------------------------------------------------------
def _where(text: str | None) -> tuple[str, dict[str, object]] | None:
    """A WHERE fragment for "in X": provider, account id or region. None when X is none of them."""
    if not text:
        return "", {}
    value = text.strip().lower()
    if value in _PROVIDERS:
        return "n.provider = $provider", {"provider": _PROVIDERS[value]}
    if re.fullmatch(r"\d{12}|[0-9a-f-]{36}", value):
        return "n.account = $account", {"account": value}
    if re.fullmatch(
        r"[a-z]+(?:-[a-z]+)*-?\d+[a-z]?|[a-z]+(?:europe|us|asia|india|japan|uk|australia)[a-z0-9]*|global", value
    ) or re.fullmatch(r"(?:west|east|north|south|central)[a-z]*\d?", value):
        return "n.region = $region", {"region": value}
    return None


def _kinds(what: str) -> tuple[str, ...] | None:
    """Labels for a "what" that is fully explained by the glossary (else None: not confident)."""
    text = what.lower().strip()
    if re.fullmatch(r"(?:cloud )?(?:resources|resource|nodes|things|assets)", text):
        return (RESOURCE_LABEL,)
    labels = most_specific(text)
    if not labels:
        return None
    rest = text
    for kind in SCHEMA.nodes:
        rest = re.sub(r"\b" + re.escape(kind.label.lower()) + r"s?\b", " ", rest)
    # only the words of the terms that name exactly these labels: "public ip" in "instances with a public ip"
    # is a condition the template does not apply, so the question is left to the LLM
    words = sorted({w for term in GLOSSARY if term.labels == labels for w in term.words}, key=len, reverse=True)
    for word in words:
        rest = re.sub(r"\b" + re.escape(word) + r"(?:e?s)?\b", " ", rest)
    for name in _PROVIDERS:
        rest = re.sub(r"\b" + name + r"\b", " ", rest)
    leftover = [w for w in re.findall(r"[a-z0-9]+", rest) if w not in _STOP]
    return labels if not leftover else None


def _provider_in(what: str) -> str | None:
    for word, provider in _PROVIDERS.items():
        if re.search(r"\b" + word + r"\b", what.lower()):
            return provider
    return None


def _label_filter(labels: tuple[str, ...], what: str, where: str | None) -> tuple[str, dict[str, object]] | None:
    located = _where(where)
    if located is None:
        return None
    clauses = ["any(l IN labels(n) WHERE l IN $labels)"]
    params: dict[str, object] = {"labels": list(labels)}
    provider = _provider_in(what)
    if provider and labels == (RESOURCE_LABEL,):
        clauses.append("n.provider = $p2")
        params["p2"] = provider
    if located[0]:
        clauses.append(located[0])
        params.update(located[1])
    return " AND ".join(clauses), params


# --- intents ------------------------------------------------------------------------------------------
def _count_group(graph: Graph, m: re.Match[str]) -> TemplateAnswer:
    field = {
        "kind": "kind",
        "type": "kind",
        "provider": "provider",
        "cloud": "provider",
        "region": "region",
        "account": "account",
    }[m.group("g")]
    query = {
        "kind": "MATCH (n:Resource) RETURN n.kind AS kind, count(n) AS count ORDER BY count DESC, kind",
        "provider": "MATCH (n:Resource) RETURN n.provider AS provider, count(n) AS count ORDER BY count DESC, provider",
        "region": "MATCH (n:Resource) RETURN n.region AS region, count(n) AS count ORDER BY count DESC, region",
        "account": "MATCH (n:Resource) RETURN n.account AS account, count(n) AS count ORDER BY count DESC, account",
    }[field]
    rows = _run(graph, query, {})
    parts = ", ".join(f"{r[field]}: {r['count']}" for r in rows[:12])
    return TemplateAnswer(
        "count_by", f"Resources by {field}: {parts}" if rows else "The graph holds no resources.", query, rows
    )


def _count_kind(graph: Graph, m: re.Match[str]) -> TemplateAnswer | None:
    labels = _kinds(m.group("what"))
    built = _label_filter(labels, m.group("what"), m.group("where")) if labels else None
    if not labels or built is None:
        return None
    where, params = built
    query: LiteralString = "MATCH (n:Resource) WHERE " + where + " RETURN count(n) AS count"
    rows = _run(graph, query, params)
    count = rows[0]["count"] if rows else 0
    place = f" in {m.group('where')}" if m.group("where") else ""
    return TemplateAnswer("count", f"{count} {' / '.join(labels)}{place}.", _shown(query, params), rows)


def _list_kind(graph: Graph, m: re.Match[str]) -> TemplateAnswer | None:
    labels = _kinds(m.group("what"))
    built = _label_filter(labels, m.group("what"), m.group("where")) if labels else None
    if not labels or built is None or (labels == (RESOURCE_LABEL,) and not m.group("where")):
        return None
    where, params = built
    query: LiteralString = (
        "MATCH (n:Resource) WHERE "
        + where
        + " RETURN n.id AS id, n.name AS name, n.kind AS kind, n.provider AS provider, n.account AS account, "
        "n.region AS region ORDER BY n.kind, n.name, n.id"
    )
    rows = _run(graph, query, params)
    place = f" in {m.group('where')}" if m.group("where") else ""
    summary = f"{len(rows)} {' / '.join(labels)}{place}" + (f": {_names(rows)}." if rows else ".")
    return TemplateAnswer("list", summary, _shown(query, params), rows)


def resolve(graph: Graph, ref: str) -> tuple[Row | None, tuple[str, ...]]:
    """A resource named by id, or by name (case-insensitive); the first by id when several share the name."""
    ref = ref.strip().strip("'\"`")
    rows = _run(
        graph,
        "MATCH (n:Resource) WHERE n.id = $ref OR toLower(n.name) = toLower($ref) "
        "RETURN n.id AS id, n.name AS name, n.kind AS kind, n.id = $ref AS exact ORDER BY exact DESC, n.id LIMIT 5",
        {"ref": ref},
    )
    if not rows:
        return None, ()
    warnings = (
        ()
        if len(rows) == 1 or rows[0]["exact"]
        else (f"{len(rows)} resources are named {ref!r}; answered for {rows[0]['id']} (ask by id for another)",)
    )
    return rows[0], warnings


def _missing(intent: str, ref: str) -> TemplateAnswer:
    return TemplateAnswer(intent, f"No resource has the id or name {ref!r}; check the name with `list ...`.", "", ())


def _walk(graph: Graph, m: re.Match[str], direction: str, intent: str) -> TemplateAnswer:
    ref = m.group("x")
    root, warnings = resolve(graph, ref)
    if root is None:
        return _missing(intent, ref)
    root_id = str(root["id"])
    result = dependencies(graph, root_id, "DEPENDENTS" if direction == "DEPENDENTS" else "DEPENDENCIES")
    rows: tuple[Row, ...] = tuple(
        {"id": r.node.id, "name": r.node.name, "kind": r.node.kind, "distance": r.distance}
        for r in sorted(result.nodes, key=lambda r: (r.distance, r.node.kind, r.node.name))
    )
    cypher = f"// queries.blast.dependencies(id={root_id!r}, direction={direction!r}, max_depth=6)"
    what = {
        "blast_radius": "would be affected if it went down",
        "dependents": "depend on it",
        "dependencies": "it depends on",
    }[intent]
    summary = f"{root['name']} ({root['kind']}): {len(rows)} resource(s) {what}"
    if rows and intent == "blast_radius":
        kinds: dict[str, int] = {}
        for row in rows:
            kinds[str(row["kind"])] = kinds.get(str(row["kind"]), 0) + 1
        summary += " — " + ", ".join(f"{k}: {c}" for k, c in sorted(kinds.items(), key=lambda kc: (-kc[1], kc[0])))
    elif rows:
        summary += ": " + _names(rows)
    return TemplateAnswer(intent, summary + ".", cypher, rows, warnings)


def _exposure(graph: Graph, m: re.Match[str]) -> TemplateAnswer:
    ref = m.group("x")
    root, warnings = resolve(graph, ref)
    if root is None:
        return _missing("exposure", ref)
    root_id = str(root["id"])
    paths = exposure_paths(graph, resource_id=root_id)
    rows: tuple[Row, ...] = tuple(
        {
            "resource": p.resource.name,
            "protocol": p.protocol,
            "ports": p.ports_text,
            "path": " -> ".join(h.node.name for h in p.hops),
        }
        for p in paths
    )
    cypher = f"// queries.exposure.exposure_paths(resource_id={root_id!r})"
    summary = (
        f"{root['name']} is reachable from the internet by {len(rows)} path(s)."
        if rows
        else f"{root['name']} has no internet exposure path in the graph."
    )
    return TemplateAnswer("exposure", summary, cypher, rows, warnings)


_PUBLIC_BUCKETS: LiteralString = (
    "MATCH (n:Resource) WHERE (n:S3Bucket AND (n.policy_allows_public = true OR n.acl_public = true)) "
    "OR (n:AzureStorageAccount AND n.allow_blob_public_access = true) OR (n:GCPStorageBucket AND n.is_public = true) "
    "RETURN n.id AS id, n.name AS name, n.kind AS kind, n.provider AS provider ORDER BY n.kind, n.name, n.id"
)
_ADMIN_PORTS: LiteralString = (
    "MATCH (g:SecurityGroup)-[:HAS_RULE]->(r:SecurityGroupRule {direction: 'ingress'}) "
    "WHERE r.cidr IN ['0.0.0.0/0', '::/0'] AND (r.protocol IN ['-1', 'all'] OR (r.from_port <= 22 AND r.to_port >= 22) "
    "OR (r.from_port <= 3389 AND r.to_port >= 3389)) "
    "RETURN g.id AS id, g.name AS name, 'SecurityGroup' AS kind, r.protocol AS protocol, r.from_port AS from_port, "
    "r.to_port AS to_port, r.cidr AS source "
    "UNION ALL MATCH (g:AzureNetworkSecurityGroup)-[:HAS_RULE]->(r:AzureSecurityRule) "
    "WHERE r.open_to_internet = true AND r.access = 'Allow' AND r.direction = 'Inbound' "
    "AND any(p IN r.destination_port_ranges WHERE p IN ['*', '22', '3389'] OR "
    "(p CONTAINS '-' AND toInteger(split(p, '-')[0]) <= 22 AND toInteger(split(p, '-')[1]) >= 22) OR "
    "(p CONTAINS '-' AND toInteger(split(p, '-')[0]) <= 3389 AND toInteger(split(p, '-')[1]) >= 3389)) "
    "RETURN g.id AS id, g.name AS name, 'AzureNetworkSecurityGroup' AS kind, r.protocol AS protocol, "
    "null AS from_port, null AS to_port, '*' AS source"
)
_COSTLIEST: LiteralString = (
    "MATCH (n:Resource) WHERE n.monthly_cost_usd IS NOT NULL RETURN n.id AS id, n.name AS name, n.kind AS kind, "
    "n.monthly_cost_usd AS monthly_cost_usd ORDER BY monthly_cost_usd DESC, id LIMIT $limit"
)
_FINDINGS: LiteralString = (
    "MATCH (f:Finding) RETURN f.severity AS severity, count(f) AS count ORDER BY count DESC, severity"
)
_SINCE: LiteralString = (
    "MATCH (n:Resource) WHERE n.first_seen >= datetime($since) RETURN n.id AS id, n.name AS name, n.kind AS kind, "
    "toString(n.first_seen) AS first_seen ORDER BY n.first_seen DESC, n.id LIMIT 500"
)


def _public_buckets(graph: Graph, m: re.Match[str]) -> TemplateAnswer:
    rows = _run(graph, _PUBLIC_BUCKETS, {})
    summary = f"{len(rows)} public bucket(s)" + (f": {_names(rows)}." if rows else ".")
    return TemplateAnswer("public_buckets", summary, _PUBLIC_BUCKETS, rows)


def _admin_ports(graph: Graph, m: re.Match[str]) -> TemplateAnswer:
    rows = _run(graph, _ADMIN_PORTS, {})
    groups = tuple({str(r["id"]): r for r in rows}.values())
    summary = f"{len(groups)} security group(s) open an admin port (22/3389) to the internet" + (
        f": {_names(groups)}." if groups else "."
    )
    return TemplateAnswer("open_admin_ports", summary, _ADMIN_PORTS, rows)


def _costliest(graph: Graph, m: re.Match[str]) -> TemplateAnswer:
    limit = int(m.group("n") or 10)
    rows = _run(graph, _COSTLIEST, {"limit": limit})
    if not rows:
        return TemplateAnswer("costliest", "No resource has a monthly cost estimate yet.", _COSTLIEST, rows)
    parts = ", ".join(f"{r['name']} ({float(r['monthly_cost_usd'] or 0):.2f} USD)" for r in rows[:10])  # type: ignore[arg-type]
    return TemplateAnswer("costliest", f"Costliest per month: {parts}.", _shown(_COSTLIEST, {"limit": limit}), rows)


def _findings(graph: Graph, m: re.Match[str]) -> TemplateAnswer:
    rows = _run(graph, _FINDINGS, {})
    parts = ", ".join(f"{r['severity']}: {r['count']}" for r in rows)
    return TemplateAnswer(
        "findings_by_severity", f"Findings by severity: {parts}." if rows else "No findings.", _FINDINGS, rows
    )


def parse_since(text: str, now: datetime | None = None) -> datetime | None:
    now = now or datetime.now(UTC)
    text = text.strip().lower()
    if text == "yesterday":
        return (now - timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    if text in {"today", "this morning"}:
        return now.replace(hour=0, minute=0, second=0, microsecond=0)
    if text in {"last week", "a week ago"}:
        return now - timedelta(days=7)
    m = re.fullmatch(r"(\d+|an?|one)\s+(minute|hour|day|week)s?\s+ago", text)
    if m:
        count = 1 if m.group(1) in {"a", "an", "one"} else int(m.group(1))
        return now - timedelta(**{m.group(2) + "s": count})
    try:
        parsed = datetime.fromisoformat(text.upper() if "t" in text else text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _since(graph: Graph, m: re.Match[str]) -> TemplateAnswer | None:
    since = parse_since(m.group("t"))
    if since is None:
        return None
    params: dict[str, object] = {"since": since.isoformat()}
    rows = _run(graph, _SINCE, params)
    summary = f"{len(rows)} resource(s) first seen since {since.isoformat(timespec='minutes')}" + (
        f": {_names(rows)}." if rows else "."
    )
    return TemplateAnswer("changed_since", summary, _shown(_SINCE, params), rows)


_WHERE = r"(?: (?:are |is )?(?:in|on) (?P<where>[\w-]+))?$"
_X = r"(?P<x>[\w./:@=-]+(?: [\w./:@=-]+){0,3})"
INTENTS: tuple[Intent, ...] = (
    Intent(
        "blast_radius",
        re.compile(r"^(?:what is the |show the |show )?blast radius of " + _X + r"$"),
        lambda g, m: _walk(g, m, "DEPENDENTS", "blast_radius"),
    ),
    Intent(
        "blast_radius",
        re.compile(r"^what (?:breaks|fails|is affected) if " + _X + r" (?:goes down|fails|is down|breaks)$"),
        lambda g, m: _walk(g, m, "DEPENDENTS", "blast_radius"),
    ),
    Intent(
        "dependents",
        re.compile(r"^(?:what|which resources?) depends? on " + _X + r"$"),
        lambda g, m: _walk(g, m, "DEPENDENTS", "dependents"),
    ),
    Intent(
        "dependencies",
        re.compile(r"^what does " + _X + r" depend on$"),
        lambda g, m: _walk(g, m, "DEPENDENCIES", "dependencies"),
    ),
    Intent("exposure", re.compile(r"^(?:what is the |show the )?exposure of " + _X + r"$"), _exposure),
    Intent(
        "exposure",
        re.compile(r"^(?:is|how is) " + _X + r" (?:exposed|reachable from the internet)(?: to the internet)?$"),
        _exposure,
    ),
    Intent(
        "public_buckets",
        re.compile(
            r"^(?:which|what|list|show)(?: me)?(?: all| the)* (?:buckets are public|public "
            r"(?:s3 |storage )?buckets)(?: are there)?$"
        ),
        _public_buckets,
    ),
    Intent(
        "open_admin_ports",
        re.compile(
            r"^(?:which|what|list|show)(?: me)?(?: all| the)* (?:security groups? )?"
            r"(?:open|exposed|expose|have open) (?:admin|ssh|rdp|management) ports?"
            r"(?: to the (?:internet|world))?$|^(?:open|exposed) admin ports$"
        ),
        _admin_ports,
    ),
    Intent(
        "costliest",
        re.compile(
            r"^(?:what are |which are |show |list )?(?:the )?(?:top (?P<n>\d+) )?"
            r"(?:costliest|most expensive) resources$"
        ),
        _costliest,
    ),
    Intent(
        "findings_by_severity",
        re.compile(
            r"^(?:findings by severity|how many findings (?:are there )?"
            r"(?:by|per) severity)$"
        ),
        _findings,
    ),
    Intent(
        "changed_since",
        re.compile(
            r"^(?:what changed|what's new|what is new|which resources are new|"
            r"what was added) since (?P<t>.+)$"
        ),
        _since,
    ),
    Intent(
        "count_by",
        re.compile(
            r"^(?:how many|count(?: the)?|number of) (?:cloud )?(?:resources|nodes|assets)"
            r"(?: are there| do we have)? (?:by|per) "
            r"(?P<g>kind|type|provider|cloud|region|account)$"
        ),
        _count_group,
    ),
    Intent(
        "count",
        re.compile(
            r"^(?:how many|count(?: the)?|number of) (?P<what>[a-z0-9 -]+?)"
            r"(?: are there| do we have| exist| are running)?" + _WHERE
        ),
        _count_kind,
    ),
    Intent(
        "list",
        re.compile(
            r"^(?:list|show(?: me)?|which|what)(?: are)?(?: all| the| my| our)* "
            r"(?P<what>[a-z0-9 -]+?)"
            r"(?: (?:are|do we have|exist))?" + _WHERE
        ),
        _list_kind,
    ),
)


def match(graph: Graph, question: str) -> TemplateAnswer | None:
    """The answer of the first intent that matches confidently, or None."""
    text = normalise_question(question)
    for intent in INTENTS:
        found = intent.pattern.match(text)
        if found:
            answer = intent.run(graph, found)
            if answer is not None:
                return answer
    return None
