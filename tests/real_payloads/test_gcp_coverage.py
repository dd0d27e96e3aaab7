"""Every security- and dependency-relevant field a published GCP payload carries reaches a property or an edge.

The fields are declared per kind on the provider's kind table (``ingest.providers.gcp.kinds.KINDS``). Each
payload is transformed alone; the report gives, per kind, the declared fields the corpus carries and how many
of them were carried through (written beside the test run's temporary files and printed with ``-s``).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from graph.schema import SCHEMA
from ingest.providers.gcp.kinds import GENERIC_LABEL, KINDS
from tests.real_payloads.gcp_corpus import load_corpus, nodes_for, reached, rows_of, values_at

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


def test_declared_fields_reach_a_property_or_an_edge(tmp_path_factory: pytest.TempPathFactory) -> None:
    seen: dict[str, set[str]] = defaultdict(set)
    carried: dict[str, set[str]] = defaultdict(set)
    lost: list[str] = []
    payloads: dict[str, int] = defaultdict(int)
    for payload in load_corpus():
        rows = rows_of([payload])
        for label, node, data in nodes_for(payload, rows):
            payloads[label] += 1
            for field in KINDS[label].fields:
                values = values_at(data, field.path)
                if not values:
                    continue
                key = f"{field.path} -> {field.prop or field.edge}"
                seen[label].add(key)
                if reached(field, values, node, rows.edges):
                    carried[label].add(key)
                else:
                    lost.append(f"{payload.path.parent.name}/{payload.path.name}: {key} ({values[:3]!r})")
    lines = ["kind | payloads | declared | carried by the corpus | carried through"]
    for label in TYPED:
        declared = len(KINDS[label].fields)
        lines.append(f"{label} | {payloads[label]} | {declared} | {len(seen[label])} | {len(carried[label])}")
    report = "\n".join(lines)
    Path(tmp_path_factory.getbasetemp(), "gcp_field_coverage.txt").write_text(report + "\n")
    print("\n" + report)
    assert not lost, "declared fields that reached no property or edge:\n" + "\n".join(lost)
