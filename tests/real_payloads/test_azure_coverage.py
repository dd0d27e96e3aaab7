"""Field coverage on published Azure payloads: every security- or dependency-relevant field a real payload
carries (declared per kind in ingest.providers.azure.kinds) reaches a property or a relationship.

The report (fields carried through / fields present, per kind) is printed and written to
``$AIDISCOVER_DATA_DIR/coverage/azure.md`` (or the test's temporary directory).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graph.schema import SCHEMA
from ingest.providers.azure.kinds import FIELDS, Field, values
from tests.real_payloads.azure_corpus import Sample, kinds, samples

SAMPLES = samples()


def carried(s: Sample, f: Field) -> bool:
    label = f.on or s.kind
    if f.prop is not None:
        return any(n.label == label and n.props.get(f.prop) not in (None, (), "") for n in s.read.rows.nodes)
    emitted = any(e.type == f.edge and label in (e.source_label, e.target_label) for e in s.read.rows.edges)
    return emitted or any(u.type == f.edge for u in s.read.unresolved)  # counted and reported, not lost


def present(s: Sample, f: Field) -> bool:
    return any(any(True for _ in values(p, f.path)) for p in s.payloads)


def report() -> tuple[str, list[str]]:
    lines = ["| kind | payloads | fields carried / present | declared |", "|---|---|---|---|"]
    lost: list[str] = []
    for kind in kinds():
        mine = [s for s in SAMPLES if s.kind == kind]
        fields = FIELDS.get(kind, ())
        seen = {f for s in mine for f in fields if present(s, f)}
        ok = {f for s in mine for f in seen if present(s, f) and carried(s, f)}
        lost += [f"{kind}: {f.path} -> {f.reaches}" for f in sorted(seen - ok, key=lambda f: f.path)]
        lines.append(f"| {kind} | {sum(len(s.payloads) for s in mine)} | {len(ok)} / {len(seen)} | {len(fields)} |")
    return "\n".join(lines), lost


def test_every_kind_with_real_payloads_declares_its_fields_and_names_real_targets() -> None:
    for kind in kinds():
        assert FIELDS.get(kind), f"declare the fields of {kind} in ingest/providers/azure/kinds.py"
    for kind, fields in FIELDS.items():
        SCHEMA.node(kind)
        for f in fields:
            assert (f.prop is None) != (f.edge is None), f
            if f.prop is not None:
                assert f.prop in {p.name for p in SCHEMA.node(f.on or kind).properties}, f
            else:
                assert f.edge in SCHEMA.relationship_types(), f


def test_every_declared_field_a_real_payload_carries_reaches_a_property_or_an_edge(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    table, lost = report()
    data = os.environ.get("AIDISCOVER_DATA_DIR")
    out = (Path(data) if data else tmp_path_factory.mktemp("coverage")) / "coverage" / "azure.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(f"# Azure field coverage on published payloads\n\n{table}\n")
    print(f"\n{table}\n(written to {out})")
    assert lost == [], "fields of real payloads that reach no property or edge:\n" + "\n".join(lost)


def test_the_coverage_check_fails_on_a_field_the_transform_drops() -> None:
    storage = next(s for s in SAMPLES if s.kind == "AzureStorageAccount")
    dropped = Field("properties.networkAcls.bypass", prop="network_bypass")
    assert present(storage, dropped)
    assert not carried(storage, dropped)
