"""The property-type mapping is written once and every reader of it agrees with it."""

from __future__ import annotations

from typing import get_args

from app.nl.store import structured_schema
from graph.schema import SCHEMA, PropType
from graph.schema.types import PROP_TYPES
from web.perspective import _bloom_type


def test_every_property_type_has_one_mapping() -> None:
    assert set(PROP_TYPES) == set(get_args(PropType))
    used = {p.type for kind in SCHEMA.nodes for p in SCHEMA.properties_of(kind.label)}
    assert used <= set(PROP_TYPES)


def test_readers_take_their_names_from_the_mapping() -> None:
    shape = structured_schema()
    node_props = shape["node_props"]
    assert isinstance(node_props, dict)
    ec2 = {p["property"]: p["type"] for p in node_props["EC2Instance"]}
    assert ec2["tags"] == PROP_TYPES["string[]"].neo4j == "LIST"
    assert ec2["first_seen"] == PROP_TYPES["datetime"].neo4j
    assert _bloom_type("datetime") == "DateTime"
