"""Run the rule catalogue over the graph and keep Finding nodes up to date.

Each rule's read-only query returns the offending resources. A hit becomes (or refreshes) the Finding
``<rule id>:<resource id>``, linked from its resource by HAS_FINDING and to the other resources of its
path by AFFECTS. A finding a rule no longer returns is marked ``resolved`` (never deleted); one that
comes back is reopened. Suppressions are then applied. The report lists the critical findings seen for
the first time; ``critical_event`` is the ``finding.critical`` event announcing one (queued by the caller:
``ingest.jobs.hooks.evaluate_findings`` after every sync).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

from neo4j import ManagedTransaction, Record

from core.errors import GraphError
from graph.neo4j.client import Graph
from queries.findings.catalogue import CATALOGUE
from queries.findings.model import Rule
from queries.findings.suppressions import apply_suppressions

log = logging.getLogger(__name__)

BATCH = 500


@dataclass(frozen=True)
class Hit:
    """One row of a rule: the resource it is about, the filled command and, for path rules, the path."""

    rule: Rule
    resource_id: str
    command: str
    path_ids: tuple[str, ...] = ()
    path_rels: tuple[str, ...] = ()

    @property
    def finding_id(self) -> str:
        return f"{self.rule.id}:{self.resource_id}"


@dataclass(frozen=True)
class NewFinding:
    id: str
    rule_id: str
    provider: str
    severity: str
    title: str
    resource_id: str
    command: str


@dataclass(frozen=True)
class EvaluationReport:
    rules: int
    hits: int
    new: tuple[NewFinding, ...]
    reopened: int
    resolved: int
    suppressed: int
    failed_rules: tuple[str, ...]
    seconds: float

    @property
    def new_critical(self) -> tuple[NewFinding, ...]:
        return tuple(f for f in self.new if f.severity == "critical")

    def summary(self) -> str:
        return (
            f"findings: {self.rules} rules, {self.hits} open or suppressed, "
            f"{len(self.new)} new ({len(self.new_critical)} critical), {self.reopened} reopened, "
            f"{self.resolved} resolved, {self.suppressed} suppressed, {len(self.failed_rules)} rules failed "
            f"in {self.seconds:.2f} s"
        )


def run_rule(graph: Graph, rule: Rule, now: datetime) -> list[Hit]:
    """The rule's hits, one per resource (the first row wins when a query returns a resource twice)."""
    rows = graph.read(rule.cypher, {**rule.parameters(), "now": now})
    hits: dict[str, Hit] = {}
    for row in rows:
        resource_id = row["resource_id"]
        if not isinstance(resource_id, str) or resource_id in hits:
            continue
        fields = row["fields"] if isinstance(row["fields"], dict) else {}
        data = row.data()
        hits[resource_id] = Hit(
            rule=rule,
            resource_id=resource_id,
            command=rule.render_command(fields),
            path_ids=tuple(str(x) for x in data.get("path_ids") or () if x is not None),
            path_rels=tuple(str(x) for x in data.get("path_rels") or () if x is not None),
        )
    return list(hits.values())


_UPSERT = """
UNWIND $rows AS row
OPTIONAL MATCH (res:Resource {id: row.resource_id})
MERGE (f:Finding {id: row.id})
WITH f, row, res, f.first_seen IS NULL AS created, coalesce(f.status, '') = 'resolved' AS reopened
SET f.rule_id = row.rule_id, f.title = row.title, f.severity = row.severity, f.provider = row.provider,
    f.resource_id = row.resource_id, f.resource_kind = coalesce(res.kind, row.kind), f.resource_name = res.name,
    f.resource_tags = coalesce(res.tags, []), f.account = res.account, f.region = res.region,
    f.path_ids = row.path_ids, f.path_rels = row.path_rels, f.remediation = row.remediation,
    f.command = row.command, f.benchmarks = row.benchmarks,
    f.first_seen = coalesce(f.first_seen, $now), f.last_seen = $now, f.evaluation = $gen, f.resolved_at = null,
    f.reopened_count = coalesce(f.reopened_count, 0) + CASE WHEN reopened THEN 1 ELSE 0 END,
    f.status = CASE WHEN f.status = 'suppressed' THEN 'suppressed' ELSE 'open' END
FOREACH (_ IN CASE WHEN res IS NULL THEN [] ELSE [1] END | MERGE (res)-[:HAS_FINDING]->(f))
RETURN f.id AS id, created, reopened
"""

