"""GraphQL types derived from query records: the derivation, its refusals, and that the API restates no record."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import Annotated, Literal

import pytest
import strawberry
from graphql import GraphQLObjectType
from strawberry.utils.str_converters import to_camel_case

from app.api.generated import NODE_TYPES
from app.api.records import (
    Extra,
    RecordTypeError,
    Shape,
    derive,
    derived,
    derived_types,
    empty_as_null,
    graphql_type_of,
    to_graphql,
)
from app.api.schema import schema


class Colour(Enum):
    """A colour of the test records."""

    RED = "red"
    BLUE = "blue"


@dataclass(frozen=True)
class Leaf:
    """A leaf of the test tree.

    Only the first paragraph of a docstring becomes the description."""

    id: str
    colour: Colour
    weight: float = field(metadata={"doc": "Grams."})


@dataclass(frozen=True)
class Tree:
    name: Annotated[str, "The tree's name."]
    planted: datetime
    leaves: tuple[Leaf, ...]
    crown: Leaf | None
    parent_id: str | None
    kind: Literal["oak", "ash"]
    tags: tuple[str, ...] = ()
    secret: str = ""

    @property
    def size(self) -> int:
        """How many leaves."""
        return len(self.leaves)


@dataclass(frozen=True)
class Pot:
    colour: Colour
    label: str = ""


LeafType = derive(Shape(Leaf, name="RecordsTestLeaf"))
TreeType = derive(
    Shape(
        Tree,
        name="RecordsTestTree",
        description="A tree of leaves.",
        fields=("name", "size", "planted", "leaves", "crown", "parent_id", "kind", "tags", "age"),
        exclude={"secret": "never leaves the server"},
        ids=frozenset({"parent_id"}),
        extra={"age": Extra(int, "Years since planted.")},
    )
)
PotType = derive(Shape(Pot, name="RecordsTestPot", types={"label": str | None}, convert={"label": empty_as_null}))

TREE = Tree(
    name="elm",
    planted=datetime(2020, 1, 2, tzinfo=UTC),
    leaves=(Leaf("l1", Colour.RED, 1.5), Leaf("l2", Colour.BLUE, 2.0)),
    crown=None,
    parent_id="p1",
    kind="oak",
    tags=("a", "b"),
    secret="hunter2",
)


@strawberry.type
class _Query:
    @strawberry.field(graphql_type=TreeType)
    def tree(self) -> object:
        return to_graphql(TREE, age=6)

    @strawberry.field(graphql_type=PotType)
    def pot(self) -> object:
        return to_graphql(Pot(Colour.BLUE))


TEST_SCHEMA = strawberry.Schema(query=_Query)
SDL = TEST_SCHEMA.as_str()


def _type_block(name: str) -> str:
    start = SDL.index(f"type {name} {{")
    return SDL[start : SDL.index("}", start)]


def test_record_fields_become_typed_graphql_fields_in_order_with_nullability_lists_and_ids() -> None:
    block = _type_block("RecordsTestTree")
    lines = [line.strip() for line in block.splitlines()[1:] if line.strip() and not line.strip().startswith('"')]
    assert lines == [
        "name: String!",
        "size: Int!",
        "planted: DateTime!",
        "leaves: [RecordsTestLeaf!]!",
        "crown: RecordsTestLeaf",
        "parentId: ID",
        "kind: String!",
        "tags: [String!]!",
        "age: Int!",
    ]
    assert "id: ID!" in _type_block("RecordsTestLeaf")  # `id` fields are IDs without being listed


def test_descriptions_come_from_the_record_or_the_shape() -> None:
    assert '"""A leaf of the test tree."""\ntype RecordsTestLeaf' in SDL  # the docstring's first paragraph
    assert "Only the first paragraph" not in SDL
    assert '"""A tree of leaves."""\ntype RecordsTestTree' in SDL  # given in the shape
    assert '"""Grams."""\n  weight: Float!' in SDL  # field metadata
    assert '"""The tree\'s name."""\n  name: String!' in SDL  # Annotated doc
    assert '"""How many leaves."""\n  size: Int!' in SDL  # a property's docstring
    assert '"""Years since planted."""\n  age: Int!' in SDL  # an extra field's description
    assert '"""A colour of the test records."""\nenum Colour' in SDL


