"""Every security- and dependency-relevant field a published GCP payload carries reaches a property or an edge.

The fields are declared per kind on the provider's kind table (``ingest.providers.gcp.kinds.KINDS``). Each
payload is transformed alone; the report gives, per kind, the declared fields the corpus carries and how many
of them were carried through (written beside the test run's temporary files and printed with ``-s``).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import pytest

from graph.rows import EdgeRow, NodeRow, Transformed
from graph.schema import SCHEMA
from ingest.providers.gcp.kinds import BUCKET_ACCESS_FIELDS, GENERIC_LABEL, KINDS, Field
from tests.real_payloads.gcp_corpus import Read, load_corpus, lost_values, nodes_for, read, rows_of, values_at
from tests.real_payloads.gcp_coverage import REPORT, access_reads, coverage, render

READS = [read(p) for p in load_corpus()]
INSTANCE = "cartography_instance-1.json"
CLUSTER = "cartography_test-cluster.json"
TYPED = sorted(label for label in KINDS if label not in (GENERIC_LABEL, "GCPFolder"))


def test_the_corpus_has_a_payload_for_every_typed_kind_with_declared_fields() -> None:
    corpus = load_corpus()
    labels = {p.label for p in corpus} | {"GCPGKENodePool"}  # pools arrive inside their cluster
    missing = [label for label in TYPED if KINDS[label].fields and label not in labels]
    assert not missing, f"no published payload for {missing}: add one under tests/fixtures/real/gcp/<label>/"
    for label in labels - {GENERIC_LABEL}:
        assert SCHEMA.node(label).provider == "gcp"


def test_every_payload_maps_to_the_label_of_its_directory() -> None:
    for payload in load_corpus():
        rows = rows_of([payload])
        node = next(n for n in rows.nodes if n.id == payload.name)
        assert node.label == payload.label, payload.path.name


def test_every_declared_value_a_real_payload_carries_reaches_its_property_or_its_exact_edge(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    rows = coverage(READS)
    table = render(rows)
    data = os.environ.get("AIDISCOVER_DATA_DIR")
    out = (Path(data) if data else tmp_path_factory.mktemp("coverage")) / "coverage" / "gcp.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(table)
    print(f"\n{table}(written to {out})")
    lost = [line for r in rows for line in r.lost]
    assert lost == [], "values of real payloads that reach neither their property nor their edge:\n" + "\n".join(lost)


def test_every_typed_gcp_kind_has_a_row_and_the_bucket_access_kinds_have_their_files() -> None:
    rows = {r.label: r for r in coverage(READS)}
    assert set(rows) == {k.label for k in SCHEMA.nodes if k.provider == "gcp"} - {GENERIC_LABEL}
    assert len(rows["GCPBucketIamPolicy"].files) == 2  # a bucket body and its getIamPolicy answer
    assert rows["GCPBucketIamPolicy"].present > 0
    assert rows["GCPGKENodePool"].files  # pools arrive inside their cluster


def test_the_committed_report_is_current() -> None:
    assert REPORT.read_text() == render(coverage(READS)), (
        "refresh it: python -m tests.real_payloads.gcp_coverage --write"
    )


def _read(label: str, file: str) -> Read:
    return next(r for r in READS if r.payload.label == label and r.payload.path.name == file)


def _with_edges(r: Read, edges: tuple[EdgeRow, ...]) -> Read:
    return dataclasses.replace(r, rows=Transformed(r.rows.nodes, edges))


def _lost(r: Read, field: Field) -> list[Any]:
    _, node, data, item = next(n for n in nodes_for(r) if field in KINDS[n[0]].fields)
    return lost_values(field, values_at(data, field.path), node, item, r)


def test_an_edge_of_the_right_type_to_another_id_is_not_the_field_carried() -> None:
    r = _read("GCPComputeInstance", INSTANCE)
    f = next(f for f in KINDS["GCPComputeInstance"].fields if f.edge == "ATTACHED_DISK")
    assert _lost(r, f) == []
    elsewhere = tuple(
        dataclasses.replace(e, target_id=f"{e.target_id}-other") if e.type == "ATTACHED_DISK" else e
        for e in r.rows.edges
    )
    assert len(_lost(_with_edges(r, elsewhere), f)) == len(values_at(r.payload.data, f.path)) > 0


def test_a_service_account_edge_to_another_account_is_not_the_field_carried() -> None:
    r = _read("GCPComputeInstance", INSTANCE)
    f = next(f for f in KINDS["GCPComputeInstance"].fields if f.edge == "RUNS_AS")
    assert _lost(r, f) == []
    other = tuple(
        dataclasses.replace(e, target_id=e.target_id.replace("@", "-other@")) if e.type == "RUNS_AS" else e
        for e in r.rows.edges
    )
    assert _lost(_with_edges(r, other), f) != []


def test_a_node_pool_edge_to_another_pool_is_not_the_field_carried() -> None:
    r = _read("GCPGKECluster", CLUSTER)
    f = next(f for f in KINDS["GCPGKECluster"].fields if f.edge == "HAS_NODE_POOL")
    assert _lost(r, f) == []
    pools = tuple(
        dataclasses.replace(e, target_id=f"{e.target_id}x") if e.type == "HAS_NODE_POOL" else e for e in r.rows.edges
    )
    assert _lost(_with_edges(r, pools), f) != []


def test_a_property_that_does_not_hold_the_payloads_value_is_not_carried() -> None:
    r = _read("GCPFirewall", "cartography_default-allow-ssh.json")
    f = next(f for f in KINDS["GCPFirewall"].fields if f.prop == "source_ranges")
    assert _lost(r, f) == []
    emptied = tuple(
        NodeRow(n.label, n.id, {**n.props, "source_ranges": ("10.9.9.9/32",)}) if n.label == "GCPFirewall" else n
        for n in r.rows.nodes
    )
    assert _lost(dataclasses.replace(r, rows=Transformed(emptied, r.rows.edges)), f) != []


def test_the_bucket_access_edge_to_another_bucket_is_not_the_field_carried() -> None:
    (access,) = access_reads()
    f = next(f for f in BUCKET_ACCESS_FIELDS["bucket"] if f.edge == "APPLIES_TO")
    node = next(n for n in access.read.rows.nodes if n.label == "GCPBucketIamPolicy")
    assert access.read.item is not None
    found = values_at(access.bodies["bucket"], f.path)
    assert lost_values(f, found, node, access.read.item, access.read) == []
    other = tuple(dataclasses.replace(e, target_id=f"{e.target_id}-other") for e in access.read.rows.edges)
    broken = _with_edges(access.read, other)
    assert lost_values(f, found, node, access.read.item, broken) == found
