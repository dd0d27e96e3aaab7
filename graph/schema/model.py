"""The vocabulary for declaring the graph schema as data.

A :class:`NodeKind` is a Neo4j label with its key, its properties (each with a type and a
description) and whether it carries the common ``Resource`` label. A :class:`RelType` is a
relationship type between two labels. A :class:`Schema` holds them all and checks that they fit
together. Everything else -- constraints, Cypher writes, GraphQL types and docs, the Bloom
perspective, the LLM's schema prompt -- is generated from a ``Schema`` value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from core.errors import SchemaError

PropType = Literal["string", "int", "float", "bool", "string[]", "datetime"]
Provider = Literal["aws", "azure", "gcp", "any"]

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
class NodeKind:
    """A node label: what it is, how it is keyed, what it carries."""

    label: str
    provider: Provider
    service: str
    description: str
    properties: tuple[Property, ...] = ()
    resource: bool = True

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


@dataclass(frozen=True)
class Schema:
    """All node kinds and relationship types. Construction checks names and references."""

    common: tuple[Property, ...]
    nodes: tuple[NodeKind, ...]
    relationships: tuple[RelType, ...]
    _by_label: dict[str, NodeKind] = field(init=False, repr=False, compare=False)
    _by_rel: dict[tuple[str, str, str], RelType] = field(init=False, repr=False, compare=False)
    _props: dict[str, tuple[Property, ...]] = field(init=False, repr=False, compare=False)

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


def _check_ident(name: str, what: str) -> None:
    if not _IDENT.match(name):
        raise SchemaError(f"{what} {name!r} is not a plain identifier (letters, digits, _)")
