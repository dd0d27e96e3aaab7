"""Security rules as data, and the check that a rule's Cypher only uses what the schema declares.

A :class:`Rule` is a read-only, parameterised Cypher query over the graph plus what a person needs to act
on its result: severity, benchmark references, a description, remediation in words and the provider CLI
command that fixes the finding (a template filled from the row; AI-Discover never runs it).

The query contract: each row is one offending resource, with the columns

* ``resource_id`` -- the id of the resource the finding is about;
* ``fields`` -- a map of strings the ``command`` template is filled with (``{name}`` placeholders);
* path rules also ``path_ids`` (node ids along the path, in order) and ``path_rels`` (the relationship
  types between consecutive nodes).

:func:`check_cypher` parses a query's labels, relationship types, properties and parameters and reports
every one the schema does not declare; :func:`check_rule` applies it to a rule, so a schema change that
would silently break a rule fails the catalogue test instead.
"""

from __future__ import annotations

import re
import string
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from core.errors import SchemaError
from graph.schema import RESOURCE_LABEL, STAMP_PROPERTIES, Schema

Severity = Literal["critical", "high", "medium", "low", "info"]
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low", "info")
CloudProvider = Literal["aws", "azure", "gcp"]
PROVIDERS: tuple[CloudProvider, ...] = ("aws", "azure", "gcp")
ParamValue = str | int | float | bool | tuple[str, ...] | tuple[int, ...]

# Parameters every evaluation passes besides a rule's own.
BUILTIN_PARAMS = frozenset({"now"})


@dataclass(frozen=True)
class Rule:
    """One security rule. ``cypher`` is read-only and parameterised (``$name`` from ``params``, ``$now``)."""

    id: str
    title: str
    severity: Severity
    provider: CloudProvider
    kinds: tuple[str, ...] = field(metadata={"doc": "Labels of the resources its findings are about."})
    benchmarks: tuple[str, ...]
    cypher: str
    description: str
    remediation: str
    # provider CLI command template, {field} placeholders from the row's ``fields``
    command: str = field(metadata={"doc": "CLI command template; findings carry it filled in."})
    params: tuple[tuple[str, ParamValue], ...] = ()
    # a toxic combination: the row also carries path_ids and path_rels
    path: bool = field(default=False, metadata={"doc": "A toxic combination: its findings carry a path."})

    def parameters(self) -> dict[str, object]:
        return {name: list(value) if isinstance(value, tuple) else value for name, value in self.params}

    def render_command(self, fields: Mapping[str, object]) -> str:
        """The command with the row's identifiers filled in; a missing field shows as <name>."""
        return self.command.format_map(_Fields(fields))


class _Fields(dict[str, str]):
    def __init__(self, fields: Mapping[str, object]) -> None:
        super().__init__({k: "" if v is None else str(v) for k, v in fields.items()})

    def __missing__(self, key: str) -> str:
        return f"<{key}>"


_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_WRITE = re.compile(r"\b(CREATE|MERGE|SET|DELETE|DETACH|REMOVE|LOAD|FOREACH|CALL|DROP)\b", re.IGNORECASE)
_NODE = re.compile(r"\(\s*(\w*)\s*:\s*(\w+(?:\s*[|&:]\s*\w+)*)\s*(\{[^}]*\})?")
_REL = re.compile(r"\[\s*(\w*)\s*:\s*(\w+(?:\s*\|\s*:?\s*\w+)*)\s*(?:\*[\d.]*)?\s*(\{[^}]*\})?\s*\]")
_PROP = re.compile(r"(?<![\w.$])([A-Za-z_]\w*)\.([A-Za-z_]\w*)\b")
_MAP_KEY = re.compile(r"(\w+)\s*:")
_PARAM = re.compile(r"\$(\w+)")
_BARE_LABEL = re.compile(r"\bWHERE\s+\w+\s*:\s*\w+", re.IGNORECASE)


@dataclass(frozen=True)
class CypherUse:
    """What a query refers to: labels, relationship types, (variable, property) pairs and parameters."""

    labels: frozenset[str]
    rel_types: frozenset[str]
    node_vars: Mapping[str, frozenset[str]]
    rel_vars: Mapping[str, frozenset[str]]
    properties: frozenset[tuple[str, str]]
    params: frozenset[str]


def parse_cypher(cypher: str) -> CypherUse:
    text = _STRING.sub("''", cypher)
    node_vars: dict[str, set[str]] = defaultdict(set)
    rel_vars: dict[str, set[str]] = defaultdict(set)
    labels: set[str] = set()
    rel_types: set[str] = set()
    props: set[tuple[str, str]] = set()
    for var, names, inline in _NODE.findall(text):
        found = {n for n in re.split(r"[\s|&:]+", names) if n}
        labels |= found
        # A|B: either label (a property must exist on each); A:B or A&B: both (it may exist on either).
        owners = found if "|" in names else {"&".join(sorted(found))}
        if var:
            node_vars[var] |= owners
        props |= {(var or "?" + "|".join(sorted(owners)), key) for key in _MAP_KEY.findall(inline or "")}
    for var, names, inline in _REL.findall(text):
        found = {n for n in re.split(r"[\s|:]+", names) if n}
        rel_types |= found
        if var:
            rel_vars[var] |= found
        props |= {(var or "~" + "|".join(sorted(found)), key) for key in _MAP_KEY.findall(inline or "")}
    props |= set(_PROP.findall(text))
    return CypherUse(
        labels=frozenset(labels),
        rel_types=frozenset(rel_types),
        node_vars={k: frozenset(v) for k, v in node_vars.items()},
        rel_vars={k: frozenset(v) for k, v in rel_vars.items()},
        properties=frozenset(props),
        params=frozenset(_PARAM.findall(text)),
    )


