"""Reconcile a unit's rows with what its scope holds: write only what is new or changed, remove what vanished.

Every row the reconciling writer writes carries a content hash (``sync_hash``) of its properties (and of
the declared property set of its label or relationship, so a schema change rewrites what it touches);
every node also carries ``sync_edges``, a hash of the outgoing edges its unit gave it.

``stage`` (phase 1 of a unit) reads the stored (id, hash, edges hash) of every node of the unit's scopes
in one query per label and scope, writes the nodes whose hash differs (new or changed), and returns a
``Plan``: the node ids the scopes held that the rows no longer have (vanished), and the edges to reconcile:
those of sources whose edges hash differs, and edges from nodes outside the unit's rows (written when new
or changed, never removed by this unit). ``finish`` (phase 2, once every unit staged) reads the stored edges of those
sources, writes the new and changed ones, removes the ones their source no longer has, records each
source's edges hash once all its edges were written (a missing end leaves it unrecorded, so the next sync
tries again), removes the vanished nodes, and stamps each scope as seen (``graph.seen``).

Same guarantees as ``GraphWriter.cleanup``: nothing outside the unit's scopes is removed, and removals
only touch rows an older generation wrote (``last_sync < gen``), so a newer concurrent sync's writes
survive an older one's removals. An unchanged re-sync writes nothing but the scope stamps.

Before any of that, ``stage`` computes the digest of all the unit's rows (``graph.digest``): when every scope
of the unit holds it, the graph already holds these rows and nothing is read row by row; only the edges of
sources left pending (an end was missing) are tried again. ``finish`` records the digest once the graph holds
every row it was given, unless another sync wrote into the scopes meanwhile.

A full reconcile (``FullReconcile``: every N syncs or hours, when forced, after a sync stopped mid-write) ignores
the digest and every node's stored edges hash: every row is compared with the stored (id, hash) pairs and every
source's stored edges are read, so a node deleted by hand comes back with its edges, and an edge removed with
another unit's node is written again. A node's properties changed by hand keep their stored hash and are not
rewritten until the source changes them (the hash says what the writer wrote, not what the node holds now).
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

from neo4j import ManagedTransaction

from graph.digest import (
    FullReconcile,
    ScopeState,
    begin_writes,
    end_writes,
    note_synced,
    read_state,
    record_digest,
    rows_digest,
)
from graph.history import deleted_change_clause
from graph.reconcile_plan import NodeKey, Plan, Reconciled
from graph.row_hash import edge_hash, edges_digest, fingerprint, node_hash, schema_fingerprint
from graph.rows import ALL_REGIONS, EDGES_HASH_PROPERTY, HASH_PROPERTY, EdgeRow, NodeRow, Scope
from graph.schema import Schema
from graph.seen import record_seen
from graph.write import GraphWriter, SyncStamp

__all__ = ["FullReconcile", "Plan", "Reconciled", "Reconciler", "edge_hash", "fingerprint", "node_hash"]

log = logging.getLogger(__name__)

StoredEdge = tuple[str, str, str, str]  # (source label, source id, type, target id)
NO_EDGES = "-"  # the edges hash of a node its unit gives no edge
T = TypeVar("T")


def _listed(rows: Iterable[T]) -> Sequence[T]:
    return rows if isinstance(rows, list | tuple) else list(rows)


def _stored_nodes_cypher(label: str, all_regions: bool) -> str:
    where = "{account: $account}" if all_regions else "{account: $account, region: $region}"
    return (
        f"MATCH (n:{label} {where}) RETURN collect(n.id) AS ids, "
        f"collect(coalesce(n.{HASH_PROPERTY}, '')) AS hashes, collect(coalesce(n.{EDGES_HASH_PROPERTY}, '')) AS edges"
    )


def _stored_edges_cypher(label: str) -> str:
    return (
        f"UNWIND $ids AS id MATCH (a:{label} {{id: id}})-[r]->(b) "
        "WHERE type(r) IN $types AND NOT any(l IN labels(b) WHERE [type(r), l] IN $derived) "
        f"RETURN collect([id, type(r), b.id, coalesce(r.{HASH_PROPERTY}, '')]) AS edges"
    )


def _remove_edges_cypher(label: str) -> str:
    return (
        f"UNWIND $rows AS row MATCH (a:{label} {{id: row[0]}})-[r]->(b) "
        "WHERE type(r) = row[1] AND b.id = row[2] AND r.last_sync < $gen "
        "DELETE r RETURN count(*) AS removed"
    )


def _remove_nodes_cypher(label: str, history: bool) -> str:
    """Remove vanished nodes; also count the edges of the unit's own types leaving them (they go too)."""
    record = deleted_change_clause(label) if history else ""
    return (
        f"UNWIND $ids AS id MATCH (n:{label} {{id: id}}) WHERE n.last_sync < $gen "
        f"WITH n {record}"
        "WITH n, COUNT { MATCH (n)-[r]->(b) WHERE type(r) IN $types "
        "AND NOT any(l IN labels(b) WHERE [type(r), l] IN $derived) } AS edges "
        "DETACH DELETE n RETURN count(*) AS removed, sum(edges) AS edges"
    )


