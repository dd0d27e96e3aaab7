"""What each schema property type is in Python, in Neo4j, in GraphQL and in Bloom: written once, read by the writer,
the GraphQL types, the natural-language store's schema and the Bloom perspective."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from graph.schema.model import PropType

__all__ = ["PROP_TYPES", "TypeMapping"]


@dataclass(frozen=True)
class TypeMapping:
    """One property type: the Python values the writer accepts, the Neo4j type name (as Neo4j's schema
    procedures report it), the GraphQL field annotation (nullable: a property may be absent) and Bloom's name."""

    python: tuple[type, ...]
    neo4j: str
    graphql: object
    bloom: str


PROP_TYPES: dict[PropType, TypeMapping] = {
    "string": TypeMapping((str,), "STRING", str | None, "String"),
    "int": TypeMapping((int,), "INTEGER", int | None, "Integer"),
    "float": TypeMapping((float, int), "FLOAT", float | None, "Float"),
    "bool": TypeMapping((bool,), "BOOLEAN", bool | None, "Boolean"),
    "string[]": TypeMapping((tuple, list), "LIST", list[str] | None, "Array"),
    "datetime": TypeMapping((datetime,), "DATE_TIME", datetime | None, "DateTime"),
    "datetime[]": TypeMapping((tuple, list), "LIST", list[datetime] | None, "Array"),
}
