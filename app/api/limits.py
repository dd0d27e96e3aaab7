"""Limits on what one GraphQL document may ask for, checked before anything runs.

    depth    nested fields deeper than MAX_DEPTH                      QUERY_TOO_DEEP
    aliases  more than MAX_ALIASES aliased fields                     TOO_MANY_ALIASES
    tokens   more than MAX_TOKENS lexical tokens (parser stops)       TOO_MANY_TOKENS
    cost     estimated cost above AIDISCOVER_MAX_QUERY_COST           QUERY_TOO_COSTLY

The cost estimate counts every field that returns an object (scalars are free), multiplied by the
page sizes of the lists around it: a field's ``first`` or ``limit`` argument (the literal, the
variable's value, else the argument's default) multiplies everything below it. So
``resources(first: 100) { edges { node { neighbors(first: 50) { node { id } } } } }`` costs
1 + 100 x 3 + 100 x 50 = 5301. Introspection fields (``__schema``, ``__type``) are not counted.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterator, Mapping
from typing import Any, Generic, TypeVar

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_composite_type,
)
from graphql.language import Node
from graphql.validation import ASTValidationRule, validate
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule
from strawberry.types import ExecutionContext

from app.api.schema_access import IntrospectionNeedsCredentials, context_hides_schema

MAX_DEPTH = 12
MAX_ALIASES = 20
MAX_TOKENS = 2000
DEFAULT_MAX_COST = 1_000_000
PAGE_ARGUMENTS = ("first", "limit")
STRAWBERRY_RULES = (MaybeNullValidationRule, OneOfInputValidationRule)  # what strawberry's validate_document adds
V = TypeVar("V")


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def query_depth(
    selection_set: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    seen: frozenset[str] = frozenset(),
) -> int:
    """Levels of nested fields (a leaf counts 1; introspection fields 0)."""
    if selection_set is None:
        return 0
    deepest = 0
    for sel in selection_set.selections:
        if isinstance(sel, FieldNode):
            if sel.name.value.startswith("__"):
                continue
            deepest = max(deepest, 1 + query_depth(sel.selection_set, fragments, seen))
        elif isinstance(sel, InlineFragmentNode):
            deepest = max(deepest, query_depth(sel.selection_set, fragments, seen))
        elif isinstance(sel, FragmentSpreadNode):
            name = sel.name.value
            if name in fragments and name not in seen:
                deepest = max(deepest, query_depth(fragments[name].selection_set, fragments, seen | {name}))
    return deepest


def alias_count(document: DocumentNode) -> int:
    return sum(1 for node in _walk(document) if isinstance(node, FieldNode) and node.alias is not None)


def _walk(node: Node) -> Iterator[Node]:
    yield node
    for key in node.keys:
        value = getattr(node, key, None)
        if isinstance(value, Node):
            yield from _walk(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                if isinstance(item, Node):
                    yield from _walk(item)


class _Cost:
    """The cost estimate of one operation (see the module docstring)."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any]) -> None:
        self.schema = schema
        self.fragments = _fragments(document)
        self.variables = variables

    def of(self, selection_set: SelectionSetNode | None, parent: Any, factor: int, seen: frozenset[str]) -> int:
        if selection_set is None:
            return 0
        total = 0
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                total += self._field(sel, parent, factor, seen)
            elif isinstance(sel, InlineFragmentNode):
                cond = self.schema.get_type(sel.type_condition.name.value) if sel.type_condition else parent
                total += self.of(sel.selection_set, cond or parent, factor, seen)
            elif isinstance(sel, FragmentSpreadNode):
                frag = self.fragments.get(sel.name.value)
                if frag is not None and frag.name.value not in seen:
                    cond = self.schema.get_type(frag.type_condition.name.value) or parent
                    total += self.of(frag.selection_set, cond, factor, seen | {frag.name.value})
        return total

    def _field(self, node: FieldNode, parent: Any, factor: int, seen: frozenset[str]) -> int:
        name = node.name.value
        if name.startswith("__"):
            return 0
        field_def: GraphQLField | None = None
        if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)):
            field_def = parent.fields.get(name)
        if field_def is None:  # unknown fields are reported by the standard rules
            return 0
        if not is_composite_type(get_named_type(field_def.type)):
            return 0
        inner = factor * self._page_size(node, field_def)
        return factor + self.of(node.selection_set, get_named_type(field_def.type), inner, seen)

    def _page_size(self, node: FieldNode, field_def: GraphQLField) -> int:
        given = {arg.name.value: arg.value for arg in node.arguments or ()}
        for name in PAGE_ARGUMENTS:
            if name not in field_def.args:
                continue
            value: object = field_def.args[name].default_value
            if name in given:
                raw = given[name]
                if isinstance(raw, IntValueNode):
                    value = int(raw.value)
                elif isinstance(raw, VariableNode):
                    value = self.variables.get(raw.name.value, value)
            if isinstance(value, int) and not isinstance(value, bool) and value > 1:
                return value
        return 1


