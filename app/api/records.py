"""GraphQL object types derived from the frozen dataclass records that queries return, and their converter.

A record's GraphQL type is declared once, with :func:`derive`: field names, types, nullability and
descriptions come from the record (a field's ``metadata={"doc": ...}`` or ``Annotated[X, "doc"]``, the class
docstring's first paragraph), so adding a field to a record adds it to the API. A :class:`Shape` says only
what differs: the GraphQL name, which fields are ids, fields left out (with the reason), properties shown as
fields, and fields the API adds. :func:`to_graphql` turns a record (and the records nested in it) into the
derived object. The records' own classes are never decorated: queries stay free of the API.

Mapping: ``str``/``int``/``float``/``bool``/``datetime`` as they are, ``X | None`` nullable, ``tuple[X, ...]``
a list, ``Literal["a", "b"]`` a string, an ``Enum`` a GraphQL enum of the same name (built once), a nested
record its derived type (derive it first), fields named in ``ids`` ``ID``.
"""

from __future__ import annotations

import dataclasses
import inspect
import sys
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

import strawberry

__all__ = [
    "Extra",
    "RecordTypeError",
    "Shape",
    "derive",
    "derived",
    "derived_types",
    "empty_as_null",
    "graphql_type_of",
    "to_graphql",
]

_SCALARS: frozenset[type] = frozenset({str, int, float, bool, datetime})


class RecordTypeError(TypeError):
    """A record cannot be turned into a GraphQL type as declared (raised at import, never per request)."""


@dataclass(frozen=True)
class Extra:
    """A field the API adds to a record's type; its value is passed to :func:`to_graphql` by name."""

    type: object
    description: str | None = None


@dataclass(frozen=True)
class Shape:
    """How one record becomes a GraphQL object type: only what the record cannot say itself."""

    record: type
    name: str | None = None  # the GraphQL type name; default: the record's class name
    description: str | None = None  # default: the record docstring's first paragraph; "" for none
    fields: tuple[str, ...] | None = None  # the fields in GraphQL order (record fields and properties)
    exclude: Mapping[str, str] = field(default_factory=dict)  # record field -> why it is not shown
    rename: Mapping[str, str] = field(default_factory=dict)  # record attribute -> GraphQL field (snake_case)
    ids: frozenset[str] = frozenset({"id"})  # string fields typed ID
    types: Mapping[str, object] = field(default_factory=dict)  # GraphQL type of a field, replacing the derived one
    convert: Mapping[str, Callable[[object], object]] = field(default_factory=dict)  # GraphQL field -> its value
    extra: Mapping[str, Extra] = field(default_factory=dict)  # fields the record lacks (placed in fields=, else last)


_Convert = Callable[[object], object]


@dataclass(frozen=True)
class _Field:
    attribute: str  # read from the record
    name: str  # the GraphQL field (snake_case)
    convert: _Convert


@dataclass(frozen=True)
class _Derived:
    shape: Shape
    cls: type
    fields: tuple[_Field, ...]
    signature: tuple[tuple[str, str], ...]  # (field, type) pairs, to check records sharing one GraphQL type


_BY_RECORD: dict[type, _Derived] = {}
_BY_NAME: dict[str, _Derived] = {}
_ENUMS: dict[type[Enum], type[Enum]] = {}


def _same(value: object) -> object:
    return value


def _first_paragraph(doc: str | None) -> str | None:
    return " ".join(doc.strip().split("\n\n", 1)[0].split()) if doc else None


def _doc(cls: type) -> str | None:
    """The first paragraph of a class's own docstring (not the signature dataclass writes when there is none)."""
    doc = cls.__dict__.get("__doc__")
    if not doc or doc.startswith(f"{cls.__name__}("):
        return None
    return _first_paragraph(doc)


def _field_doc(f: dataclasses.Field[Any], hint: object) -> str | None:
    doc = f.metadata.get("doc")
    if isinstance(doc, str):
        return doc
    if get_origin(hint) is Annotated:
        return next((a for a in get_args(hint)[1:] if isinstance(a, str)), None)
    return None


def _graphql_enum(enum: type[Enum]) -> type[Enum]:
    """A GraphQL enum with the members of ``enum``, made once per enum (the record's enum is left undecorated)."""
    found = _ENUMS.get(enum)
    if found is None:
        copy = Enum(enum.__name__, [(m.name, m.value) for m in enum])  # type: ignore[misc]
        found = strawberry.enum(copy, description=_doc(enum))
        _ENUMS[enum] = found
    return found


