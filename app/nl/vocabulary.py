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
_LABEL_PREFIX = re.compile(r"^(Azure|GCP)(?=[A-Z])")


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


def _product_words(schema: Schema) -> dict[str, str]:
    """One-word vendor product names, mapped to their provider: the first word of a kind's own name of two or
    more words (its provider prefix dropped) that no other provider's kind names use anywhere ("lambda" of
    LambdaFunction, "gke" of GCPGKECluster, "ebs" of EBSVolume; not "key", which KMSKey also uses)."""
    first: dict[str, set[str]] = defaultdict(set)
    anywhere: dict[str, set[str]] = defaultdict(set)
    for kind in schema.nodes:
        if kind.resource:
            words = _split_label(_LABEL_PREFIX.sub("", kind.label)).split()
            if len(words) > 1:  # a modifier of the kind's noun ("lambda function"), not the noun itself
                first[words[0]].add(kind.provider)
            for word in words:
                anywhere[word].add(kind.provider)
    return {word: next(iter(found)) for word, found in first.items() if len(anywhere[word]) == 1}


def kind_phrases(schema: Schema = SCHEMA) -> dict[str, frozenset[str]]:
    """Phrase -> labels: the glossary's words, then each label's own words ("EC2Instance" -> "ec2 instance",
    "ec2instance"; "AzureVirtualMachine" -> "azure virtual machine"), never overriding a glossary word.

    A glossary word that is one vendor's product name ("lambda", "eks") means only that vendor's kinds among
    its entry's labels, though the entry also lists the other vendors' counterparts ("function")."""
    products = _product_words(schema)
    provider_of = {k.label: k.provider for k in schema.nodes}
    out: dict[str, set[str]] = defaultdict(set)
    for term in GLOSSARY:
        for word in term.words:
            vendor = products.get(word)
            own = [label for label in term.labels if provider_of.get(label) == vendor]
            out[word].update(own if vendor is not None and own else term.labels)
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