_AFFECTS = """
UNWIND $rows AS row
MATCH (f:Finding {id: row.id})
OPTIONAL MATCH (f)-[old:AFFECTS]->()
DELETE old
WITH DISTINCT f, row
UNWIND row.path_ids AS pid
MATCH (x:Resource {id: pid}) WHERE pid <> row.resource_id
MERGE (f)-[:AFFECTS]->(x)
"""

_RESOLVE = """
MATCH (f:Finding) WHERE f.status <> 'resolved' AND coalesce(f.evaluation, 0) < $gen
  AND (f.rule_id IN $evaluated OR NOT f.rule_id IN $known)
SET f.status = 'resolved', f.resolved_at = $now, f.suppressed_by = null
RETURN count(f) AS resolved
"""


def _row(hit: Hit) -> dict[str, object]:
    rule = hit.rule
    return {
        "id": hit.finding_id,
        "rule_id": rule.id,
        "title": rule.title,
        "severity": rule.severity,
        "provider": rule.provider,
        "resource_id": hit.resource_id,
        "kind": rule.kinds[0],
        "path_ids": list(hit.path_ids),
        "path_rels": list(hit.path_rels),
        "remediation": rule.remediation,
        "command": hit.command,
        "benchmarks": list(rule.benchmarks),
    }


def _upsert(tx: ManagedTransaction, rows: list[dict[str, object]], now: datetime, gen: int) -> list[Record]:
    return list(tx.run(_UPSERT, rows=rows, now=now, gen=gen))


def _batches(items: Sequence[Hit], size: int = BATCH) -> Iterable[Sequence[Hit]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def evaluate(graph: Graph, rules: Sequence[Rule] = CATALOGUE, now: datetime | None = None) -> EvaluationReport:
    """Evaluate ``rules`` over the whole graph and write the findings. A rule whose query fails is
    reported in ``failed_rules`` and its findings are left as they were (neither refreshed nor resolved)."""
    started = time.monotonic()
    now = now or datetime.now(UTC)
    gen = time.time_ns() // 1000
    hits: list[Hit] = []
    failed: list[str] = []
    for rule in rules:
        try:
            hits += run_rule(graph, rule, now)
        except GraphError as exc:
            log.warning("rule %s failed: %s", rule.id, exc)
            failed.append(rule.id)
    by_id = {hit.finding_id: hit for hit in hits}
    new: list[NewFinding] = []
    reopened = 0
    for batch in _batches(hits):
        rows = [_row(hit) for hit in batch]
        written = graph.write_tx(partial(_upsert, rows=rows, now=now, gen=gen))
        for record in written:
            if record["created"]:
                hit = by_id[record["id"]]
                new.append(
                    NewFinding(
                        hit.finding_id,
                        hit.rule.id,
                        hit.rule.provider,
                        hit.rule.severity,
                        hit.rule.title,
                        hit.resource_id,
                        hit.command,
                    )
                )
            reopened += bool(record["reopened"])
        path_rows = [r for r in rows if r["path_ids"]]
        if path_rows:
            graph.write(_AFFECTS, {"rows": path_rows})
    evaluated = [rule.id for rule in rules if rule.id not in failed]
    known = [rule.id for rule in CATALOGUE]
    resolved = graph.write_tx(
        lambda tx: tx.run(_RESOLVE, gen=gen, now=now, evaluated=evaluated, known=known).single(strict=True)["resolved"]
    )
    suppressed = apply_suppressions(graph, now)
    report = EvaluationReport(
        rules=len(rules),
        hits=len(hits),
        new=tuple(new),
        reopened=reopened,
        resolved=int(resolved),
        suppressed=suppressed,
        failed_rules=tuple(failed),
        seconds=time.monotonic() - started,
    )
    log.info("%s", report.summary())
    return report


def critical_event(finding: NewFinding) -> dict[str, object]:
    """The ``finding.critical`` event for one new critical finding (JSON-able scalars; the id is stable,
    so a receiver can drop duplicates)."""
    return {
        "type": "finding.critical",
        "id": f"finding.critical:{finding.id}",
        "finding_id": finding.id,
        "rule": finding.rule_id,
        "severity": finding.severity,
        "provider": finding.provider,
        "title": finding.title,
        "resource": finding.resource_id,
        "command": finding.command,
    }
