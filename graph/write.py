"""Batched writes generated from the schema, and cleanup scoped to what a sync covered.

Nodes: ``UNWIND $rows MERGE (n:<Label> {id}) SET n = props`` in batches of ``batch_size`` per
transaction; properties a resource lost since the last sync are removed, ``first_seen`` survives.
Edges: both ends are MATCHed (an edge to a node nobody wrote is counted as skipped, never invented).
Cleanup: after a unit succeeded, nodes of its labels in its account and region, and edges leaving
them, that an *older* generation wrote are deleted. Nothing outside the scope is touched, and a
newer concurrent sync's data survives an older one's cleanup.
History (``history=True``, as discovery jobs write): each batch also records which resources were
created or changed, and cleanup which were deleted, as ``Change`` nodes (see ``graph.history``).
Deadlocks and other transient errors are retried with backoff by the driver's managed transactions.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

from neo4j import ManagedTransaction

from core.errors import SchemaError
from graph.history import IGNORED, change_rows, deleted_change_clause, node_merge_history_cypher, write_changes
from graph.neo4j.client import Graph
from graph.rows import (
    ALL_REGIONS,
    HASH_PROPERTIES,
    HASH_PROPERTY,
    EdgeRow,
    NodeRow,
    PropValue,
    Scope,
    Transformed,
)
from graph.schema import RESOURCE_LABEL, STAMP_PROPERTIES, NodeKind, Property, Schema
from graph.schema.types import PROP_TYPES

log = logging.getLogger(__name__)

_PY_TYPES: dict[str, tuple[type, ...]] = {name: mapping.python for name, mapping in PROP_TYPES.items()}

# A value of exactly this type fits a property of that type as it is (subclasses, bools given for numbers,
# lists and datetimes take the full check).
_EXACT: dict[str, type] = {"string": str, "int": int, "float": float, "bool": bool}
_UNWRITABLE = STAMP_PROPERTIES | HASH_PROPERTIES | {"id"}


@dataclass(frozen=True)
class SyncStamp:
    """The generation and time a sync writes with. Generations increase with time."""

    generation: int
    at: datetime

    @classmethod
    def now(cls) -> SyncStamp:
        return cls(generation=time.time_ns() // 1000, at=datetime.now(UTC))


@dataclass(frozen=True)
class EdgeCounts:
    written: int
    skipped: int


@dataclass(frozen=True)
class CleanupCounts:
    nodes: int
    edges: int


@dataclass(frozen=True)
class UnitCounts:
    """What one ingest unit wrote and removed."""

    nodes: int
    edges: int
    skipped_edges: int
    removed_nodes: int
    removed_edges: int
    anomalies: int = 0
    unresolved_references: int = 0  # ARN references to nodes the graph does not hold (public AMIs, ...)


def load_unit(writer: GraphWriter, rows: Transformed, scope: Scope, stamp: SyncStamp) -> UnitCounts:
    """Load a unit's rows (nodes, then edges), then remove what its scope held before and it did not see.
    Call only after the unit's fetch succeeded: a failed unit must remove nothing."""
    nodes = writer.nodes(rows.nodes, stamp)
    edges = writer.edges(rows.edges, stamp)
    removed = writer.cleanup(scope, stamp)
    return UnitCounts(nodes, edges.written, edges.skipped, removed.nodes, removed.edges)


def writable(props: Iterable[Property]) -> tuple[str, ...]:
    """The declared properties a sync sets (the stamps and the key are set apart)."""
    return tuple(p.name for p in props if p.name not in STAMP_PROPERTIES and p.name != "id")


def _assign(var: str, names: Iterable[str]) -> str:
    # One SET item per declared property: a property the row lacks is set to null, i.e. removed. Naming
    # each one (not ``SET n = row.props``) lets the planner see the key is never written, so the plan has
    # no Eager step and rows stream through MERGE and SET.
    return "".join(f", {var}.{name} = row.props.{name}" for name in names)


def node_merge_cypher(kind: NodeKind, names: Sequence[str]) -> str:
    """MERGE a batch of ``kind`` nodes by id; ``names`` are its writable properties (``writable``)."""
    extra = f", n:{RESOURCE_LABEL}" if kind.resource else ""
    return (
        "UNWIND $rows AS row "
        f"MERGE (n:{kind.label} {{id: row.id}}) ON CREATE SET n.first_seen = $at "
        f"SET n.last_seen = $at, n.last_sync = $gen, n.{HASH_PROPERTY} = row.hash{_assign('n', names)}{extra} "
        "RETURN count(n) AS written"
    )