def _set_edges_hash_cypher(label: str) -> str:
    return f"UNWIND $rows AS row MATCH (n:{label} {{id: row[0]}}) SET n.{EDGES_HASH_PROPERTY} = row[1]"


class Reconciler:
    """Writes a unit's rows through ``writer`` (its batching, checks, history), reconciling instead of
    rewriting. One per unit and phase, like the writer it wraps."""

    def __init__(self, writer: GraphWriter, chunk: int = 10_000, full: FullReconcile | None = None) -> None:
        self.writer = writer
        self.full = full or FullReconcile()
        self.graph = writer.graph
        self.schema: Schema = writer.schema
        self.chunk = chunk
        self._node_fp: dict[str, bytes] = {}
        self._edge_fp: dict[tuple[str, str, str], bytes] = {}
        # every relationship's declared properties: a schema change re-reconciles every node's edges
        self._edges_fp = repr(
            sorted(fingerprint(f"{r.type}|{r.source}|{r.target}", r.properties) for r in self.schema.relationships)
        ).encode()
        # ... and every label's: what the digest of a unit's rows starts with
        self._schema_fp = schema_fingerprint(self.schema, self._edges_fp)

    # --- phase 1 ------------------------------------------------------------------------------------
    def stage(
        self,
        nodes: Iterable[NodeRow],
        edges: Iterable[EdgeRow],
        references: Iterable[EdgeRow],
        scopes: Sequence[Scope],
        stamp: SyncStamp,
    ) -> Plan:
        """Write the new and changed nodes; plan the edges and the removals (see the module's doc)."""
        node_rows, edge_rows, ref_rows = _listed(nodes), _listed(edges), _listed(references)
        digest = rows_digest(self._schema_fp, scopes, node_rows, edge_rows, ref_rows)
        state = read_state(self.graph, scopes)
        full = self.full.due(state, stamp.at)
        if state.holds(digest) and not full:
            log.debug("reconcile: %s node rows, the scopes hold their digest", len(node_rows))
            return self._unchanged(node_rows, edge_rows, ref_rows, state, digest)
        if full:
            log.info("reconcile %s: full reconcile", "+".join(s.describe() for s in scopes))
        expected: tuple[int, ...] | None = state.writes
        stored = self._stored(scopes)
        changed: list[NodeRow] = []
        seen: dict[NodeKey, str] = {}  # node row -> its stored edges hash ('' when new)
        for row in node_rows:
            fp = self._node_fp.get(row.label)
            if fp is None:
                fp = self._node_fp[row.label] = fingerprint(row.label, self.schema.properties_of(row.label))
            h = node_hash(fp, row.props)
            key = (row.label, row.id)
            old = stored.get(key)
            seen[key] = old[1] if old is not None and not full else ""  # full: every source's edges compared
            if old is None or old[0] != h:
                changed.append(NodeRow(row.label, row.id, row.props, h))
        written = 0
        if changed:
            expected = begin_writes(self.graph, scopes, expected)
            written = self.writer.nodes(changed, stamp)
            expected = end_writes(self.graph, scopes, expected)
        vanished = tuple(k for k in stored if k not in seen)
        todo, refs, sources, unchanged = self._plan_edges(edge_rows, ref_rows, seen)
        log.debug("reconcile: %s node rows, %s written, %s vanished", len(node_rows), written, len(vanished))
        return Plan(len(node_rows), written, vanished, todo, refs, sources, unchanged, digest, expected, full=full)

    def _unchanged(
        self,
        nodes: Sequence[NodeRow],
        edges: Sequence[EdgeRow],
        references: Sequence[EdgeRow],
        state: ScopeState,
        digest: str,
    ) -> Plan:
        """The plan of rows the scopes already hold: only the edges of the sources still pending are retried."""
        total = len(edges) + len(references)
        pending = state.pending
        if not pending:
            return Plan(len(nodes), 0, (), (), (), (), total, digest, state.writes, unchanged=True)
        todo = tuple(r for r in edges if r.source_id in pending)
        refs = tuple(r for r in references if r.source_id in pending)
        given: dict[NodeKey, list[EdgeRow]] = defaultdict(list)
        for r in (*todo, *refs):
            given[(r.source_label, r.source_id)].append(r)
        sources = tuple(
            (row.label, row.id, edges_digest(self._edges_fp, given[(row.label, row.id)]))
            for row in nodes
            if row.id in pending and given.get((row.label, row.id))
        )
        unchanged = total - len(todo) - len(refs)
        return Plan(len(nodes), 0, (), todo, refs, sources, unchanged, digest, state.writes, unchanged=True)

    def _stored(self, scopes: Sequence[Scope]) -> dict[NodeKey, tuple[str, str]]:
        stored: dict[NodeKey, tuple[str, str]] = {}
        for scope in scopes:
            params = {"account": scope.account, "region": scope.region}
            for label in scope.labels:
                self.schema.node(label)
                rec = self.graph.read(_stored_nodes_cypher(label, scope.region == ALL_REGIONS), params)[0]
                for node_id, h, e in zip(rec["ids"], rec["hashes"], rec["edges"], strict=True):
                    stored[(label, node_id)] = (h, e)
        return stored

    def _plan_edges(
        self, edges: Iterable[EdgeRow], references: Iterable[EdgeRow], seen: Mapping[NodeKey, str]
    ) -> tuple[tuple[EdgeRow, ...], tuple[EdgeRow, ...], tuple[tuple[str, str, str], ...], int]:
        mine: dict[NodeKey, list[EdgeRow]] = {}  # edges and references of each node row, in one list
        todo: list[EdgeRow] = []
        refs: list[EdgeRow] = []
        ref_rows: set[int] = set()  # id() of the reference rows among them
        for is_ref, rows in ((False, edges), (True, references)):
            for row in rows:
                key = (row.source_label, row.source_id)
                found = mine.get(key)
                if found is None:
                    if key not in seen:  # from a node outside the unit's rows: written, never removed, by this unit
                        (refs if is_ref else todo).append(row)
                        continue
                    found = mine[key] = []
                found.append(row)
                if is_ref:
                    ref_rows.add(id(row))
        sources: list[tuple[str, str, str]] = []
        unchanged = 0
        fp = self._edges_fp
        for key, stored_edges in seen.items():
            given = mine.get(key, [])
            h = edges_digest(fp, given) if given else NO_EDGES
            if h == stored_edges:
                unchanged += len(given)
                continue
            sources.append((key[0], key[1], h))
            for r in given:
                (refs if id(r) in ref_rows else todo).append(r)
        return tuple(todo), tuple(refs), tuple(sources), unchanged

    def _edge_hash(self, row: EdgeRow) -> str:
        rel = (row.type, row.source_label, row.target_label)
        fp = self._edge_fp.get(rel)
        if fp is None:
            fp = self._edge_fp[rel] = fingerprint("|".join(rel), self.schema.relationship(*rel).properties)
        return edge_hash(fp, row.target_id, row.props)

    def _hashed(self, row: EdgeRow) -> EdgeRow:
        if row.hash is not None:
            return row
        h = self._edge_hash(row)
        return EdgeRow(row.type, row.source_label, row.source_id, row.target_label, row.target_id, row.props, h)

    # --- phase 2 ------------------------------------------------------------------------------------
    def finish(self, plan: Plan, scopes: Sequence[Scope], stamp: SyncStamp) -> Reconciled:
        """Reconcile the planned edges, remove the vanished nodes, record the rows' digest when the graph holds
        every one of them, stamp the scopes as seen."""
        if plan.unchanged and not plan.edges and not plan.references:
            for scope in scopes:
                record_seen(self.graph, scope, stamp)
            note_synced(self.graph, scopes, False, stamp.at, None)
            return Reconciled(plan.unchanged_edges, 0, 0, 0, 0)
        expected = begin_writes(self.graph, scopes, plan.expected)
        sources = {(label, node_id): h for label, node_id, h in plan.sources}
        stored = self._stored_edges(sources)
        outside = self._stored_outside_edges(
            [r for r in (*plan.edges, *plan.references) if (r.source_label, r.source_id) not in sources]
        )
        wanted: set[StoredEdge] = set()
        writes: tuple[list[EdgeRow], list[EdgeRow]] = ([], [])
        given = 0
        for i, rows in enumerate((plan.edges, plan.references)):
            for row in rows:
                given += 1
                row = self._hashed(row)
                key = (row.source_label, row.source_id, row.type, row.target_id)
                if (row.source_label, row.source_id) in sources:
                    wanted.add(key)
                    if stored.get(key) == row.hash:
                        continue
                elif outside.get(key) == row.hash:  # an edge from a node outside the unit's rows, unchanged
                    continue
                writes[i].append(row)
        written_sources: list[str] = []
        edge_counts = self.writer.edges(writes[0], stamp, written_sources) if writes[0] else None
        ref_counts = self.writer.edges(writes[1], stamp, written_sources) if writes[1] else None
        written = (edge_counts.written if edge_counts else 0) + (ref_counts.written if ref_counts else 0)
        skipped = edge_counts.skipped if edge_counts else 0
        removed_edges = self._remove_edges(stored, wanted, stamp)
        pending = self._record_edges_hashes(sources, [*writes[0], *writes[1]], written_sources)
        removed_nodes, detached = self._remove_nodes(plan.vanished, stamp)
        removed_edges += detached
        expected = end_writes(self.graph, scopes, expected)
        if plan.digest is not None and expected is not None:
            record_digest(self.graph, scopes, expected, plan.digest, pending)
        for scope in scopes:
            record_seen(self.graph, scope, stamp)
        note_synced(self.graph, scopes, plan.full, stamp.at, expected)
        in_sync = plan.unchanged_edges + given - len(writes[0]) - len(writes[1]) + written
        if removed_nodes or removed_edges:
            log.info(
                "reconcile %s: %s vanished nodes, %s vanished edges removed",
                "+".join(s.describe() for s in scopes),
                removed_nodes,
                removed_edges,
            )
        return Reconciled(in_sync, written, skipped, removed_nodes, removed_edges)

    def _owned(self, label: str) -> tuple[list[str], list[list[str]]]:
        """Relationship types a unit writes from ``label`` nodes, and the derived (type, target) pairs it does not."""
        rels = [r for r in self.schema.relationships if r.source == label and not r.written_with_target]
        return sorted({r.type for r in rels if not r.derived}), [[r.type, r.target] for r in rels if r.derived]

    def _stored_edges(self, sources: Mapping[NodeKey, str]) -> dict[StoredEdge, str]:
        """(source label, source id, type, target id) -> hash of the stored edges leaving ``sources``."""
        by_label: dict[str, list[str]] = defaultdict(list)
        for label, node_id in sources:
            by_label[label].append(node_id)
        stored: dict[StoredEdge, str] = {}
        for label, ids in by_label.items():
            types, derived = self._owned(label)
            if not types:
                continue
            for start in range(0, len(ids), self.chunk):
                params = {"ids": ids[start : start + self.chunk], "types": types, "derived": derived}
                for source, type_, target, h in self.graph.read(_stored_edges_cypher(label), params)[0]["edges"]:
                    stored[(label, source, type_, target)] = h
        return stored

    def _stored_outside_edges(self, rows: Sequence[EdgeRow]) -> dict[StoredEdge, str]:
        """The stored hashes of exactly these edges (from nodes outside the unit's rows, which it never removes):
        an unchanged one is not written again."""
        by_rel: dict[tuple[str, str, str], list[list[str]]] = defaultdict(list)
        for r in rows:
            by_rel[(r.source_label, r.type, r.target_label)].append([r.source_id, r.target_id])
        stored: dict[StoredEdge, str] = {}
        for (source, type_, target), pairs in by_rel.items():
            cypher = (
                f"UNWIND $pairs AS p MATCH (a:{source} {{id: p[0]}})-[r:{type_}]->(b:{target} {{id: p[1]}}) "
                f"RETURN a.id AS a, b.id AS b, r.{HASH_PROPERTY} AS h"
            )
            for start in range(0, len(pairs), self.chunk):
                for rec in self.graph.read(cypher, {"pairs": pairs[start : start + self.chunk]}):
                    if rec["h"] is not None:
                        stored[(source, rec["a"], type_, rec["b"])] = rec["h"]
        return stored

    def _remove_edges(self, stored: Mapping[StoredEdge, str], wanted: set[StoredEdge], stamp: SyncStamp) -> int:
        gone: dict[str, list[list[str]]] = defaultdict(list)
        for key in stored:
            if key not in wanted:
                label, source, type_, target = key
                gone[label].append([source, type_, target])
        removed = 0
        for label, rows in gone.items():
            for start in range(0, len(rows), self.chunk):
                removed += self._count(
                    _remove_edges_cypher(label), {"rows": rows[start : start + self.chunk], "gen": stamp.generation}
                )
        return removed

    def _record_edges_hashes(
        self, sources: Mapping[NodeKey, str], write: Sequence[EdgeRow], written_sources: Sequence[str]
    ) -> set[str]:
        """Store each source's edges hash, unless one of its edges could not be written (an end is missing).
        Returns the ids of the sources (of the unit's rows or outside them) with an edge not written."""
        expected = Counter(row.source_id for row in write)
        got = Counter(written_sources)
        pending = {node_id for node_id, n in expected.items() if got[node_id] < n}
        by_label: dict[str, list[list[str]]] = defaultdict(list)
        for (label, node_id), h in sources.items():
            if node_id not in pending:
                by_label[label].append([node_id, h])
        for label, rows in by_label.items():
            cypher = _set_edges_hash_cypher(label)
            for start in range(0, len(rows), self.chunk):
                self.graph.write(cypher, {"rows": rows[start : start + self.chunk]})
        return pending

    def _remove_nodes(self, vanished: Sequence[NodeKey], stamp: SyncStamp) -> tuple[int, int]:
        """Remove the vanished nodes (with their edges); returns (nodes, edges of the unit's types) removed."""
        by_label: dict[str, list[str]] = defaultdict(list)
        for label, node_id in vanished:
            by_label[label].append(node_id)
        removed = edges = 0
        params: dict[str, object] = {"gen": stamp.generation, "at": stamp.at, "job": self.writer.job_id}
        for label, ids in by_label.items():
            cypher = _remove_nodes_cypher(label, self.writer.history)
            types, derived = self._owned(label)
            for start in range(0, len(ids), self.chunk):
                chunk = {**params, "ids": ids[start : start + self.chunk], "types": types, "derived": derived}
                got = self._counts(cypher, chunk)
                removed += got[0]
                edges += got[1]
        if self.writer.history:
            self.writer.changes += removed  # each removed node got a 'deleted' Change
        return removed, edges

    def _counts(self, cypher: str, params: dict[str, object]) -> tuple[int, int]:
        def work(tx: ManagedTransaction) -> tuple[int, int]:
            record = tx.run(cypher, params).single(strict=True)
            return int(record["removed"]), int(record["edges"] or 0)

        return self.graph.write_tx(work)

    def _count(self, cypher: str, params: dict[str, object]) -> int:
        return int(self.graph.write_tx(lambda tx: tx.run(cypher, params).single(strict=True)["removed"]))
