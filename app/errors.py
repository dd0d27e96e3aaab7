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
    │   └── SchemaError          rows or queries do not match the declared schema
    ├── DiscoveryError           a cloud provider could not be read at all
    │   └── EndpointUnreachable  a provider endpoint (or emulator) does not answer
    └── QueryInputError          a caller passed bad arguments to a graph query

This module and ``app.settings`` are the two pieces of ``app`` that every layer may import.
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