def test_excluded_fields_never_reach_the_api() -> None:
    assert "secret" not in _type_block("RecordsTestTree")
    result = TEST_SCHEMA.execute_sync("{ tree { name } }")
    assert result.errors is None
    assert "hunter2" not in str(result.data)


def test_a_record_converts_recursively_to_its_graphql_object() -> None:
    result = TEST_SCHEMA.execute_sync(
        "{ tree { name size planted leaves { id colour weight } crown { id } parentId kind tags age } "
        "pot { colour label } }"
    )
    assert result.errors is None
    assert result.data == {
        "tree": {
            "name": "elm",
            "size": 2,
            "planted": "2020-01-02T00:00:00+00:00",
            "leaves": [{"id": "l1", "colour": "RED", "weight": 1.5}, {"id": "l2", "colour": "BLUE", "weight": 2.0}],
            "crown": None,
            "parentId": "p1",
            "kind": "oak",
            "tags": ["a", "b"],
            "age": 6,
        },
        "pot": {"colour": "BLUE", "label": None},  # empty_as_null: the record's "" is shown as null
    }


def test_an_enum_is_registered_once_however_many_records_use_it() -> None:
    leaf_colour = next(f for f in LeafType.__strawberry_definition__.fields if f.name == "colour")  # type: ignore[attr-defined]
    pot_colour = next(f for f in PotType.__strawberry_definition__.fields if f.name == "colour")  # type: ignore[attr-defined]
    assert leaf_colour.type is pot_colour.type
    assert leaf_colour.type is not Colour  # the record's own enum is left undecorated
    assert not hasattr(Colour, "_enum_definition")
    assert SDL.count("enum Colour") == 1


def test_the_records_own_classes_are_not_decorated() -> None:
    assert not hasattr(Tree, "__strawberry_definition__")
    assert graphql_type_of(Tree) is TreeType
    assert derived(Tree).name == "RecordsTestTree"


def test_extra_fields_must_be_given_when_converting() -> None:
    with pytest.raises(RecordTypeError, match=r"needs \['age'\]"):
        to_graphql(TREE)


def test_a_class_that_is_not_a_dataclass_is_refused_with_a_clear_error() -> None:
    class Plain:
        name: str

    with pytest.raises(
        RecordTypeError, match="is not a dataclass record; derive GraphQL types from frozen dataclasses"
    ):
        derive(Shape(Plain))


def test_a_mutable_dataclass_is_refused() -> None:
    @dataclass
    class Mutable:
        name: str

    with pytest.raises(RecordTypeError, match="Mutable is not frozen"):
        derive(Shape(Mutable))


def test_a_record_field_left_out_without_a_reason_is_refused() -> None:
    @dataclass(frozen=True)
    class Partial:
        shown: str
        hidden: str

    with pytest.raises(RecordTypeError, match=r"list \['hidden'\] in fields= or give the reason in exclude="):
        derive(Shape(Partial, name="RecordsTestPartial", fields=("shown",)))


@dataclass(frozen=True)
class Inner:
    x: int


@dataclass(frozen=True)
class Outer:
    inner: Inner


def test_a_nested_record_must_be_derived_first() -> None:
    with pytest.raises(RecordTypeError, match="derive Inner's GraphQL type before the records holding it"):
        derive(Shape(Outer, name="RecordsTestOuter"))


def test_a_field_type_with_no_graphql_mapping_is_refused() -> None:
    @dataclass(frozen=True)
    class WithMap:
        values: dict[str, int]

    with pytest.raises(RecordTypeError, match=r"WithMap.values: no GraphQL type .* exclude the field"):
        derive(Shape(WithMap, name="RecordsTestWithMap"))


