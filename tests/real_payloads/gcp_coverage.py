"""Field coverage of the published GCP payloads, value by value, and the per-kind report.

A declared field (``ingest.providers.gcp.kinds.KINDS``) is carried through when every value a payload holds
for it reaches its property, or an edge of the declared type from the node to the exact id the value names
(``ingest.providers.gcp.kinds.expected_id``: the id the handlers key the target by). Each payload is
transformed alone, so an edge may end at an id that is not a node: that is the unresolved reference the job
counts, and it counts as carried only when it is that id.

``python -m tests.real_payloads.gcp_coverage`` prints the report; ``--write`` refreshes
tests/fixtures/real/gcp/COVERAGE.md, which a test keeps current.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from graph.schema import SCHEMA
from ingest.providers.gcp.items import Context, Item
from ingest.providers.gcp.kinds import BUCKET_ACCESS_FIELDS, GENERIC_LABEL, KINDS
from ingest.providers.gcp.storage_access import bucket_id, transform_bucket_access
from ingest.providers.gcp.storage_fetch import BucketRead
from tests.real_payloads.gcp_corpus import (
    CORPUS,
    Read,
    RealPayload,
    load_corpus,
    lost_values,
    nodes_for,
    read,
    values_at,
)

__all__ = ["API", "REPORT", "AccessRead", "KindCoverage", "access_reads", "coverage", "render"]

REPORT = CORPUS / "COVERAGE.md"
API = CORPUS / "storage_api"


@dataclass(frozen=True)
class KindCoverage:
    """One schema kind: the corpus files whose read holds a node of it, and its declared fields."""

    label: str
    files: tuple[str, ...]
    declared: int
    present: int
    carried: int
    lost: tuple[str, ...]


@dataclass(frozen=True)
class AccessRead:
    """One bucket's Storage JSON API pair (its resource and its getIamPolicy answer) and their rows."""

    files: tuple[str, ...]
    bodies: Mapping[str, Mapping[str, Any]]  # "bucket" / "policy" -> the body, as BUCKET_ACCESS_FIELDS keys them
    read: Read


def access_reads() -> list[AccessRead]:
    """The bucket access transform on every pair under storage_api/ (paired by the bucket name their file names
    end with), each bucket alone."""
    out = []
    for policy_file in sorted(API.glob("*_bucket_iam_policy_*.json")):
        name = policy_file.stem.split("_bucket_iam_policy_", 1)[1]
        bucket_file = next(API.glob(f"*_bucket_{name}.json"), None)
        if bucket_file is None:
            continue
        bucket, policy = (json.loads(f.read_text()) for f in (bucket_file, policy_file))
        rows = transform_bucket_access([BucketRead(name, bucket, policy)], {})
        payload = RealPayload(bucket_file, "GCPBucketIamPolicy", bucket)
        item = Item(bucket_id(name), "storage.googleapis.com/Bucket", "GCPStorageBucket", bucket, None, "", "")
        files = tuple(f"storage_api/{f.name}" for f in (bucket_file, policy_file))
        out.append(AccessRead(files, {"bucket": bucket, "policy": policy}, Read(payload, rows, item, Context())))
    return out


def _access_coverage(
    present: dict[str, set[str]], failed: dict[str, set[str]], lost: dict[str, list[str]]
) -> dict[str, set[str]]:
    files: dict[str, set[str]] = defaultdict(set)
    for a in access_reads():
        assert a.read.item is not None
        for node in a.read.rows.nodes:
            files[node.label] |= set(a.files)
            for body, fields in BUCKET_ACCESS_FIELDS.items():
                for field in fields:
                    found = values_at(a.bodies[body], field.path)
                    if not found:
                        continue
                    key = f"{body}: {field.path} -> {field.prop or f'-[:{field.edge}]-'}"
                    present[node.label].add(key)
                    for v in lost_values(field, found, node, a.read.item, a.read):
                        failed[node.label].add(key)
                        lost[node.label].append(f"{' + '.join(a.files)}: {key}: {v!r}")
    return files


def coverage(reads: Iterable[Read] | None = None) -> list[KindCoverage]:
    """Per typed GCP kind of the schema: payload files and declared fields carried through / present."""
    reads = [read(p) for p in load_corpus()] if reads is None else list(reads)
    present: dict[str, set[str]] = defaultdict(set)
    failed: dict[str, set[str]] = defaultdict(set)
    lost: dict[str, list[str]] = defaultdict(list)
    files = _access_coverage(present, failed, lost)
    for r in reads:
        where = f"{r.payload.path.parent.name}/{r.payload.path.name}"
        for node in r.rows.nodes:
            files[node.label].add(where)
        for label, node, data, item in nodes_for(r):
            for field in KINDS[label].fields:
                found = values_at(data, field.path)
                if not found:
                    continue
                key = f"{field.path} -> {field.prop or f'-[:{field.edge}]-'}"
                present[label].add(key)
                for v in lost_values(field, found, node, item, r):
                    failed[label].add(key)
                    lost[label].append(f"{where}: {key}: {v!r}")
    out = []
    for kind in SCHEMA.nodes:
        if kind.provider != "gcp" or kind.label == GENERIC_LABEL:
            continue
        label = kind.label
        declared = len(KINDS[label].fields) if label in KINDS else 0
        if label == "GCPBucketIamPolicy":
            declared = sum(len(fields) for fields in BUCKET_ACCESS_FIELDS.values())
        seen = present[label]
        out.append(
            KindCoverage(
                label,
                tuple(sorted(files[label])),
                declared,
                len(seen),
                len(seen - failed[label]),
                tuple(lost[label]),
            )
        )
    return out


def render(rows: Iterable[KindCoverage]) -> str:
    lines = [
        "# GCP field coverage on published payloads",
        "",
        "Generated by `python -m tests.real_payloads.gcp_coverage --write` from the corpus in this directory",
        "(sources in SOURCES.md) and the fields declared per kind in `ingest/providers/gcp/kinds.py`; a test",
        "fails when it drifts. *Files*: corpus files whose read holds a node of the kind (a node pool arrives",
        "inside its cluster, a principal inside an IAM policy, a bucket's access from the Storage JSON API",
        "bodies under storage_api/). *Carried / present*: declared fields the corpus holds a value for, and of",
        "those the fields whose every value reached its property or its exact relationship.",
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