def _map(hint: object, is_id: bool, where: str) -> tuple[object, _Convert]:
    """The GraphQL annotation of a record's field type, and how to convert its values."""
    origin, args = get_origin(hint), get_args(hint)
    if origin is Annotated:
        return _map(args[0], is_id, where)
    if origin in (Union, types.UnionType):
        members = [a for a in args if a is not type(None)]
        if len(members) != 1:
            raise RecordTypeError(f"{where}: a union of several types cannot be a GraphQL field; give it in types=")
        inner, convert = _map(members[0], is_id, where)

        def optional(value: object) -> object:
            return None if value is None else convert(value)

        return typing.cast(type, inner) | None, optional
    if origin in (tuple, list, Sequence):
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            raise RecordTypeError(f"{where}: only tuple[X, ...] becomes a list; give other tuples in types=")
        inner, convert = _map(args[0], is_id, where)

        def items(value: object) -> object:
            return [convert(v) for v in typing.cast(tuple[object, ...], value)]

        return list[inner], items  # type: ignore[valid-type]
    if origin is Literal:
        if not all(isinstance(a, str) for a in args):
            raise RecordTypeError(f"{where}: only literals of strings become GraphQL strings")
        return (strawberry.ID if is_id else str), _same
    if isinstance(hint, type):
        if hint in _SCALARS:
            return (strawberry.ID if is_id and hint is str else hint), _same
        if issubclass(hint, Enum):
            target = _graphql_enum(hint)
            return target, lambda value: target[typing.cast(Enum, value).name]
        if dataclasses.is_dataclass(hint):
            nested = _BY_RECORD.get(hint)
            if nested is None:
                raise RecordTypeError(f"{where}: derive {hint.__name__}'s GraphQL type before the records holding it")
            return nested.cls, lambda value: to_graphql(value)
    raise RecordTypeError(f"{where}: no GraphQL type for {hint!r}; give one in types= or exclude the field")


def _converter_to(target: object) -> _Convert:
    """For a field given a GraphQL type in ``types=``: enums are built from their value (a Literal's string)."""
    inner = get_args(target)[0] if get_origin(target) in (Union, types.UnionType) else target
    if isinstance(inner, type) and issubclass(inner, Enum):
        enum = inner
        return lambda value: value if value is None or isinstance(value, enum) else enum(value)
    return _same


def _property_hint(record: type, name: str, where: str) -> tuple[object, str | None]:
    prop = getattr(record, name, None)
    if not isinstance(prop, property) or prop.fget is None:
        raise RecordTypeError(f"{where}: {record.__name__} has no field or property {name!r}")
    hint = get_type_hints(prop.fget, include_extras=True).get("return")
    if hint is None:
        raise RecordTypeError(f"{where}: annotate the return type of {record.__name__}.{name}")
    return hint, _first_paragraph(prop.__doc__)


def _hints(record: type) -> dict[str, object]:
    """The record's field types. When a type refers to a recursive alias (``JSONValue``) that ``get_type_hints``
    cannot resolve, each annotation is evaluated alone in the record's module, without following the alias."""
    try:
        return get_type_hints(record, include_extras=True)
    except NameError:
        namespace = vars(sys.modules[record.__module__])
        found: dict[str, object] = {}
        for base in reversed(record.__mro__):
            for name, annotation in inspect.get_annotations(base).items():
                try:  # the record's own annotation text, from the project's source
                    found[name] = eval(annotation, namespace) if isinstance(annotation, str) else annotation  # noqa: S307
                except NameError as exc:
                    raise RecordTypeError(
                        f"{record.__name__}.{name}: cannot resolve {annotation!r} ({exc}); "
                        "declare records at module level"
                    ) from exc
        return found