def query_cost(
    schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Mapping[str, Any]
) -> int:
    root = schema.get_root_type(operation.operation)
    return _Cost(schema, document, variables).of(operation.selection_set, root, 1, frozenset())


def limit_errors(
    schema: GraphQLSchema, document: DocumentNode, max_cost: int, variables: Mapping[str, Any]
) -> list[GraphQLError]:
    """Depth, alias and cost errors of every operation in the document (empty when within the limits)."""
    errors = []
    aliases = alias_count(document)
    if aliases > MAX_ALIASES:
        errors.append(
            GraphQLError(
                f"the query uses {aliases} aliases; at most {MAX_ALIASES} are allowed: split it into several requests",
                extensions={"code": "TOO_MANY_ALIASES"},
            )
        )
    fragments = _fragments(document)
    for op in document.definitions:
        if not isinstance(op, OperationDefinitionNode):
            continue
        label = f"operation {op.name.value!r}" if op.name else "the query"
        depth = query_depth(op.selection_set, fragments)
        if depth > MAX_DEPTH:
            errors.append(
                GraphQLError(
                    f"{label} nests fields {depth} levels deep; at most {MAX_DEPTH} are allowed: "
                    "ask for less nesting and follow up with further queries",
                    [op],
                    extensions={"code": "QUERY_TOO_DEEP"},
                )
            )
            continue
        try:
            cost = query_cost(schema, document, op, variables)
        except RecursionError:  # pragma: no cover - the token limit keeps documents small
            cost = max_cost + 1
        if cost > max_cost:
            errors.append(
                GraphQLError(
                    f"{label} may return about {cost} objects (estimated cost); the limit is {max_cost}: "
                    "lower first/limit on nested lists, or page through fewer results per request",
                    [op],
                    extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "maxCost": max_cost},
                )
            )
    return errors


class _LRU(Generic[V]):
    """A small bounded map from query text to what parsing or validating that text gave."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()

    def get(self, key: Hashable) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: Hashable, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)


# A document depends only on its text (the token limit is the same for every request), and the standard
# rules' verdict only on the document and the rules: valid documents are kept, with the rules they passed,
# for recently seen query texts, so a client repeating its queries (the viewer, automation) skips parsing
# and standard validation. The limits above depend on the request's variables and settings and run every time.
CACHE_SIZE = 256
_documents: _LRU[tuple[tuple[type[ASTValidationRule], ...], DocumentNode]] = _LRU(CACHE_SIZE)  # text -> (rules, doc)


def _rules(ctx: ExecutionContext) -> tuple[type[ASTValidationRule], ...]:
    """This request's validation rules: Strawberry's, and no introspection for a caller who may not see
    the schema (app.api.schema_access)."""
    if context_hides_schema(ctx.context):
        return (*ctx.validation_rules, IntrospectionNeedsCredentials)
    return tuple(ctx.validation_rules)


class QueryLimits(SchemaExtension):
    """The token limit at parse time; depth, alias and cost limits (with this request's variables and cost
    limit) with the standard validation rules (and, for callers who may not see the schema, no
    introspection and no suggestions in the messages)."""

    def on_parse(self) -> Iterator[None]:
        ctx = self.execution_context
        ctx.parse_options["max_tokens"] = MAX_TOKENS
        cached = _documents.get(ctx.query) if ctx.query and ctx.graphql_document is None else None
        if cached is not None and cached[0] == _rules(ctx):
            ctx.graphql_document = cached[1]  # Strawberry does not parse a document that is already set
        yield

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        document = ctx.graphql_document
        if document is not None:
            api = getattr(getattr(ctx.context, "settings", None), "api", None)
            max_cost = int(getattr(api, "max_query_cost", DEFAULT_MAX_COST))
            errors = limit_errors(ctx.schema._schema, document, max_cost, dict(ctx.variables or {}))
            rules = _rules(ctx)
            cached = _documents.get(ctx.query) if ctx.query else None
            if cached is None or cached[1] is not document or cached[0] != rules:  # not what passed before
                standard = validate(
                    ctx.schema._schema,
                    document,
                    (*rules, *STRAWBERRY_RULES),
                    hide_suggestions=context_hides_schema(ctx.context),
                )
                if not standard and ctx.query:
                    _documents.put(ctx.query, (rules, document))
                errors += standard
            ctx.pre_execution_errors = errors  # set: Strawberry skips its own validation
        yield
