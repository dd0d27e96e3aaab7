"""Field coverage on published Azure payloads: every security- or dependency-relevant value a real payload
carries (fields declared per kind in ingest.providers.azure.kinds) reaches its property or its exact
relationship, and every typed Azure kind of the schema has a published payload.

The report (payload files per kind, declared fields carried through / present) is committed as
tests/fixtures/real/azure/COVERAGE.md, printed, and written to ``$AIDISCOVER_DATA_DIR/coverage/azure.md``
(or the test's temporary directory).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from graph.rows import EdgeRow, NodeRow, Transformed
from graph.schema import SCHEMA
from ingest.providers.azure.kinds import FIELDS, Field, expected_id
from ingest.providers.azure.transform import AzureRead
from ingest.providers.references import unresolved
from tests.real_payloads.azure_corpus import CORPUS, Sample, kinds, sample, samples
from tests.real_payloads.azure_coverage import REPORT, coverage, dropped, lost_values, present, render

SAMPLES = samples()
ROUTED = "TestRouteTableSubnetRef-ps671.json"


def test_every_kind_with_real_payloads_declares_its_fields_and_names_real_targets() -> None:
    for kind in kinds():
        assert kind in FIELDS, f"declare the fields of {kind} in ingest/providers/azure/kinds.py"
    for kind, fields in FIELDS.items():
        SCHEMA.node(kind)
        for f in fields:
            assert (f.prop is None) != (f.edge is None), f
            if f.prop is not None:
                assert f.prop in {p.name for p in SCHEMA.node(f.on or kind).properties}, f
                assert f.ref is None, f
            else:
                assert f.edge in SCHEMA.relationship_types(), f
                assert not f.count, f


def test_every_typed_azure_kind_has_a_published_payload() -> None:
    missing = [c.label for c in coverage(SAMPLES) if not c.files]
    assert missing == [], f"no published payload holds a node of {missing}: add one under {CORPUS}"


def test_every_declared_value_a_real_payload_carries_reaches_its_property_or_its_exact_edge(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    rows = coverage(SAMPLES)
    table = render(rows)
    data = os.environ.get("AIDISCOVER_DATA_DIR")
    out = (Path(data) if data else tmp_path_factory.mktemp("coverage")) / "coverage" / "azure.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(table)
    print(f"\n{table}(written to {out})")
    lost = [line for r in rows for line in r.lost]
    assert lost == [], "values of real payloads that reach neither their property nor their edge:\n" + "\n".join(lost)


def test_the_committed_report_is_current() -> None:
    assert REPORT.read_text() == render(coverage(SAMPLES)), (
        "refresh it: python -m tests.real_payloads.azure_coverage --write"
    )


def test_the_check_fails_on_a_field_the_transform_drops() -> None:
    storage = next(s for s in SAMPLES if s.kind == "AzureStorageAccount")
    dropped = Field("properties.networkAcls.bypass", prop="network_bypass")
    assert present(storage, dropped)
    assert lost_values(storage, dropped) == ["AzureServices"]


def _with_rows(s: Sample, nodes: tuple[NodeRow, ...], edges: tuple[EdgeRow, ...]) -> Sample:
    rows = Transformed(nodes, edges)
    return dataclasses.replace(s, read=AzureRead(rows, (*unresolved(rows), *dropped(s.read))))


def test_an_edge_of_the_right_type_to_another_id_is_not_the_field_carried() -> None:
    s = sample("AzureVirtualNetwork", ROUTED)
    f = next(f for f in FIELDS["AzureVirtualNetwork"] if f.path.endswith("routeTable.id"))
    assert lost_values(s, f) == []
    table = expected_id(f, "", s.payloads[0]["properties"]["subnets"][0]["properties"]["routeTable"]["id"])
    elsewhere = tuple(
        dataclasses.replace(e, source_id=f"{table}-other") if e.source_id == table else e for e in s.read.rows.edges
    )
    assert any(e.type == "ASSOCIATED_WITH" for e in elsewhere)  # the loose check counted this as carried
    assert len(lost_values(_with_rows(s, s.read.rows.nodes, elsewhere), f)) == 1


def test_a_property_that_does_not_hold_the_payloads_value_is_not_carried() -> None:
    s = sample("AzureNetworkSecurityGroup", "TestApplicationSecurityGroupInNewSecurityRule-ps4042.json")
    f = next(f for f in FIELDS["AzureNetworkSecurityGroup"] if f.prop == "source_asgs")
    assert lost_values(s, f) == []
    emptied = tuple(
        NodeRow(n.label, n.id, {**n.props, "source_asgs": ()}) if n.label == "AzureSecurityRule" else n
        for n in s.read.rows.nodes
    )
    assert (
        len(lost_values(_with_rows(s, emptied, s.read.rows.edges), f)) == 2
    )  # two rules name a source application security group


def test_every_payload_is_listed_with_its_source_and_licence() -> None:
    rows = {
        line.split(" | ")[0].removeprefix("| ").split(" (")[0]: line
        for line in (CORPUS / "SOURCES.md").read_text().splitlines()
        if line.startswith("| ") and ".json" in line
    }
    files = {str(p.relative_to(CORPUS)) for p in CORPUS.glob("*/*.json")}
    assert files == set(rows)
    assert all(rows[f].endswith(("| MIT |", "| Apache-2.0 |")) for f in files)