def edge_merge_cypher(type_: str, source: str, target: str, names: Sequence[str] = (), sources: bool = False) -> str:
    """MERGE a batch of relationships between existing nodes; ``names`` are the type's writable properties;
    ``sources``: also return the source id of each edge written."""
    back = ", collect(row.source) AS sources" if sources else ""
    return (
        "UNWIND $rows AS row "
        f"MATCH (a:{source} {{id: row.source}}) MATCH (b:{target} {{id: row.target}}) "
        f"MERGE (a)-[r:{type_}]->(b) ON CREATE SET r.first_seen = $at "
        f"SET r.last_seen = $at, r.last_sync = $gen, r.{HASH_PROPERTY} = row.hash{_assign('r', names)} "
        f"RETURN count(r) AS written{back}"
    )


def _scope_match(all_regions: bool) -> str:
    return "{account: $account}" if all_regions else "{account: $account, region: $region}"


def node_cleanup_cypher(label: str, all_regions: bool = False, history: bool = False) -> str:
    record = deleted_change_clause(label) if history else ""
    return (
        f"MATCH (n:{label} {_scope_match(all_regions)}) WHERE n.last_sync < $gen "
        f"WITH n LIMIT $limit {record}DETACH DELETE n RETURN count(*) AS deleted"
    )


def edge_cleanup_cypher(source: str, all_regions: bool = False) -> str:
    """Stale relationships of the given types leaving ``source`` nodes in the scope: one query per label."""
    return (
        f"MATCH (:{source} {_scope_match(all_regions)})-[r]->(b) WHERE type(r) IN $types AND r.last_sync < $gen "
        "AND NOT any(l IN labels(b) WHERE [type(r), l] IN $derived) "
        "WITH r LIMIT $limit DELETE r RETURN count(*) AS deleted"
    )


MAX_ANOMALY_MESSAGES = 20


