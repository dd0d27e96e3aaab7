"""The vocabulary for declaring the graph schema as data.

A :class:`NodeKind` is a Neo4j label with its key, its properties (each with a type and a
description) and whether it carries the common ``Resource`` label. A :class:`RelType` is a
relationship type between two labels. A :class:`Schema` holds them all and checks that they fit
together. Everything else -- constraints, Cypher writes, GraphQL types and docs, the Bloom
perspective, the LLM's schema prompt -- is generated from a ``Schema`` value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, TypedDict

from core.errors import SchemaError
from graph.rows import PropValue

PropType = Literal["string", "int", "float", "bool", "string[]", "datetime", "datetime[]"]
Provider = Literal["aws", "azure", "gcp", "any"]

FREE = "free"  # the billing of kinds the providers do not charge for by themselves

RESOURCE_LABEL = "Resource"
_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Property:
    """One node or relationship property."""

    name: str
    type: PropType
    description: str
    indexed: bool = False
    secret: bool = False  # ciphertext or a hash: stored, never exposed through the API


@dataclass(frozen=True)
class EntryPoint:
    """Traffic from the internet enters nodes of this kind (with ``prop`` equal to ``equals``; ``equals`` None means
    the property is set). ``exposure`` ranks entries: higher is more exposed. ``in_network``: the traffic reaches the
    node through its network (route to an internet gateway, network ACL, security groups), not through a
    provider-managed endpoint."""

    exposure: int
    prop: str | None = None
    equals: PropValue = None
    in_network: bool = False

    def cypher(self, var: str, label: str) -> str:
        """A Cypher condition that is true when ``var`` is such an entry."""
        test = f"{var}:{label}"
        if self.prop is None:
            return f"({test})"
        if self.equals is None:
            return f"({test} AND {var}.{self.prop} IS NOT NULL)"
        return f"({test} AND {var}.{self.prop} = {json.dumps(self.equals)})"


@dataclass(frozen=True)
class DataStore:
    """Nodes of this kind hold data; ``sensitivity`` ranks paths that end there (5 secrets .. 1 messages)."""

    sensitivity: int


class KindFacts(TypedDict, total=False):
    """The per-kind facts, for helpers that build a :class:`NodeKind` and pass them through."""

    entry_point: EntryPoint
    data_store: DataStore
    hidden: bool
    billing: str
    provider_types: tuple[str, ...]
    iam_prefixes: tuple[str, ...]


@dataclass(frozen=True)
class NodeKind:
    """A node label: what it is, how it is keyed, what it carries, and the facts analysis reads from it."""

    label: str
    provider: Provider
    service: str
    description: str
    properties: tuple[Property, ...] = ()
    resource: bool = True
    entry_point: EntryPoint | None = None  # exposed to the internet
    data_store: DataStore | None = None  # holds data
    hidden: bool = False  # the product's own records: the viewer and natural-language questions never list them
    billing: str | None = None  # the cost model's name in queries.cost, FREE, or None when not priced
    provider_types: tuple[str, ...] = ()  # Azure resource types (lower-case) or GCP asset types read as this label
    # IAM action prefixes (services) whose actions act on resources of this kind: ``s3`` for S3Bucket. A policy
    # statement grants access to the kind only through actions of these services (or ``*``).
    iam_prefixes: tuple[str, ...] = ()

    def property(self, name: str) -> Property | None:
        for prop in self.properties:
            if prop.name == name:
                return prop
        return None


@dataclass(frozen=True)
class RelType:
    """A relationship type from one label to another. The same type may join several label pairs."""

    type: str
    source: str
    target: str
    description: str
    properties: tuple[Property, ...] = ()
    derived: bool = False  # written by a link rule after the sync (graph.schema.links), not by a unit
    # Written by the unit that reads the target (a part fetched by a unit of its own, e.g. an ARM read beside
    # Resource Graph): the source's unit neither compares nor removes it; it goes with its target node.
    written_with_target: bool = False


@dataclass(frozen=True)
class Schema:
    """All node kinds and relationship types. Construction checks names and references."""

    common: tuple[Property, ...]
    nodes: tuple[NodeKind, ...]
    relationships: tuple[RelType, ...]
    _by_label: dict[str, NodeKind] = field(init=False, repr=False, compare=False)
    _by_rel: dict[tuple[str, str, str], RelType] = field(init=False, repr=False, compare=False)
    _props: dict[str, tuple[Property, ...]] = field(init=False, repr=False, compare=False)
    _by_type: dict[tuple[str, str], str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_label: dict[str, NodeKind] = {}
        lowered = {RESOURCE_LABEL.lower()}
        common_names = {p.name for p in self.common}
        for kind in self.nodes:
            _check_ident(kind.label, "label")
            if kind.label.lower() in lowered:
                # constraint and index names are derived from the lower-cased label
                raise SchemaError(f"label {kind.label!r} is declared twice (ignoring case); keep one declaration")
            lowered.add(kind.label.lower())
            by_label[kind.label] = kind
            names = [p.name for p in kind.properties]
            for name in names:
                _check_ident(name, f"property of {kind.label}")
            clash = (set(names) & common_names) if kind.resource else set()
            if clash or len(names) != len(set(names)):
                raise SchemaError(f"{kind.label} declares {sorted(clash) or names} twice; remove the repeat")
            entry = kind.entry_point
            if entry is not None and entry.prop is not None and entry.prop not in {*names, *common_names}:
                raise SchemaError(f"{kind.label}'s entry point reads undeclared property {entry.prop!r}; declare it")
        by_type: dict[tuple[str, str], str] = {}
        for kind in self.nodes:
            for type_ in kind.provider_types:
                if (kind.provider, type_) in by_type:
                    raise SchemaError(f"{kind.provider} type {type_!r} is mapped to two labels; keep one")
                by_type[(kind.provider, type_)] = kind.label
        seen: dict[tuple[str, str, str], RelType] = {}
        for rel in self.relationships:
            _check_ident(rel.type, "relationship type")
            for end in (rel.source, rel.target):
                if end not in by_label:
                    raise SchemaError(f"{rel.type} refers to undeclared label {end!r}; declare it first")
            key = (rel.type, rel.source, rel.target)
            if key in seen:
                raise SchemaError(f"({rel.source})-[:{rel.type}]->({rel.target}) is declared twice")
            seen[key] = rel
        # Looked up once per written row: dictionaries built once here, not scans per row.
        props = {k.label: (*self.common, *k.properties) if k.resource else k.properties for k in self.nodes}
        object.__setattr__(self, "_by_label", by_label)
        object.__setattr__(self, "_by_rel", seen)
        object.__setattr__(self, "_props", props)
        object.__setattr__(self, "_by_type", by_type)

    def node(self, label: str) -> NodeKind:
        try:
            return self._by_label[label]
        except KeyError:
            raise SchemaError(f"unknown label {label!r}; known: {', '.join(sorted(self._by_label))}") from None

    def relationship(self, type_: str, source: str, target: str) -> RelType:
        try:
            return self._by_rel[(type_, source, target)]
        except KeyError:
            pass
        raise SchemaError(f"({source})-[:{type_}]->({target}) is not declared in graph.schema")

    def relationship_types(self) -> tuple[str, ...]:
        return tuple(sorted({rel.type for rel in self.relationships}))

    def properties_of(self, label: str) -> tuple[Property, ...]:
        self.node(label)  # an unknown label raises with the known ones listed
        return self._props[label]

    def resource_kinds(self) -> Iterable[NodeKind]:
        return (kind for kind in self.nodes if kind.resource)

    def entry_points(self) -> tuple[tuple[str, EntryPoint], ...]:
        """Every kind exposed to the internet, with how: the one definition of "exposed"."""
        return tuple((k.label, k.entry_point) for k in self.nodes if k.entry_point is not None)

    def data_stores(self) -> tuple[tuple[str, DataStore], ...]:
        """Every kind that holds data, with its sensitivity."""
        return tuple((k.label, k.data_store) for k in self.nodes if k.data_store is not None)

    def hidden_labels(self) -> frozenset[str]:
        return frozenset(k.label for k in self.nodes if k.hidden)

    def label_for_type(self, provider: Provider, type_: str) -> str | None:
        """The label a provider's resource or asset type is read as (declared on the kind), or None."""
        return self._by_type.get((provider, type_))

    def provider_types(self, provider: Provider) -> dict[str, str]:
        """Every provider type of ``provider`` mapped to its label."""
        return {t: label for (p, t), label in self._by_type.items() if p == provider}


def _check_ident(name: str, what: str) -> None:
    if not _IDENT.match(name):
        raise SchemaError(f"{what} {name!r} is not a plain identifier (letters, digits, _)")
