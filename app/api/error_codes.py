"""Every GraphQL error leaves with ``extensions.code``; unexpected ones are masked unless debugging.

Errors we raise on purpose (``AIDiscoverError``) keep their one-line message and get a code from
their class (a subclass may set ``graphql_code`` to choose its own). GraphQL's own errors (syntax,
validation, variables, permissions) keep their message too. Anything else is a bug: outside
``AIDISCOVER_DEBUG`` it reads "Unexpected error." with code INTERNAL (the traceback is logged).
"""

from __future__ import annotations

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import MaskErrors

from core.errors import (
    AIDiscoverError,
    AlreadyExistsError,
    AuthError,
    ConfigError,
    DiscoveryError,
    GraphError,
    NotFoundError,
    PermissionDenied,
    QueryInputError,
    QueryTimeoutError,
    RateLimitedError,
    RegistrationError,
    RequestBodyError,
    SchemaError,
    SecretKeyError,
    ServiceError,
)

# Most specific first: the first class an error is an instance of gives its code.
CODES: tuple[tuple[type[AIDiscoverError], str], ...] = (
    (PermissionDenied, "FORBIDDEN"),
    (RateLimitedError, "RATE_LIMITED"),
    (AuthError, "UNAUTHENTICATED"),
    (NotFoundError, "NOT_FOUND"),
    (AlreadyExistsError, "ALREADY_EXISTS"),
    (QueryInputError, "BAD_INPUT"),
    (QueryTimeoutError, "QUERY_TIMEOUT"),
    (SchemaError, "BAD_INPUT"),
    (RegistrationError, "BAD_INPUT"),
    (RequestBodyError, "BAD_REQUEST"),  # the HTTP layer answers with the error's own code (app.api.request_body)
    (SecretKeyError, "CONFIG_ERROR"),
    (ServiceError, "UNAVAILABLE"),
    (GraphError, "GRAPH_ERROR"),
    (ConfigError, "CONFIG_ERROR"),
    (DiscoveryError, "DISCOVERY_ERROR"),
    (AIDiscoverError, "ERROR"),
)
MASKED_MESSAGE = "Unexpected error."


def code_of(exc: AIDiscoverError) -> str:
    own = getattr(type(exc), "graphql_code", None)
    if isinstance(own, str):
        return own
    return next(code for cls, code in CODES if isinstance(exc, cls))


def _graphql_code(error: GraphQLError) -> str:
    if isinstance(error, GraphQLSyntaxError):
        return "TOO_MANY_TOKENS" if "tokens" in error.message and "more than" in error.message else "BAD_QUERY"
    if error.path is None:
        return "BAD_INPUT" if error.message.startswith("Variable '$") else "BAD_QUERY"
    return "INTERNAL"


def is_unexpected(error: GraphQLError) -> bool:
    """True for errors from a bug (an exception that is neither ours nor GraphQL's)."""
    original = error.original_error
    return original is not None and not isinstance(original, (AIDiscoverError, GraphQLError))


class ErrorCodes(MaskErrors):
    """MaskErrors that also gives every error a code (and masks nothing when ``debug`` is on)."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message=MASKED_MESSAGE)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL"}
        return masked

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        settings = getattr(getattr(self, "execution_context", None), "context", None)
        api = getattr(getattr(settings, "settings", None), "api", None)
        debug = bool(getattr(api, "debug", False))
        out: list[GraphQLError] = []
        for error in errors:
            if is_unexpected(error) and not debug:
                out.append(self.anonymise_error(error))
                continue
            extensions = dict(error.extensions or {})
            if "code" not in extensions:
                original = error.original_error
                if isinstance(original, AIDiscoverError):
                    extensions["code"] = code_of(original)
                    if isinstance(original, RateLimitedError):
                        extensions["retryAfter"] = original.retry_after
                elif is_unexpected(error):
                    extensions["code"] = "INTERNAL"
                else:
                    extensions["code"] = _graphql_code(error)
            error.extensions = extensions
            out.append(error)
        return out