class GraphWriter:
    """Writes schema-checked rows in batches.

    ``strict`` (the default) raises SchemaError on the first row that does not fit the schema: right
    for tests and for code that builds rows itself. Ingest runs with ``strict=False``: a property
    that does not fit is dropped and the resource kept with what is known, a row that cannot be
    scoped (no account or region) is skipped, and each case is counted in ``anomalies`` (with the
    first messages in ``anomaly_messages``) for the job to report. ``fork()`` gives a writer with
    its own counters, one per unit. ``history`` records Change nodes (tagged with ``job_id``);
    ``changes`` counts the ones this writer recorded.
    """

    def __init__(
        self,
        graph: Graph,
        schema: Schema,
        batch_size: int = 1000,
        strict: bool = True,
        history: bool = False,
        job_id: str = "",
        parallelism: int = 1,
    ) -> None:
        if batch_size < 1:
            raise SchemaError("batch_size must be at least 1; set AIDISCOVER_WRITE_BATCH_SIZE")
        if parallelism < 1:
            raise SchemaError("parallelism must be at least 1; set AIDISCOVER_WRITE_PARALLELISM")
        self.graph = graph
        self.schema = schema
        self.batch_size = batch_size
        self.strict = strict
        self.history = history
        self.job_id = job_id
        self.parallelism = parallelism
        self.anomalies = 0
        self.anomaly_messages: list[str] = []
        self.changes = 0
        # name -> declared property, per label or relationship key: built once, looked up per row
        self._declared: dict[str | tuple[str, str, str], dict[str, Property]] = {}

    def fork(self) -> GraphWriter:
        return GraphWriter(
            self.graph, self.schema, self.batch_size, self.strict, self.history, self.job_id, self.parallelism
        )

    def _problem(self, message: str) -> None:
        """A row that does not fit: raise when strict, else count it and go on."""
        if self.strict:
            raise SchemaError(message)
        self.anomalies += 1
        if len(self.anomaly_messages) < MAX_ANOMALY_MESSAGES:
            self.anomaly_messages.append(message)
        log.warning("anomaly: %s", message)

    def nodes(self, rows: Iterable[NodeRow], stamp: SyncStamp) -> int:
        """MERGE nodes, streaming: at most one batch per label, plus the batches in flight, is held in memory."""
        pending: dict[str, list[dict[str, object]]] = defaultdict(list)
        with _Batches(self.parallelism) as batches:
            for row in rows:
                kind = self.schema.node(row.label)
                props = self._node_props(kind, row)
                if props is None:
                    continue
                batch = pending[row.label]
                batch.append({"id": row.id, "props": props, "hash": row.hash})
                if len(batch) >= self.batch_size:
                    batches.submit(self._write_nodes, kind, list(batch), stamp)
                    batch.clear()
            for label, batch in pending.items():
                if batch:
                    batches.submit(self._write_nodes, self.schema.node(label), batch, stamp)
        self.changes += batches.changes
        return batches.written

    def _write_nodes(self, kind: NodeKind, batch: Sequence[dict[str, object]], stamp: SyncStamp) -> tuple[int, int]:
        """Write one batch; returns (nodes written, changes recorded)."""
        if not self.history:
            cypher = node_merge_cypher(kind, writable(self.schema.properties_of(kind.label)))
            return self._run(cypher, batch, stamp), 0
        cypher = node_merge_history_cypher(kind)

        def work(tx: ManagedTransaction) -> tuple[int, int]:
            record = tx.run(cypher, rows=_Rows(batch), at=stamp.at, gen=stamp.generation, ignore=IGNORED).single(
                strict=True
            )
            changes = change_rows(kind.label, stamp.generation, record["changes"])
            write_changes(tx, changes, stamp.at, stamp.generation, self.job_id)
            return int(record["written"]), len(changes)

        return self.graph.write_tx(work)

    def edges(self, rows: Iterable[EdgeRow], stamp: SyncStamp, written_sources: list[str] | None = None) -> EdgeCounts:
        """MERGE relationships whose both ends exist; count the ones whose ends are missing.
        ``written_sources`` (when given) receives the source id of every edge written."""
        pending: dict[tuple[str, str, str], list[dict[str, object]]] = defaultdict(list)
        given = 0
        with _Batches(self.parallelism) as batches:
            for row in rows:
                key = (row.type, row.source_label, row.target_label)
                batch = pending[key]
                props = self._checked_props(row.type, self._declared_of(key), row.props or {})
                batch.append({"source": row.source_id, "target": row.target_id, "props": props, "hash": row.hash})
                given += 1
                if len(batch) >= self.batch_size:
                    batches.submit(self._write_edges, key, list(batch), stamp, written_sources)
                    batch.clear()
            for key, batch in pending.items():
                if batch:
                    batches.submit(self._write_edges, key, batch, stamp, written_sources)
        written = batches.written
        if given != written:
            log.info("%s of %s edges skipped: an end node was not written", given - written, given)
        return EdgeCounts(written=written, skipped=given - written)

    def _write_edges(
        self,
        key: tuple[str, str, str],
        batch: Sequence[dict[str, object]],
        stamp: SyncStamp,
        written_sources: list[str] | None = None,
    ) -> tuple[int, int]:
        names = writable(self.schema.relationship(*key).properties)
        if written_sources is None:
            return self._run(edge_merge_cypher(*key, names), batch, stamp), 0
        cypher = edge_merge_cypher(*key, names, sources=True)
        record = self.graph.write_tx(
            lambda tx: tx.run(cypher, rows=_Rows(batch), at=stamp.at, gen=stamp.generation).single(strict=True)
        )
        written_sources.extend(record["sources"])  # list.extend is atomic: safe from the writer's threads
        return int(record["written"]), 0

    def cleanup(self, scope: Scope, stamp: SyncStamp, limit: int = 10_000) -> CleanupCounts:
        """Delete what the scope's labels held before this generation and this sync did not see."""
        params: dict[str, object] = {
            "account": scope.account,
            "region": scope.region,
            "gen": stamp.generation,
            "limit": limit,
            "at": stamp.at,
            "job": self.job_id,
        }
        all_regions = scope.region == ALL_REGIONS
        edges = 0
        for label in scope.labels:
            rels = [r for r in self.schema.relationships if r.source == label and not r.written_with_target]
            types = sorted({r.type for r in rels if not r.derived})
            if types:  # a derived link may share its type with a unit's edge: told apart by target label
                derived = [[r.type, r.target] for r in rels if r.derived]
                cypher = edge_cleanup_cypher(label, all_regions)
                edges += _repeat(self.graph, cypher, {**params, "types": types, "derived": derived}, limit)
        nodes = 0
        for label in scope.labels:
            self.schema.node(label)
            nodes += _repeat(self.graph, node_cleanup_cypher(label, all_regions, self.history), params, limit)
        if self.history:
            self.changes += nodes  # each removed node got a 'deleted' Change
        if nodes or edges:
            log.info("cleanup %s: %s stale nodes, %s stale edges removed", scope.describe(), nodes, edges)
        return CleanupCounts(nodes=nodes, edges=edges)

    def _node_props(self, kind: NodeKind, row: NodeRow) -> dict[str, object] | None:
        """The row's properties as parameters, or None when the row must be skipped."""
        if not row.id or not isinstance(row.id, str):
            self._problem(f"a {kind.label} row has no id (its key); the transform must set it")
            return None
        props = self._checked_props(kind.label, self._declared_of(kind.label), row.props)
        if kind.resource:
            props["kind"] = kind.label
            if kind.provider != "any":
                props["provider"] = kind.provider
            if not props.get("name"):
                self._problem(f"{kind.label} {row.id!r} has no 'name'; the transform must set it")
                props["name"] = row.id  # kept with what is known
        for name in ("account", "region"):  # cleanup finds stale rows by these: no scope, no write
            if not props.get(name):
                self._problem(f"{kind.label} {row.id!r} has no {name!r}; the transform must set it")
                return None
        return props

    def _declared_of(self, owner: str | tuple[str, str, str]) -> dict[str, Property]:
        """The declared properties of a label or of a (type, source, target) relationship, by name."""
        by_name = self._declared.get(owner)
        if by_name is None:
            if isinstance(owner, str):
                props = self.schema.properties_of(owner)
            else:
                props = self.schema.relationship(*owner).properties
            by_name = self._declared[owner] = {p.name: p for p in props}
        return by_name

    def _checked_props(
        self, owner: str, by_name: Mapping[str, Property], props: Mapping[str, PropValue]
    ) -> dict[str, object]:
        """Props as Neo4j parameters; each must be declared and of its declared type (else a problem)."""
        out: dict[str, object] = {}
        for name, value in props.items():
            prop = by_name.get(name)
            if prop is not None and type(value) is _EXACT.get(prop.type) and name not in _UNWRITABLE:
                out[name] = value  # the common case, checked in one step
                continue
            if prop is None or name in _UNWRITABLE:
                self._problem(
                    f"{owner} has no writable property {name!r}; declare it in graph/schema or drop it from the "
                    "transform"
                )
                continue
            if value is None:
                continue
            wrong = not isinstance(value, _PY_TYPES[prop.type]) or (
                prop.type in ("int", "float") and isinstance(value, bool)
            )
            if wrong:
                self._problem(
                    f"{owner}.{name} must be {prop.type}, got {type(value).__name__} {value!r:.60}; fix the transform"
                )
            elif prop.type == "string[]":
                out[name] = [str(v) for v in cast(Iterable[object], value)]
            elif prop.type == "datetime" and isinstance(value, datetime) and value.tzinfo is None:
                self._problem(f"{owner}.{name} is a naive datetime; give it a timezone (UTC)")
            else:
                out[name] = value
        return out

    def _run(self, cypher: str, batch: Sequence[dict[str, object]], stamp: SyncStamp) -> int:
        # Labels and types come from the declared schema (checked identifiers), values are parameters.
        written = self.graph.write_tx(
            lambda tx: tx.run(cypher, rows=_Rows(batch), at=stamp.at, gen=stamp.generation).single(strict=True)[
                "written"
            ]
        )
        return int(written)


