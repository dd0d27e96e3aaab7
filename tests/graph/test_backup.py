"""Backup and restore: a round trip through an empty database gives an identical graph."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from core.errors import QueryInputError
from graph.backup import backup, restore
from graph.neo4j.client import Graph

SEED = """
CREATE (v:Resource:VPC {id: 'arn:vpc-1', name: 'prod', provider: 'aws', account: '1', region: 'us-east-1',
        cidr: '10.0.0.0/16', tags: ['env=prod', 'team=core'], first_seen: datetime('2026-01-02T03:04:05.123456Z'),
        size: 3, ratio: 0.25, default: false})
CREATE (s:Resource:Subnet {id: 'arn:subnet-1', name: 'a', provider: 'aws', account: '1', region: 'us-east-1',
        public: true, seen_on: date('2026-02-03')})
CREATE (i:Resource:EC2Instance {id: 'arn:i-1', name: 'web "1"\\n', provider: 'aws', account: '1', region: 'us-east-1',
        state: 'running', ports: [22, 443]})
CREATE (j:Job {id: 'job-1', status: 'succeeded', took: duration('PT1M30.5S')})
CREATE (x:Note {text: 'unkeyed node without any id'})
CREATE (s)-[:IN_VPC {last_seen: datetime('2026-03-01T00:00:00Z')}]->(v)
CREATE (i)-[:IN_SUBNET]->(s)
CREATE (i)-[:IN_SUBNET {weight: 2}]->(s)
CREATE (i)-[:LOOPS]->(i)
CREATE (j)-[:COVERED]->(v)
CREATE (x)-[:ABOUT {why: 'parallel'}]->(i)
"""


def _dump(graph: Graph) -> tuple[list[Any], list[Any]]:
    """Every node (labels + properties) and relationship (type, ends' contents, properties), canonical."""
    nodes = graph.read("MATCH (n) RETURN labels(n) AS l, properties(n) AS p")
    rels = graph.read(
        "MATCH (s)-[r]->(e) RETURN type(r) AS t, properties(s) AS s, properties(e) AS e, properties(r) AS p"
    )

    def canon(value: Any) -> str:
        return json.dumps(value, sort_keys=True, default=repr)

    return (
        sorted(canon([sorted(r["l"]), r["p"]]) for r in nodes),
        sorted(canon([r["t"], r["s"], r["e"], r["p"]]) for r in rels),
    )


def test_round_trip_into_an_empty_database_gives_an_identical_graph(graph: Graph, tmp_path: Path) -> None:
    graph.write(SEED)
    before = _dump(graph)
    assert len(before[0]) == 5
    assert len(before[1]) == 6
    summary = backup(graph, tmp_path / "g.jsonl.gz")
    assert (summary.nodes, summary.relationships) == (5, 6)
    graph.wipe()
    restored = restore(graph, tmp_path / "g.jsonl.gz", batch=2)  # several batches, several label groups
    assert (restored.nodes, restored.relationships) == (5, 6)
    assert _dump(graph) == before
    # the restore's bookkeeping label and property are gone
    assert (
        graph.read("MATCH (n) WHERE n._restore_n IS NOT NULL OR n:AIDiscoverRestoring RETURN count(n) AS c")[0]["c"]
        == 0
    )


def test_restore_refuses_a_database_that_holds_nodes_and_changes_nothing(graph: Graph, tmp_path: Path) -> None:
    graph.write(SEED)
    backup(graph, tmp_path / "g.jsonl.gz")
    before = _dump(graph)
    with pytest.raises(QueryInputError, match="already holds 5 nodes"):
        restore(graph, tmp_path / "g.jsonl.gz")
    assert _dump(graph) == before


def test_damaged_or_foreign_files_are_refused_with_a_clear_error(graph: Graph, tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("hello")
    with pytest.raises(QueryInputError, match="not a gzip file"):
        restore(graph, plain)
    foreign = tmp_path / "foreign.jsonl.gz"
    with gzip.open(foreign, "wt") as out:
        out.write('{"format": "something-else"}\n')
    with pytest.raises(QueryInputError, match="not an AI-Discover backup"):
        restore(graph, foreign)
    with pytest.raises(QueryInputError, match="no backup file"):
        restore(graph, tmp_path / "missing.gz")
    graph.write(SEED)
    backup(graph, tmp_path / "g.jsonl.gz")
    graph.wipe()
    damaged = tmp_path / "damaged.jsonl.gz"
    with gzip.open(tmp_path / "g.jsonl.gz", "rt") as src, gzip.open(damaged, "wt") as out:
        lines = src.readlines()
        out.writelines([*lines[:3], "{not json\n", *lines[3:]])
    with pytest.raises(QueryInputError, match="line 4 is not JSON"):
        restore(graph, damaged)


def test_cli_backup_and_restore(graph: Graph, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    graph.write(SEED)
    before = _dump(graph)
    target = tmp_path / "cli.jsonl.gz"
    assert main(["backup", "--out", str(target)]) == 0
    assert "5 nodes, 6 relationships and 0 secret store records" in capsys.readouterr().out
    assert main(["restore", str(target)]) == 2  # not empty: refused, one line
    assert "restore only into an empty database" in capsys.readouterr().err
    graph.wipe()
    assert main(["restore", str(target)]) == 0
    assert _dump(graph) == before
