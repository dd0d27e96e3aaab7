"""The words a question can use, read from the schema (kinds, properties, relationships) and from the graph
(names, regions, accounts, tags and the values of a few categorical properties), cached per graph.

The parser (``app.nl.parser``) looks every token of a question up here; nothing of the graph's text ever
becomes Cypher except as a quoted literal (``app.nl.cypher_render.string_literal``).
"""

from __future__ import annotations

import re
import threading
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from app.nl.glossary import GLOSSARY
from graph.neo4j.client import Graph
from graph.schema import SCHEMA, Schema

__all__ = ["CATEGORICAL", "Named", "Vocabulary", "forget", "kind_phrases", "vocabulary"]

CATEGORICAL = (
    "state",
    "status",
    "instance_type",
    "machine_type",
    "vm_size",
    "engine",
    "scheme",
    "volume_type",
    "sku_name",
    "runtime",
    "power_state",
)
TTL_SECONDS = 60.0
PROBE_SECONDS = 5.0  # within this long of a read or probe, the cached vocabulary is used without asking Neo4j
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_PROVIDER_PREFIX = re.compile(r"^(azure|gcp) ")


@dataclass(frozen=True)
class Named:
    """One resource a name (or id) in a question may mean."""

    id: str
    kind: str
    name: str
    provider: str
    account: str
    region: str


@dataclass(frozen=True)
class Vocabulary:
    names: Mapping[str, tuple[Named, ...]]  # lower-case name or id -> the resources carrying it
    regions: frozenset[str]
    accounts: frozenset[str]
    values: Mapping[str, tuple[tuple[str, str, str], ...]]  # lower value -> (kind, property, value as stored)
    tags: Mapping[str, str]  # lower "key=value" -> as stored
    tag_keys: Mapping[str, str]  # lower key -> as stored
    tag_values: Mapping[str, frozenset[str]] = field(default_factory=dict)  # lower key -> lower values
    longest_name: int = 1  # the most words a name spans


def _split_label(label: str) -> str:
    return _CAMEL.sub(" ", label).lower()


def kind_phrases(schema: Schema = SCHEMA) -> dict[str, frozenset[str]]:
    """Phrase -> labels: the glossary's words, then each label's own words ("EC2Instance" -> "ec2 instance",
    "ec2instance"; "AzureVirtualMachine" -> "azure virtual machine"), never overriding a glossary word."""
    out: dict[str, set[str]] = defaultdict(set)
    for term in GLOSSARY:
        for word in term.words:
            out[word].update(term.labels)
    glossary = set(out)
    for kind in schema.nodes:
        if not kind.resource:
            continue
        for phrase in {_split_label(kind.label), kind.label.lower()}:
            if phrase not in glossary:
                out[phrase].add(kind.label)
        bare = _PROVIDER_PREFIX.sub("", _split_label(kind.label))
        if bare not in glossary and bare != _split_label(kind.label):
            out[bare].add(kind.label)
    resources = {k.label for k in schema.nodes if k.resource}
    return {phrase: frozenset(labels & resources) for phrase, labels in out.items() if labels & resources}


_NAMES = (
    "MATCH (n:Resource) RETURN n.id AS id, n.kind AS kind, n.name AS name, n.provider AS provider, "
    "n.account AS account, n.region AS region, n.tags AS tags"
)
_VALUES = (
    "MATCH (n:Resource) UNWIND [p IN $props WHERE n[p] IS NOT NULL | [p, toString(n[p])]] AS pv "
    "RETURN DISTINCT n.kind AS kind, pv[0] AS prop, pv[1] AS value"
)


def _read(graph: Graph) -> Vocabulary:
    names: dict[str, list[Named]] = defaultdict(list)
    regions: set[str] = set()
    accounts: set[str] = set()
    tags: dict[str, str] = {}
    tag_keys: dict[str, str] = {}
    tag_values: dict[str, set[str]] = defaultdict(set)
    longest = 1
    for r in graph.read(_NAMES):
        named = Named(
            str(r["id"]),
            str(r["kind"]),
            str(r["name"] or ""),
            str(r["provider"] or ""),
            str(r["account"] or ""),
            str(r["region"] or ""),
        )
        names[named.id.lower()].append(named)
        if named.name:
            names[named.name.lower()].append(named)
            longest = max(longest, len(named.name.split()))
        if named.region:
            regions.add(named.region)
        if named.account:
            accounts.add(named.account)
        for tag in r["tags"] or ():
            key, _, value = str(tag).partition("=")
            tags[str(tag).lower()] = str(tag)
            tag_keys[key.lower()] = key
            tag_values[key.lower()].add(value.lower())
    values: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for r in graph.read(_VALUES, {"props": list(CATEGORICAL)}):
        values[str(r["value"]).lower()].append((str(r["kind"]), str(r["prop"]), str(r["value"])))
    return Vocabulary(
        {k: tuple(v) for k, v in names.items()},
        frozenset(regions),
        frozenset(accounts),
        {k: tuple(v) for k, v in values.items()},
        tags,
        tag_keys,
        {k: frozenset(v) for k, v in tag_values.items()},
        longest,
    )


_cache: dict[int, tuple[float, float, int, Vocabulary]] = {}  # graph -> (read at, probed at, size, vocabulary)
_lock = threading.Lock()


def vocabulary(graph: Graph, ttl: float = TTL_SECONDS) -> Vocabulary:
    """The graph's vocabulary, read again after ``ttl`` seconds or when the number of resources changed (a
    count-store probe, at most every ``PROBE_SECONDS``)."""
    now = time.monotonic()
    with _lock:
        cached = _cache.get(id(graph))
    if cached is not None and now - cached[0] < ttl and now - cached[1] < PROBE_SECONDS:
        return cached[3]
    size = int(graph.read("MATCH (n:Resource) RETURN count(n) AS c")[0]["c"])
    if cached is not None and now - cached[0] < ttl and cached[2] == size:
        with _lock:
            _cache[id(graph)] = (cached[0], now, size, cached[3])
        return cached[3]
    found = _read(graph)
    with _lock:
        _cache[id(graph)] = (now, now, size, found)
    return found


def forget(graph: Graph) -> None:
    """Drop the cached vocabulary of ``graph`` (after writing to it)."""
    with _lock:
        _cache.pop(id(graph), None)
