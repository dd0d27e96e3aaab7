"""One Neo4j driver per process, with the database always named and driver errors translated.

:class:`Graph` is the only way the rest of the code talks to Neo4j. ``read`` runs in a READ
transaction (the server refuses writes there), ``write`` in a WRITE one, both with the driver's
retries for transient failures. Connection and auth failures become one-line errors from
``core.errors`` that say what to run or set.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from types import TracebackType
from typing import Any, LiteralString, TypeVar

import neo4j
from neo4j import GraphDatabase, ManagedTransaction, RoutingControl
from neo4j.exceptions import AuthError, ClientError, Neo4jError, ServiceUnavailable

from core.errors import GraphError, Neo4jAuthError, QueryTimeoutError, ServiceError
from core.settings import Neo4jSettings, RedisSettings

log = logging.getLogger(__name__)
T = TypeVar("T")

Params = Mapping[str, object]
RETRY_FIRST_DELAY = 0.05  # seconds before a transient failure's first retry; doubled (with jitter) each time


class Graph:
    """A driver bound to one database. Use as a context manager or call ``close()``."""

    def __init__(self, settings: Neo4jSettings, redis: RedisSettings | None = None) -> None:
        """``redis``: the deployment's Redis, where the secret store beside the graph is found (``store_of``)."""
        self.redis = redis
        self.uri = settings.uri
        self.database = settings.database
        self._user = settings.user
        self.read_timeout = settings.query_timeout_seconds  # seconds; Neo4j stops longer reads
        self._driver = GraphDatabase.driver(
            settings.uri,
            auth=(settings.user, settings.password),
            connection_timeout=10.0,
            max_transaction_retry_time=30.0,
            # A deadlock between two writers is resolved by retrying one of them; the driver's default first wait
            # (1 s) would idle a sync's every concurrent unit for longer than their writes take.
            initial_retry_delay=RETRY_FIRST_DELAY,
            notifications_min_severity="OFF",
        )

    def __enter__(self) -> Graph:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._driver.close()

    def verify(self) -> None:
        """Check that Neo4j answers and accepts our credentials."""
        with self._translated():
            self._driver.verify_connectivity()

    def read(self, query: LiteralString, params: Params | None = None) -> list[neo4j.Record]:
        """Run a read-only query in a READ transaction (stopped after ``read_timeout`` s); return all records."""
        with self._translated():
            result = self._driver.execute_query(
                neo4j.Query(query, timeout=self.read_timeout),
                dict(params or {}),
                database_=self.database,
                routing_=RoutingControl.READ,
            )
            return list(result.records)

    def stream(self, query: LiteralString, params: Params | None = None) -> Iterator[neo4j.Record]:
        """Yield records one by one from a READ transaction, so memory stays flat on large results.
        The transaction stays open until the iterator is exhausted or closed."""
        with (
            self._translated(),
            self._driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as session,
            session.begin_transaction() as tx,
        ):
            yield from tx.run(query, dict(params or {}))

    def read_session(self) -> neo4j.Session:
        """A session in READ access mode (the server refuses writes in its transactions), for callers that run
        EXPLAIN and stream capped rows themselves (the NL safety gate). Use it as a context manager."""
        return self._driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS)

    def write(self, query: LiteralString, params: Params | None = None) -> neo4j.ResultSummary:
        """Run one write query in a WRITE transaction (retried on transient errors)."""
        with self._translated():
            result = self._driver.execute_query(
                query, dict(params or {}), database_=self.database, routing_=RoutingControl.WRITE
            )
            return result.summary

    def run_implicit(self, query: LiteralString, params: Params | None = None) -> neo4j.ResultSummary:
        """Run in an auto-commit transaction: needed by ``CALL { ... } IN TRANSACTIONS`` batches."""
        with self._translated(), self._driver.session(database=self.database) as session:
            return session.run(query, dict(params or {})).consume()

    def wipe(self) -> None:
        """Delete everything: relationships first, then nodes, 10,000 per transaction. Bounded at any size:
        a ``DETACH DELETE`` batch holding nodes with thousands of relationships can exceed the memory pool."""
        self.run_implicit("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS")
        self.run_implicit("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS")

    def write_tx(self, work: Callable[[ManagedTransaction], T]) -> T:
        """Run a unit of work in one managed write transaction."""
        with self._translated(), self._driver.session(database=self.database) as session:
            return session.execute_write(work)

    def _translated(self) -> _Translate:
        return _Translate(self.uri, self._user)


class _Translate:
    """Context manager turning driver exceptions into the project's one-line errors."""

    def __init__(self, uri: str, user: str) -> None:
        self.uri, self.user = uri, user

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        if exc is None:
            return
        if isinstance(exc, AuthError):
            raise Neo4jAuthError(
                f"Neo4j at {self.uri} rejected the credentials of user {self.user!r}: "
                "set NEO4J_USER / NEO4J_PASSWORD to the database's ones"
            ) from exc
        if isinstance(exc, ServiceUnavailable):
            raise ServiceError(
                f"Neo4j does not answer at {self.uri}: run `aidiscover services up` or fix NEO4J_URI"
            ) from exc
        if isinstance(exc, Neo4jError) and "TransactionTimedOut" in (exc.code or ""):
            raise QueryTimeoutError(
                "the query ran past AIDISCOVER_QUERY_TIMEOUT_SECONDS and was stopped: "
                "narrow it (filters, smaller first/maxDepth) or raise the timeout"
            ) from exc
        if isinstance(exc, ClientError) and exc.code == "Neo.ClientError.Database.DatabaseNotFound":
            raise GraphError(f"{exc.message}; set NEO4J_DATABASE to an existing database") from exc
        if isinstance(exc, Neo4jError):
            raise GraphError(f"Neo4j refused a query ({exc.code}): {exc.message}") from exc