def check_cypher(cypher: str, schema: Schema, params: frozenset[str] | None = None, writes: bool = False) -> list[str]:
    """Every problem of ``cypher`` against ``schema``: unknown labels, relationship types and properties,
    writes (unless ``writes``), and parameters not in ``params`` (when given)."""
    problems: list[str] = []
    text = _STRING.sub("''", cypher)
    if not writes and (m := _WRITE.search(text)):
        problems.append(f"writes or calls procedures ({m.group(1)}); rules must be read-only")
    if _BARE_LABEL.search(text):
        problems.append("uses a label test in WHERE; put labels in the pattern so they can be checked")
    use = parse_cypher(cypher)
    declared = {kind.label for kind in schema.nodes} | {RESOURCE_LABEL}
    problems += [f"unknown label {label}" for label in sorted(use.labels - declared)]
    problems += [f"unknown relationship type {t}" for t in sorted(use.rel_types - set(schema.relationship_types()))]
    for var, prop in sorted(use.properties):
        owners = _owners(var, use, schema)
        if owners is None:
            continue  # not a pattern variable: a map, an UNWIND or comprehension variable
        missing = [owner for owner, names in owners.items() if prop not in names]
        if missing:
            problems.append(f"{var}.{prop}: property {prop!r} is not declared on {', '.join(sorted(missing))}")
    if params is not None:
        problems += [f"parameter ${name} is not supplied" for name in sorted(use.params - params - BUILTIN_PARAMS)]
    return problems


def _owners(var: str, use: CypherUse, schema: Schema) -> dict[str, set[str]] | None:
    """The property names each label (or relationship type) bound to ``var`` declares; None if unbound."""
    if var.startswith("?"):
        node_labels: frozenset[str] | None = frozenset(var[1:].split("|"))
    else:
        node_labels = use.node_vars.get(var)
    if node_labels:
        return {label: _node_props(label, schema) for label in node_labels}
    rel_types = frozenset(var[1:].split("|")) if var.startswith("~") else use.rel_vars.get(var)
    if rel_types:
        out: dict[str, set[str]] = {}
        for type_ in rel_types:
            names = {p.name for rel in schema.relationships if rel.type == type_ for p in rel.properties}
            out[type_] = names | set(STAMP_PROPERTIES)
        return out
    return None


def _node_props(owner: str, schema: Schema) -> set[str]:
    """Properties of a label, or of a conjunction ``A&B`` (the union: the node has both labels)."""
    if "&" in owner:
        return set().union(*(_node_props(label, schema) for label in owner.split("&")))
    label = owner
    if label == RESOURCE_LABEL:
        return {p.name for p in schema.common}
    try:
        return {p.name for p in schema.properties_of(label)}
    except SchemaError:
        return set()


_COLUMNS = ("resource_id", "fields")
_PATH_COLUMNS = ("path_ids", "path_rels")
_RULE_ID = re.compile(r"^(aws|azure|gcp)-[a-z0-9]+(?:-[a-z0-9]+)*$")


def check_rule(rule: Rule, schema: Schema) -> list[str]:
    """Every problem of one rule: its Cypher against the schema, its columns, kinds and command fields."""
    problems = check_cypher(rule.cypher, schema, frozenset(name for name, _ in rule.params))
    if not _RULE_ID.match(rule.id) or not rule.id.startswith(rule.provider + "-"):
        problems.append(f"id {rule.id!r} must be '<provider>-<lower-case-words>'")
    wanted = _COLUMNS + (_PATH_COLUMNS if rule.path else ())
    problems += [f"returns no column {c}" for c in wanted if f"AS {c}" not in rule.cypher]
    declared = {kind.label for kind in schema.nodes if kind.resource}
    problems += [f"kind {k} is not a declared resource label" for k in rule.kinds if k not in declared]
    if rule.severity not in SEVERITIES:
        problems.append(f"severity {rule.severity!r} is not one of {', '.join(SEVERITIES)}")
    if not rule.kinds or not rule.command.strip() or not rule.remediation.strip():
        problems.append("needs kinds, a remediation and a command")
    placeholders = {name for _, name, _, _ in string.Formatter().parse(rule.command) if name}
    for name in sorted(placeholders):
        if not re.search(rf"\b{re.escape(name)}\s*:", _STRING.sub("''", rule.cypher)):
            problems.append(f"command field {{{name}}} is not a key of the fields map")
    return [f"{rule.id}: {p}" for p in problems]


def check_catalogue(rules: tuple[Rule, ...], schema: Schema) -> None:
    """Raise SchemaError listing every problem of every rule (ids must be unique too)."""
    problems = [p for rule in rules for p in check_rule(rule, schema)]
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            problems.append(f"{rule.id}: declared twice")
        seen.add(rule.id)
    if problems:
        raise SchemaError("security rules do not fit the graph schema: " + "; ".join(problems))
