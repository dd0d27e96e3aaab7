"""Every error AI-Discover raises on purpose, under one base class.

Each message says what went wrong *and* what to do about it, in one line, so the CLI can print it
without a traceback and the API can return it as is.

    AIDiscoverError
    ├── ConfigError              a setting is missing or malformed (environment variables)
    ├── ServiceError             a local service cannot be started, stopped or reached
    │   ├── ToolMissingError     java, mvn or redis-server is not installed
    │   ├── PortInUseError       another program holds a port we need
    │   ├── ServiceStartTimeout  a service did not become ready in time
    │   └── Neo4jAuthError       Neo4j rejected the configured credentials
    ├── GraphError               Neo4j answered, but a graph operation failed
    │   ├── SchemaError          rows or queries do not match the declared schema
    │   ├── QueryTimeoutError    a query ran past AIDISCOVER_QUERY_TIMEOUT_SECONDS and was stopped
    │   └── GeneratedQueryError  Neo4j refused a model-written query (its detail is for the model, not the caller)
    ├── DiscoveryError           a cloud provider could not be read at all
    │   └── EndpointUnreachable  a provider endpoint (or emulator) does not answer
    ├── QueryInputError          a caller passed bad arguments to a graph query
    ├── RequestBodyError         an HTTP request body is too large, not UTF-8, not JSON, or nested too deep
    ├── PriceDataError           a price snapshot is missing or malformed, or a price API answered badly
    │   ├── NotFoundError        the id, user or key asked for does not exist
    │   └── AlreadyExistsError   a user (or other named thing) of that name exists already
    ├── AuthError                API credentials missing, wrong, expired or revoked
    │   ├── PermissionDenied     signed in, but the role does not allow the call
    │   └── RateLimitedError     too many requests or login attempts; retry later
    ├── RegistrationError        a cloud account, schedule or notification target is refused (bad, duplicate, unknown)
    ├── SecretKeyError           AIDISCOVER_SECRET_KEY is missing or cannot decrypt what is stored
    ├── DeliveryError            a notification could not be delivered (retried with backoff)
    ├── JobError                 a discovery job cannot be started, followed or completed
    │   └── UnitFailedError      one unit of a job failed (it removed nothing)
    └── NLError                  a natural-language question could not be answered
        ├── UnsafeCypherError    Cypher refused by the safety gate (writes, CALL, LOAD CSV, tricks, unknown names)
        └── LLMError             the LLM endpoint failed, timed out, or its circuit is open

This module and ``core.settings`` are the two pieces of ``app`` that every layer may import.
"""

from __future__ import annotations


class AIDiscoverError(Exception):
    """Base of every expected failure. ``str(err)`` is a one-line message naming cause and fix."""


class ConfigError(AIDiscoverError):
    """A setting read from the environment is missing or malformed."""


class ServiceError(AIDiscoverError):
    """A local service (Neo4j, Redis, an emulator) cannot be started, stopped or reached."""


class ToolMissingError(ServiceError):
    """A program we need (java, mvn, redis-server) is not on PATH."""


class PortInUseError(ServiceError):
    """Another program listens on a port a service of ours needs."""


class ServiceStartTimeout(ServiceError):  # noqa: N818 - reads better than ...Error here
    """A service was started but did not become ready before the timeout."""


class Neo4jAuthError(ServiceError):
    """Neo4j answered but refused the configured user and password."""


class GraphError(AIDiscoverError):
    """Neo4j answered, but a read or write failed."""


class SchemaError(GraphError):
    """Data or a query does not fit the schema declared in ``graph.schema``."""


class DiscoveryError(AIDiscoverError):
    """A cloud provider could not be read at all (partial failures are job warnings instead)."""


class EndpointUnreachable(DiscoveryError):  # noqa: N818
    """A provider endpoint, real or emulated, does not answer."""


class QueryInputError(AIDiscoverError):
    """A caller passed arguments a query cannot accept (bad cursor, unknown kind, ...)."""


class RequestBodyError(AIDiscoverError):
    """An HTTP request body the API will not read; ``status`` is the HTTP status, ``code`` the error code."""

    def __init__(self, message: str, code: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


class QueryTimeoutError(GraphError):
    """A graph query ran longer than ``AIDISCOVER_QUERY_TIMEOUT_SECONDS`` and Neo4j stopped it."""


class GeneratedQueryError(GraphError):
    """Neo4j refused a query the model wrote. ``str(err)`` holds Neo4j's own message, which goes back to the
    model only; callers are shown :attr:`category` (syntax, semantics, type, database), never the message."""

    def __init__(self, message: str, category: str) -> None:
        super().__init__(message)
        self.category = category


class NotFoundError(QueryInputError):
    """The id, user or API key asked for does not exist."""


class AlreadyExistsError(QueryInputError):
    """Something with that name (a user, ...) exists already."""


class AuthError(AIDiscoverError):
    """API credentials are missing, malformed, wrong, expired or revoked."""


class PermissionDenied(AuthError):  # noqa: N818 - reads better than ...Error here
    """The caller is signed in, but its role does not allow the call."""


class RateLimitedError(AuthError):
    """Too many requests (or login attempts) in the current window. ``retry_after`` is in seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RegistrationError(AIDiscoverError):
    """A cloud account, schedule or notification target was refused: bad value, duplicate or unknown id."""


class SecretKeyError(AIDiscoverError):
    """``AIDISCOVER_SECRET_KEY`` is missing where a secret must be stored or read, or does not fit the data."""


class DeliveryError(AIDiscoverError):
    """A notification could not be delivered to its target (the task retries it with backoff)."""

    def __init__(self, message: str, http_status: int | None = None) -> None:
        super().__init__(message)
        self.http_status = http_status


class NLError(AIDiscoverError):
    """A natural-language question could not be answered."""


class UnsafeCypherError(NLError):
    """Cypher that did not come from our own code was refused by the safety gate (``app.nl.gate``)."""


class LLMError(NLError):
    """The LLM endpoint failed, timed out or answered nonsense, or its circuit breaker is open."""


class JobError(AIDiscoverError):
    """A discovery job cannot be started, followed or completed."""


class UnitFailedError(JobError):
    """One unit of a job failed; it removed nothing. ``warning``: refused by the cloud (not our fault)."""

    def __init__(self, message: str, warning: bool = False) -> None:
        super().__init__(message)
        self.warning = warning


class PriceDataError(AIDiscoverError):
    """A price snapshot cannot be read, or a public price API answered with something we cannot parse."""