def test_two_records_may_share_a_graphql_type_only_when_their_fields_agree() -> None:
    @dataclass(frozen=True)
    class CountA:
        key: str
        count: int

    @dataclass(frozen=True)
    class CountB:
        key: str
        count: int

    @dataclass(frozen=True)
    class CountC:
        key: str
        count: float

    shared = derive(Shape(CountA, name="RecordsTestCount"))
    assert derive(Shape(CountB, name="RecordsTestCount")) is shared
    assert to_graphql(CountB("k", 2)).count == 2
    with pytest.raises(RecordTypeError, match="CountC and CountA both map to RecordsTestCount"):
        derive(Shape(CountC, name="RecordsTestCount"))


def test_a_literal_given_a_graphql_enum_is_converted_to_it() -> None:
    @strawberry.enum
    class Way(Enum):
        UP = "UP"
        DOWN = "DOWN"

    @dataclass(frozen=True)
    class Move:
        way: Literal["UP", "DOWN"]

    derive(Shape(Move, name="RecordsTestMove", types={"way": Way}))
    assert to_graphql(Move("DOWN")).way is Way.DOWN


# Object types of the API with no record behind them, or with GraphQL-only behaviour (why each stays hand-written).
HAND_WRITTEN = {
    "Query": "root fields: resolvers with arguments and permissions",
    "Mutation": "root fields: resolvers with arguments and permissions",
    "Subscription": "root fields: resolvers with arguments and permissions",
    "Tag": "built from a resource's tag pairs, no record",
    "Neighbor": "lazy reference to the GraphNode interface",
    "PageInfo": "Relay paging, built from page records' has_next and end_cursor",
    "ResourceEdge": "Relay edge over a generated node type",
    "ResourceConnection": "totalCount is a resolver counting on demand",
    "FindingEdge": "Relay edge: a cursor and a derived finding",
    "FindingConnection": "Relay connection over a page record",
    "FindingCounts": "counts per severity from a mapping, no record",
    "QueuedDiscovery": "the id of a queued job, no record",
    "AskEvent": "a piece of a streamed summary, or the answer",
}
SECRET_FIELDS = {"secret", "hash", "password_hash", "token_version"}


def _api_object_types() -> dict[str, GraphQLObjectType]:
    return {
        name: t
        for name, t in schema._schema.type_map.items()
        if isinstance(t, GraphQLObjectType) and not name.startswith("__")
    }


def test_every_api_object_type_is_derived_generated_or_hand_written_for_a_stated_reason() -> None:
    derived_names = {derived(record).name or record.__name__ for record in derived_types()}
    unexplained = set(_api_object_types()) - derived_names - set(NODE_TYPES) - set(HAND_WRITTEN)
    assert not unexplained, f"derive these from their records or say why they are hand-written: {sorted(unexplained)}"
    assert not set(HAND_WRITTEN) - set(_api_object_types()), "HAND_WRITTEN names a type the API no longer has"


def test_no_record_field_is_missing_from_its_graphql_type_unless_excluded() -> None:
    api = _api_object_types()
    checked = 0
    for record in derived_types():
        shape = derived(record)
        name = shape.name or record.__name__
        if name.startswith("RecordsTest") or name not in api:  # this module's own records
            continue
        assert not hasattr(record, "__strawberry_definition__"), f"{record.__name__} was decorated; derive a new class"
        gql_fields = set(api[name].fields)
        for f in dataclasses.fields(record):
            if f.name in shape.exclude or f.name.startswith("_"):
                continue
            gql = to_camel_case(shape.rename.get(f.name, f.name))
            assert gql in gql_fields, f"{record.__name__}.{f.name} is missing from {name}"
        checked += 1
    assert checked >= 40  # every record the API returns


def test_secrets_are_excluded_by_name_and_never_in_the_schema() -> None:
    api = _api_object_types()
    for record in derived_types():
        shape = derived(record)
        name = shape.name or record.__name__
        if name not in api:
            continue
        for f in dataclasses.fields(record):
            if f.name in SECRET_FIELDS:
                assert f.name in shape.exclude, f"{record.__name__}.{f.name} must be excluded from {name}"
        assert not {"secret", "hash", "passwordHash"} & set(api[name].fields), name
