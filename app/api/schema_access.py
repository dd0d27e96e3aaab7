"""What a caller without credentials may learn about the schema.

With ``AIDISCOVER_AUTH=required`` and ``AIDISCOVER_PUBLIC_SCHEMA`` off, a request without credentials gets

    no GraphiQL page            GET /graphql from a browser answers 401 (app.server)
    no introspection            ``__schema`` and ``__type`` are refused at validation, code UNAUTHENTICATED
    no suggestions              validation runs with graphql-core's ``hide_suggestions``, and any
                                "Did you mean ...?" still in a message (variable coercion) is cut

Signed-in callers (and everybody with ``AIDISCOVER_AUTH=off``) keep all three: the viewer reads the
root fields by introspection once signed in, and GraphiQL needs the schema to help.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import FieldNode, GraphQLError, ValidationRule
from strawberry.extensions import SchemaExtension

from app.api.permissions import Principal
from core.settings import AuthSettings, Settings

__all__ = ["HIDDEN_MESSAGE", "IntrospectionNeedsCredentials", "SuggestionFilter", "hides_schema", "strip_suggestions"]

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})
HIDDEN_MESSAGE = (
    "the schema is shown to signed-in callers only: send an API key in the X-API-Key header or a bearer "
    "token from the `login` mutation (or set AIDISCOVER_PUBLIC_SCHEMA=true to publish it)"
)
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def hides_schema(principal: Principal | None, settings: AuthSettings | None) -> bool:
    """Whether this caller gets no GraphiQL, introspection or suggestions."""
    if settings is None or settings.mode != "required" or settings.public_schema:
        return False
    return principal is None


def context_hides_schema(context: Any) -> bool:
    """``hides_schema`` for a GraphQL context (anything with ``principal`` and ``settings``)."""
    settings = getattr(context, "settings", None)
    return hides_schema(getattr(context, "principal", None), settings.auth if isinstance(settings, Settings) else None)


def strip_suggestions(message: str) -> str:
    return _SUGGESTION.sub("", message)


class IntrospectionNeedsCredentials(ValidationRule):
    """Refuses ``__schema`` and ``__type`` (``__typename`` stays: it reveals nothing)."""

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        name = node.name.value
        if name in INTROSPECTION_FIELDS:
            self.report_error(GraphQLError(f"{name}: {HIDDEN_MESSAGE}", node, extensions={"code": "UNAUTHENTICATED"}))


class SuggestionFilter(SchemaExtension):
    """Cuts "Did you mean ...?" from the errors a caller without credentials receives."""

    def on_operation(self) -> Iterator[None]:
        yield
        ctx = self.execution_context
        result = ctx.result
        if result is None or not result.errors or not context_hides_schema(ctx.context):
            return
        for error in result.errors:
            error.message = strip_suggestions(error.message)
