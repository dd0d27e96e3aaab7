"""AWS transforms on the responses AWS publishes (tests/fixtures/real/aws, sources in SOURCES.md).

Every typed AWS kind in the schema has at least one published payload, and each declared security- or
dependency-relevant field a payload carries reaches its property or an outgoing edge of its type. A field
that reaches neither fails the test unless it is listed in KNOWN_GAPS. The per-kind report (payload files,
fields carried through / fields the corpus carries) is printed and kept in tests/fixtures/real/aws/COVERAGE.md.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from graph.rows import EdgeRow, NodeRow, PropValue, Transformed
from graph.schema import SCHEMA
from tests.real_payloads.aws_corpus import CORPUS, Published, items_at, load_kind
from tests.real_payloads.aws_kinds import KINDS, PARTS
from tests.real_payloads.aws_reading import F, Reading
from tests.real_payloads.gcp_corpus import values_at

REPORT = CORPUS / "COVERAGE.md"

# What the AWS transforms still lose on these responses ("kind: path -> target"); reported, not failed.
KNOWN_GAPS: frozenset[str] = frozenset(
    {
        # ListSecrets (what the fetch reads) carries no replicas; DescribeSecret per secret would
        "SecretsManagerSecret: ReplicationStatus[].Region -> replica_regions",
    }
)


def _items(published: Published, reading: Reading) -> Sequence[Mapping[str, Any]]:
    items = items_at(published, reading.items)
    return reading.select(items) if reading.select else items


def _aws_kinds() -> list[str]:
    return [k.label for k in SCHEMA.nodes if k.provider == "aws"]


def _files(kind: str, reading: Reading) -> list[Published]:
    return [p for p in load_kind(reading.source or kind) if not reading.operations or p.operation in reading.operations]


def _ident(reading: Reading, item: Mapping[str, Any]) -> str:
    if callable(reading.id_key):
        return reading.id_key(item)
    found = values_at(item, reading.id_key)
    return str(found[0]).strip() if found else ""


def _node(kind: str, reading: Reading, item: Mapping[str, Any], rows: Transformed) -> NodeRow | None:
    ident = _ident(reading, item)
    candidates = [n for n in rows.nodes if n.label == kind]
    return next((n for n in candidates if n.id == ident), None) or next(
        (n for n in candidates if ident and (ident in n.id or ident in n.props.values())),
        None,
    )


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


_TRUTH = {"true": True, "enable": True, "enabled": True, "false": False, "disable": False, "disabled": False}


def _matches(value: Any, held: PropValue) -> bool:
    if isinstance(held, tuple):
        return any(_matches(value, h) for h in held)
    if isinstance(value, bool) or isinstance(held, bool):
        return _TRUTH.get(str(value).lower()) == held  # EC2 options say "enable" / "disable"
    if isinstance(held, datetime) or isinstance(value, datetime):
        return _text(value) == _text(held)
    if isinstance(held, int):
        return str(value) == str(held)
    return str(value) in str(held)


def _reached(field: F, values: Sequence[Any], node: NodeRow, edges: Sequence[EdgeRow]) -> bool:
    """Every value is held by the property, or names the target of one of the node's edges of that type
    (the target id holds it, or the value holds the target id: a JSON redrive policy names its queue)."""
    if field.prop is not None:
        held = node.props.get(field.prop)
        return held is not None and all(_matches(v, held) for v in values)
    targets = [e.target_id for e in edges if e.source_id == node.id and e.type == field.edge]
    # VPCZoneIdentifier: "subnet-a,subnet-b"; a JSON value (a redrive policy) names its target whole
    named = [n for v in values for n in ([_text(v)] if _text(v).startswith("{") else _text(v).split(","))]
    return all(any(n in t or t in n for t in targets) for n in named)


def _check() -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, set[Path]]]:
    carried: dict[str, set[str]] = defaultdict(set)
    lost: dict[str, set[str]] = defaultdict(set)
    files: dict[str, set[Path]] = defaultdict(set)
    for kind, readings in KINDS.items():
        for reading in readings:
            for published in _files(kind, reading):
                items = _items(published, reading)
                rows = reading.transform(items)
                files[kind].add(published.path)
                if not items:
                    lost[kind].add(f"{kind}: {published.path.name}: no items at {reading.items!r}")
                for item in items:
                    node = _node(kind, reading, item, rows)
                    if node is None:
                        lost[kind].add(f"{kind}: {published.path.name}: no node for {_ident(reading, item)!r}")
                        continue
                    for field in reading.fields:
                        values = [v for v in values_at(item, field.path) if v != ""]
                        if not values:
                            continue
                        key = f"{kind}: {field.path} -> {field.prop or field.edge}"
                        carried[kind].add(key)
                        if not _reached(field, values, node, rows.edges):
                            lost[kind].add(key)
    return carried, lost, files


def _declared(kind: str) -> set[str]:
    return {f"{f.path} -> {f.prop or f.edge}" for r in KINDS.get(kind, ()) for f in r.fields}


def report(carried: Mapping[str, set[str]], lost: Mapping[str, set[str]], files: Mapping[str, set[Path]]) -> str:
    lines = [
        "# AWS published payloads: field coverage",
        "",
        "Generated by `tests/real_payloads/test_aws_coverage.py` from tests/fixtures/real/aws (sources and",
        "licences in its SOURCES.md). *Declared*: the security- and dependency-relevant fields listed for the kind;",
        "*carried*: those the published payloads hold; *through*: those that reach their property or edge.",
        "",
        "| Kind | Payload files | Declared | Carried | Through |",
        "|---|---|---|---|---|",
    ]
    for kind in _aws_kinds():
        owner = PARTS.get(kind)
        if owner:
            lines.append(f"| {kind} | part of {owner}'s payloads | — | — | — |")
            continue
        n_carried = len(carried.get(kind, ()))
        through = n_carried - len(lost.get(kind, ()))
        lines.append(f"| {kind} | {len(files.get(kind, ()))} | {len(_declared(kind))} | {n_carried} | {through} |")
    total = sum(len(v) for v in carried.values())
    total_lost = sum(len(v) for v in lost.values())
    n_files = len({p for v in files.values() for p in v})
    lines += ["", f"{n_files} payload files; {total - total_lost} of {total} carried fields reach a property or edge."]
    gaps = sorted({k for v in lost.values() for k in v})
    lines += ["", "Lost (listed in KNOWN_GAPS with the reason):", "", *(f"- {g}" for g in gaps)] if gaps else []
    return "\n".join(lines) + "\n"


def test_every_typed_aws_kind_has_a_published_payload() -> None:
    missing = [k for k in _aws_kinds() if k not in KINDS and k not in PARTS and k != "AwsResource"]
    missing += [k for k in KINDS if not any(_files(k, r) for r in KINDS[k])]
    assert missing == []
    assert "AwsResource" in KINDS


def test_every_file_of_the_corpus_is_read() -> None:
    read = {p.path for k, readings in KINDS.items() for r in readings for p in _files(k, r)}
    assert sorted(str(p.relative_to(CORPUS)) for p in CORPUS.glob("*/*.json") if p not in read) == []


@pytest.mark.parametrize("part", sorted(PARTS))
def test_a_part_kind_comes_out_of_its_owners_published_payloads(part: str) -> None:
    owner = PARTS[part]
    rows = [n for r in KINDS[owner] for p in _files(owner, r) for n in r.transform(_items(p, r)).nodes]
    assert any(n.label == part for n in rows)


def test_declared_aws_fields_reach_a_property_or_an_edge(capsys: pytest.CaptureFixture[str]) -> None:
    carried, lost, files = _check()
    text = report(carried, lost, files)
    with capsys.disabled():
        print("\n" + text)
    assert REPORT.read_text() == text, "COVERAGE.md is stale: run `python -m tests.real_payloads.test_aws_coverage`"
    new = sorted({k for v in lost.values() for k in v} - KNOWN_GAPS)
    assert new == [], "AWS fields that reach no property or edge:\n" + "\n".join(new)


def _published(kind: str, operation: str | None = None) -> Any:
    [published] = [p for p in load_kind(kind) if operation in (None, p.operation)]
    return published


def _rows(kind: str, operation: str | None = None) -> Transformed:
    published = _published(kind, operation)
    [reading] = [r for r in KINDS[kind] if not r.operations or published.operation in r.operations]
    return reading.transform(items_at(published, reading.items))


def test_a_published_topic_policy_open_to_any_principal_but_narrowed_to_the_owner_account_is_not_public() -> None:
    [topic] = _rows("SNSTopic").nodes
    assert topic.props["policy_allows_public"] is False  # Principal {"AWS": "*"} with AWS:SourceOwner


def test_a_published_bucket_policy_granting_getobject_to_everyone_is_public() -> None:
    [bucket] = _rows("S3Bucket").nodes
    assert (bucket.id, bucket.props["policy_allows_public"]) == ("arn:aws:s3:::my-bucket", True)


def test_a_security_group_rule_naming_a_group_points_at_that_group() -> None:
    [reading] = KINDS["SecurityGroup"]
    vpc = load_kind("SecurityGroup")[1]
    rows = reading.transform(items_at(vpc, reading.items))
    allows = [e for e in rows.edges if e.type == "ALLOWS_FROM"]
    assert [e.target_id for e in allows] == ["arn:aws:ec2:us-east-1:123456789012:security-group/sg-903004f8"]
    assert {n.props.get("cidr") for n in rows.nodes if n.label == "SecurityGroupRule"} >= {
        "203.0.113.0/24",
        "0.0.0.0/0",
    }


def test_published_timestamps_reach_the_transforms_as_datetimes() -> None:
    [instance] = items_at(_published("EC2Instance"), "Reservations.Instances")
    assert isinstance(instance["LaunchTime"], datetime)
    assert (
        json.loads(_published("EC2Instance").path.read_text())["response"]["Reservations"][0]["Instances"][0][
            "LaunchTime"
        ]
        == "2022-11-15T10:48:59+00:00"
    )


if __name__ == "__main__":
    REPORT.write_text(report(*_check()))
