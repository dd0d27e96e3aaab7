"""Back up the whole graph and the secret store to one file, and restore them into an empty deployment.

The file is gzip-compressed JSON lines: a header, then one line per node (its labels and
properties), then one line per relationship (its type, its two ends and its properties), then one
line per record of the secret store (``graph.secretstore``: its collection, id and stored JSON)::

    {"format": "aidiscover-backup", "version": 2, "created_at": ..., "nodes": N, "relationships": R, "secrets": S}
    {"n": 0, "labels": ["Resource", "EC2Instance"], "props": {...}}
    {"r": "IN_SUBNET", "s": 0, "e": 7, "props": {...}}
    {"secret": "users", "id": "ada", "value": "{...}"}

Store records hold bcrypt hashes and Fernet ciphertext, never a usable secret, but notification
targets keep their webhook URLs: the file is created readable by its owner only (0600). The token
signing secret is not backed up: after a restore into a fresh store a new one is generated and users
sign in again. Version 1 files (graph only) still restore.

Nodes are numbered in the order written; relationships refer to those numbers, so the backup
does not depend on any key property and covers every label (resources, jobs, findings, users...).
Temporal values are tagged (``{"$datetime": "..."}``) so they come back with their type.
Both directions stream: memory stays flat whatever the size of the graph.

Restore refuses a database that already holds nodes, or a secret store that already holds records
(nothing stored is ever overwritten), then writes in batches and ensures the schema's constraints and
indexes.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import neo4j.time

from core.errors import GraphError, QueryInputError
from graph.neo4j.client import Graph
from graph.neo4j.constraints import ensure_schema
from graph.schema import SCHEMA
from graph.secretstore import COLLECTIONS, SecretStore, StoredRecord, store_of

log = logging.getLogger(__name__)

FORMAT = "aidiscover-backup"
VERSION = 2
READABLE_VERSIONS = (1, 2)
BATCH = 5000
_RESTORE_LABEL = "AIDiscoverRestoring"
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    nodes: int
    relationships: int
    seconds: float
    secrets: int = 0


def _encode(value: Any) -> Any:
    if isinstance(value, neo4j.time.DateTime):
        return {"$datetime": value.iso_format()}
    if isinstance(value, neo4j.time.Date):
        return {"$date": value.iso_format()}
    if isinstance(value, neo4j.time.Time):
        return {"$time": value.iso_format()}
    if isinstance(value, neo4j.time.Duration):
        return {"$duration": [value.months, value.days, value.seconds, value.nanoseconds]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    raise GraphError(f"cannot back up a property of type {type(value).__name__}; only our schema's types are supported")


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "$datetime" in value:
            return neo4j.time.DateTime.from_iso_format(value["$datetime"])
        if "$date" in value:
            return neo4j.time.Date.from_iso_format(value["$date"])
        if "$time" in value:
            return neo4j.time.Time.from_iso_format(value["$time"])
        if "$duration" in value:
            months, days, seconds, nanos = value["$duration"]
            return neo4j.time.Duration(months=months, days=days, seconds=seconds, nanoseconds=nanos)
        raise QueryInputError(
            f"backup file holds an unknown tagged value {sorted(value)}; is it an AI-Discover backup?"
        )
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _props(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: _encode(v) for k, v in raw.items()}


def backup(graph: Graph, path: Path) -> BackupSummary:
    """Write every node and relationship, and every record of the secret store, to ``path`` (gzip JSON
    lines, mode 0600). The file is written to a temporary name first and renamed when complete, so a
    failed backup never leaves a truncated file."""
    started = datetime.now(UTC)
    counts = graph.read("MATCH (n) WITH count(n) AS n OPTIONAL MATCH ()-[r]->() RETURN n, count(r) AS r")[0]
    records = list(store_of(graph).records())
    tmp = path.with_name(path.name + ".partial")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp.unlink(missing_ok=True)
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    index: dict[str, int] = {}
    nodes = rels = 0
    with gzip.open(tmp, "wt", encoding="utf-8") as out:
        header = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": started.isoformat(),
            "nodes": counts["n"],
            "relationships": counts["r"],
            "secrets": len(records),
        }
        out.write(json.dumps(header) + "\n")
        for rec in graph.stream("MATCH (n) RETURN elementId(n) AS eid, labels(n) AS labels, properties(n) AS props"):
            index[rec["eid"]] = nodes
            out.write(json.dumps({"n": nodes, "labels": sorted(rec["labels"]), "props": _props(rec["props"])}) + "\n")
            nodes += 1
        query = (
            "MATCH (s)-[r]->(e) RETURN elementId(s) AS s, elementId(e) AS e, type(r) AS type, properties(r) AS props"
        )
        for rec in graph.stream(query):
            s, e = index.get(rec["s"]), index.get(rec["e"])
            if s is None or e is None:  # a node created after the node pass: not part of this backup
                continue
            out.write(json.dumps({"r": rec["type"], "s": s, "e": e, "props": _props(rec["props"])}) + "\n")
            rels += 1
        for record in records:
            out.write(json.dumps({"secret": record.collection, "id": record.id, "value": record.value}) + "\n")
    tmp.replace(path)
    seconds = (datetime.now(UTC) - started).total_seconds()
    log.info(
        "backed up %s nodes, %s relationships and %s secret store records to %s in %.1f s",
        nodes,
        rels,
        len(records),
        path,
        seconds,
    )
    return BackupSummary(path, nodes, rels, seconds, len(records))


def _lines(stream: IO[str]) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(stream, start=1):
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise QueryInputError(f"backup file line {number} is not JSON ({exc.msg}); the file is damaged") from exc
        if not isinstance(item, dict):
            raise QueryInputError(f"backup file line {number} is not an object; the file is damaged")
        yield item


def _check_ident(name: str, what: str) -> str:
    if not _IDENT.match(name):
        raise QueryInputError(f"backup file names a {what} {name!r} that is not a plain identifier; refusing it")
    return name


def _batches(items: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def read_header(path: Path) -> dict[str, Any]:
    """The header line of a backup file, checked."""
    if not path.is_file():
        raise QueryInputError(f"no backup file at {path}; pass the path `aidiscover backup` wrote")
    try:
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            first = stream.readline()
    except (OSError, EOFError) as exc:
        raise QueryInputError(f"{path} is not a gzip file written by `aidiscover backup` ({exc})") from exc
    try:
        header = json.loads(first)
    except json.JSONDecodeError as exc:
        raise QueryInputError(f"{path} has no backup header; is it an AI-Discover backup?") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise QueryInputError(f"{path} is not an AI-Discover backup (no '{FORMAT}' header)")
    if header.get("version") not in READABLE_VERSIONS:
        raise QueryInputError(
            f"{path} is backup format version {header.get('version')}; this version reads "
            f"{', '.join(map(str, READABLE_VERSIONS))}"
        )
    return header


def restore(graph: Graph, path: Path, *, batch: int = BATCH) -> BackupSummary:
    """Load a backup into an EMPTY database and secret store (refuses otherwise), then ensure constraints
    and indexes."""
    started = datetime.now(UTC)
    header = read_header(path)
    existing = graph.read("MATCH (n) RETURN count(n) AS n")[0]["n"]
    if existing:
        raise QueryInputError(
            f"the database already holds {existing} nodes; restore only into an empty database "
            "(back it up first, then empty it with `MATCH (n) DETACH DELETE n` if you really mean to replace it)"
        )
    store = store_of(graph)
    held = sum(store.count(c) for c in COLLECTIONS)
    if held:
        raise QueryInputError(
            f"the secret store ({store.where}) already holds {held} records (users, API keys, accounts or "
            "notification targets); restore only into an empty one, or point AIDISCOVER_SECRETS_REDIS_URL at one"
        )
    graph.write(f"CREATE INDEX restore_key IF NOT EXISTS FOR (n:{_RESTORE_LABEL}) ON (n._restore_n)")
    graph.run_implicit("CALL db.awaitIndexes(60)")
    nodes = rels = 0
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        lines = _lines(stream)
        next(lines)  # header, checked above
        pending_rels: list[dict[str, Any]] = []

        def node_items() -> Iterator[dict[str, Any]]:
            for item in lines:
                if "n" in item:
                    yield item
                else:
                    pending_rels.append(item)
                    return

        for group in _batches(node_items(), batch):
            nodes += _create_nodes(graph, group)
        secrets: list[StoredRecord] = []
        for group in _batches(_chain(pending_rels, lines, secrets), batch):
            rels += _create_rels(graph, group)
        secrets.extend(_secret_records(lines))
    graph.run_implicit(
        f"MATCH (n:{_RESTORE_LABEL}) CALL (n) {{ REMOVE n:{_RESTORE_LABEL} REMOVE n._restore_n }} "
        "IN TRANSACTIONS OF 10000 ROWS"
    )
    graph.write("DROP INDEX restore_key IF EXISTS")
    ensure_schema(graph, SCHEMA)
    _restore_secrets(store, secrets)
    if nodes != header.get("nodes") or rels != header.get("relationships"):
        log.warning(
            "backup header promised %s nodes / %s relationships; restored %s / %s (the graph was changing "
            "during the backup)",
            header.get("nodes"),
            header.get("relationships"),
            nodes,
            rels,
        )
    seconds = (datetime.now(UTC) - started).total_seconds()
    log.info(
        "restored %s nodes, %s relationships and %s secret store records from %s in %.1f s",
        nodes,
        rels,
        len(secrets),
        path,
        seconds,
    )
    return BackupSummary(path, nodes, rels, seconds, len(secrets))


def _secret_record(item: dict[str, Any]) -> StoredRecord:
    collection, record_id, value = item.get("secret"), item.get("id"), item.get("value")
    if collection not in COLLECTIONS or not isinstance(record_id, str) or not isinstance(value, str):
        raise QueryInputError("backup file has a malformed secret store line; the file is damaged")
    return StoredRecord(collection, record_id, value)


def _secret_records(lines: Iterator[dict[str, Any]]) -> Iterator[StoredRecord]:
    for item in lines:
        if "secret" not in item:
            raise QueryInputError("backup file has a node or relationship after the secret store records; damaged")
        yield _secret_record(item)


def _restore_secrets(store: SecretStore, records: list[StoredRecord]) -> None:
    for record in records:
        if not store.create(record.collection, record.id, record.value):
            log.warning(
                "secret store record %s %r exists already; the stored one is kept", record.collection, record.id
            )


def _chain(
    first: list[dict[str, Any]], rest: Iterator[dict[str, Any]], secrets: list[StoredRecord]
) -> Iterator[dict[str, Any]]:
    for item in first:
        if "secret" in item:  # no relationships at all: the store records follow the nodes
            secrets.append(_secret_record(item))
            return
        yield item
    for item in rest:
        if "secret" in item:
            secrets.append(_secret_record(item))
            return
        if "r" not in item:
            raise QueryInputError("backup file has a node after the relationships; the file is damaged")
        yield item


def _create_nodes(graph: Graph, items: list[dict[str, Any]]) -> int:
    """Create a batch of nodes in one statement; labels are parameters (Cypher's dynamic labels), each checked
    to be a plain identifier all the same."""
    rows = [
        {
            "n": item["n"],
            "labels": [*(_check_ident(label, "label") for label in item.get("labels", ())), _RESTORE_LABEL],
            "props": {k: _decode(v) for k, v in item.get("props", {}).items()},
        }
        for item in items
    ]
    graph.write("UNWIND $rows AS row CREATE (n:$(row.labels)) SET n = row.props, n._restore_n = row.n", {"rows": rows})
    return len(items)


def _create_rels(graph: Graph, items: list[dict[str, Any]]) -> int:
    """Create a batch of relationships in one statement (the type a parameter); a missing end fails the restore."""
    rows = [
        {
            "s": item["s"],
            "e": item["e"],
            "type": _check_ident(item["r"], "relationship type"),
            "props": {k: _decode(v) for k, v in item.get("props", {}).items()},
        }
        for item in items
    ]
    summary = graph.write(
        f"UNWIND $rows AS row MATCH (s:{_RESTORE_LABEL} {{_restore_n: row.s}}) "
        f"MATCH (e:{_RESTORE_LABEL} {{_restore_n: row.e}}) CREATE (s)-[r:$(row.type)]->(e) SET r = row.props",
        {"rows": rows},
    )
    created = summary.counters.relationships_created
    if created != len(rows):
        raise GraphError(
            f"restore found the ends of {created} of {len(rows)} relationships; the backup file is damaged"
        )
    return created