class _Rows(list[dict[str, object]]):
    """A batch as the ``rows`` parameter. Its repr gives only its size: the driver formats each query's
    parameters for its debug log before it checks the level, which cost ~8 % of the writer's Python time,
    and would put every property value in the log when debug logging is on."""

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


class _Batches:
    """Runs write batches: inline with parallelism 1, else on that many threads (each batch its own session and
    transaction, so Neo4j works on several at once). At most twice that many batches wait in flight, so memory
    stays flat; leaving the ``with`` block waits for every batch and re-raises the first failure."""

    def __init__(self, parallelism: int) -> None:
        self.written = 0
        self.changes = 0
        self._pool = ThreadPoolExecutor(parallelism, "graph-write") if parallelism > 1 else None
        self._in_flight: deque[Future[tuple[int, int]]] = deque()
        self._limit = 2 * parallelism

    def __enter__(self) -> _Batches:
        return self

    def submit(self, work: Callable[..., tuple[int, int]], *args: object) -> None:
        if self._pool is None:
            self._add(work(*args))
            return
        while len(self._in_flight) >= self._limit:
            self._add(self._in_flight.popleft().result())
        self._in_flight.append(self._pool.submit(work, *args))

    def _add(self, result: tuple[int, int]) -> None:
        self.written += result[0]
        self.changes += result[1]

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if self._pool is None:
            return
        try:
            while self._in_flight:
                future = self._in_flight.popleft()
                if exc_type is None:
                    self._add(future.result())
                else:  # already failing: let the batches in flight finish, report the first error
                    future.exception()
        finally:
            self._pool.shutdown(wait=True)


def _repeat(graph: Graph, cypher: str, params: dict[str, object], limit: int) -> int:
    """Run a LIMITed delete until nothing is left, so one huge delete never holds every lock."""
    total = 0
    while True:
        deleted = int(graph.write_tx(lambda tx: tx.run(cypher, params).single(strict=True)["deleted"]))
        total += deleted
        if deleted < limit:
            return total