def derive(shape: Shape) -> type:
    """The GraphQL object type of ``shape.record``, made once; a record sharing a name with an earlier one (two
    records of the same facts) gets the same type when their fields agree."""
    record = shape.record
    if not (isinstance(record, type) and dataclasses.is_dataclass(record)):
        raise RecordTypeError(f"{record!r} is not a dataclass record; derive GraphQL types from frozen dataclasses")
    if not record.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        raise RecordTypeError(f"{record.__name__} is not frozen; records between stages are frozen dataclasses")
    if record in _BY_RECORD:
        if _BY_RECORD[record].shape != shape:
            raise RecordTypeError(f"{record.__name__} already has a GraphQL type of another shape; declare it once")
        return _BY_RECORD[record].cls
    name = shape.name or record.__name__
    hints = _hints(record)
    by_name = {f.name: f for f in dataclasses.fields(record)}
    unknown = set(shape.exclude) - set(by_name)
    if unknown:
        raise RecordTypeError(f"{name}: cannot exclude {sorted(unknown)}: {record.__name__} has no such fields")
    order = shape.fields or tuple(n for n in by_name if n not in shape.exclude and not n.startswith("_"))
    order += tuple(n for n in shape.extra if n not in order)
    left_out = set(by_name) - set(order) - set(shape.exclude) - {n for n in by_name if n.startswith("_")}
    if left_out:
        raise RecordTypeError(f"{name}: list {sorted(left_out)} in fields= or give the reason in exclude=")
    annotations: dict[str, object] = {}
    namespace: dict[str, object] = {}
    fields: list[_Field] = []
    signature: list[tuple[str, str]] = []
    for attribute in order:
        if attribute in shape.extra:
            extra = shape.extra[attribute]
            annotations[attribute] = extra.type
            namespace[attribute] = strawberry.field(description=extra.description)
            signature.append((attribute, repr(extra.type)))
            continue
        gql = shape.rename.get(attribute, attribute)
        where = f"{record.__name__}.{attribute}"
        if attribute in by_name:
            hint: object = hints[attribute]
            doc = _field_doc(by_name[attribute], hint)
        else:
            hint, doc = _property_hint(record, attribute, where)
        if gql in shape.types:
            annotation, convert = shape.types[gql], _converter_to(shape.types[gql])
        else:
            annotation, convert = _map(hint, gql in shape.ids, where)
        convert = shape.convert.get(gql, convert)
        annotations[gql] = annotation
        namespace[gql] = strawberry.field(description=doc)
        fields.append(_Field(attribute, gql, convert))
        signature.append((gql, repr(annotation)))
    shared = _BY_NAME.get(name)
    if shared is not None:
        if shared.signature != tuple(signature):
            raise RecordTypeError(
                f"{record.__name__} and {shared.shape.record.__name__} both map to {name} "
                "but their fields differ; give one of them another name"
            )
        _BY_RECORD[record] = _Derived(shape, shared.cls, tuple(fields), shared.signature)
        return shared.cls
    namespace["__annotations__"] = annotations
    namespace["__module__"] = __name__
    namespace["__doc__"] = None
    description = _doc(record) if shape.description is None else shape.description
    cls = strawberry.type(type(name, (), namespace), name=name, description=description or None)
    derived_type = _Derived(shape, cls, tuple(fields), tuple(signature))
    _BY_RECORD[record] = derived_type
    _BY_NAME[name] = derived_type
    return cls


def empty_as_null(value: object) -> object:
    """For ``convert=``: a record's empty string (its "not set") shown as null."""
    return value or None


def _derived(record: type) -> _Derived:
    found = _BY_RECORD.get(record)
    if found is None:
        raise RecordTypeError(f"no GraphQL type derived from {record.__name__}; declare it with derive(Shape(...))")
    return found


def graphql_type_of(record: type) -> type:
    """The derived GraphQL type of a record class (derive it first)."""
    return _derived(record).cls


def derived(record: type) -> Shape:
    """The shape a record's GraphQL type was derived with."""
    return _derived(record).shape


def derived_types() -> Mapping[type, type]:
    """Every record with a derived GraphQL type, and that type."""
    return {record: d.cls for record, d in _BY_RECORD.items()}


def to_graphql(record: object, **values: object) -> Any:
    """The derived GraphQL object of ``record``, nested records converted too. ``values`` replace or add fields
    by GraphQL name: a record field's replacement is converted like the field (a page of a list), an extra field's
    value is used as given."""
    found = _derived(type(record))
    kwargs = {
        f.name: f.convert(values.pop(f.name) if f.name in values else getattr(record, f.attribute))
        for f in found.fields
    }
    missing = set(found.shape.extra) - set(values)
    if missing:
        raise RecordTypeError(f"{found.cls.__name__} needs {sorted(missing)} passed to to_graphql")
    return found.cls(**kwargs, **values)
