"""Field coverage of the published Azure payloads, value by value, and the per-kind report.

A declared field (``ingest.providers.azure.kinds.FIELDS``) is carried through when every value a payload
holds for it reaches its property (on the row's own node, or on a node of the child kind ``on``) or its
exact relationship: an edge of the declared type with one end of the declared kind and the id the value
names at one of its ends. A reference the transform could only record as unresolved (its target's kind
is known from the rows alone, and the target is not among them) counts when the recorded id is that id.

``python -m tests.real_payloads.azure_coverage`` prints the report; ``--write`` refreshes
tests/fixtures/real/azure/COVERAGE.md, which a test keeps current.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from graph.rows import NodeRow, PropValue
from graph.schema import SCHEMA
from ingest.providers.azure.kinds import FIELDS, Field, expected_id, values
from ingest.providers.azure.props import lid
from ingest.providers.azure.transform import AzureRead
from ingest.providers.references import Unresolved, unresolved
from tests.real_payloads.azure_corpus import CORPUS, Sample, samples

__all__ = ["REPORT", "KindCoverage", "coverage", "dropped", "lost_values", "present", "render"]

REPORT = CORPUS / "COVERAGE.md"


def present(s: Sample, f: Field) -> bool:
    return any(any(True for _ in values(p, f.path)) for p in s.payloads)


def _text(value: object) -> str:
    return str(value).lower()


def _holds(prop: PropValue, value: object) -> bool:
    """The property holds the payload's value (a transformed property keeps it as a part: "80" in "Http:80")."""
    if prop is None or prop == () or prop == "":
        return False
    items = prop if isinstance(prop, tuple) else (prop,)
    return any(_text(value) in _text(item) for item in items)


def _node(s: Sample, label: str, node_id: str) -> NodeRow | None:
    return next((n for n in s.read.rows.nodes if n.label == label and n.id == node_id), None)


def _prop_lost(s: Sample, f: Field, kind: str, payload: Mapping[str, Any], found: list[Any]) -> list[Any]:
    assert f.prop is not None
    if f.on is None:
        node = _node(s, kind, lid(payload.get("id")))
        if node is None:
            return found
        if f.count:
            return [] if node.props.get(f.prop) == len(found) else found
        return [v for v in found if not _holds(node.props.get(f.prop), v)]
    nodes = [n for n in s.read.rows.nodes if n.label == f.on]
    return [v for v in found if not any(_holds(n.props.get(f.prop), v) for n in nodes)]


def _edge_lost(s: Sample, f: Field, kind: str, payload: Mapping[str, Any], found: list[Any]) -> list[Any]:
    label = f.on or kind
    ends = {
        (e.source_id, e.target_id)
        for e in s.read.rows.edges
        if e.type == f.edge and label in (e.source_label, e.target_label)
    }
    counted = {u.missing_id for u in dropped(s.read) if u.type == f.edge}
    lost = []
    for v in found:
        want = expected_id(f, str(payload.get("id") or ""), v)
        if not any(want in pair for pair in ends) and want not in counted:
            lost.append(v)
    return lost


def dropped(read: AzureRead) -> list[Unresolved]:
    """The references of a read the transform recorded instead of emitting an edge (its unresolved ones
    other than the edges it emitted to ids that are not nodes)."""
    return list((Counter(read.unresolved) - Counter(unresolved(read.rows))).elements())


def lost_values(s: Sample, f: Field) -> list[Any]:
    """The values of ``f`` in the sample's payloads that reach neither the property nor the exact edge."""
    out: list[Any] = []
    for payload in s.payloads:
        found = list(values(payload, f.path))
        if not found:
            continue
        check = _prop_lost if f.prop is not None else _edge_lost
        out += check(s, f, s.kind, payload, found)
    return out


@dataclass(frozen=True)
class KindCoverage:
    """One schema kind: the corpus files whose read holds a node of it, and its declared fields."""

    label: str
    files: tuple[str, ...]
    declared: int
    present: int
    carried: int
    lost: tuple[str, ...]


def _owner(kind: str, f: Field) -> str:
    return f.on or kind


def coverage(corpus: Iterable[Sample] | None = None) -> list[KindCoverage]:
    """Per typed Azure kind of the schema: payload files and declared fields carried through / present."""
    corpus = list(samples() if corpus is None else corpus)
    declared: dict[str, list[tuple[str, Field]]] = {}
    for kind, fields in FIELDS.items():
        for f in fields:
            declared.setdefault(_owner(kind, f), []).append((kind, f))
    out = []
    for node_kind in SCHEMA.nodes:
        if node_kind.provider != "azure" or node_kind.label == "AzureResource":
            continue
        label = node_kind.label
        files = tuple(
            sorted({f"{s.kind}/{s.file}" for s in corpus if any(n.label == label for n in s.read.rows.nodes)})
        )
        mine = declared.get(label, [])
        seen = carried = 0
        lost: list[str] = []
        for kind, f in mine:
            carriers = [s for s in corpus if s.kind == kind and present(s, f)]
            if not carriers:
                continue
            seen += 1
            missed = [f"{s.kind}/{s.file}: {f.path} -> {f.reaches}: {v!r}" for s in carriers for v in lost_values(s, f)]
            carried += not missed
            lost += missed
        out.append(KindCoverage(label, files, len(mine), seen, carried, tuple(lost)))
    return out


def render(rows: Iterable[KindCoverage]) -> str:
    lines = [
        "# Azure field coverage on published payloads",
        "",
        "Generated by `python -m tests.real_payloads.azure_coverage --write` from the corpus in this directory",
        "(sources in SOURCES.md) and the fields declared per kind in `ingest/providers/azure/kinds.py`; a test",
        "fails when it drifts. *Files*: corpus files whose read holds a node of the kind (a subnet arrives",
        "inside its VNet, a rule inside its NSG or load balancer). *Carried / present*: declared fields the",
        "corpus holds a value for, and of those the fields whose every value reached its property or its exact",
        "relationship.",
        "",
        "| kind | files | declared fields | carried / present |",
        "|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r.label} | {len(r.files)} | {r.declared} | {r.carried} / {r.present} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    text = render(coverage())
    if "--write" in argv:
        REPORT.write_text(text)
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
