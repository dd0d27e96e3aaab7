"""Creations recorded in bulk: one ``ChangeSet`` node for many ``created`` Change records of one job.

A ``created`` Change holds no before/after values, only the resource's id, kind and name, the account, the
region and the sync. When one job created many resources in one account and region (the first sync of an
estate, a large deployment) those records are most of the graph's bookkeeping; ``fold_created`` replaces
them, once the job is past the retention's detail window, with ``ChangeSet`` nodes holding the same facts
as parallel lists (``resource_ids``, ``resource_kinds``, ``resource_names``), at most ``CHUNK`` each. Nothing
is lost: ``queries.history`` reads both forms and answers a resource's timeline and "what changed between"
as before. Groups smaller than ``MIN_GROUP`` stay individual Change records.
"""

from __future__ import annotations

import logging
from datetime import datetime

from graph.neo4j.client import Graph

__all__ = ["CHANGE_SET_LABEL", "CHUNK", "MIN_GROUP", "fold_created"]

log = logging.getLogger(__name__)

CHANGE_SET_LABEL = "ChangeSet"
CHUNK = 5_000
MIN_GROUP = 10

# One job's created records (``at``: the job's sync time at offset Z, as the writer stores it), grouped by account
# and region; each group of at least $min becomes ChangeSets of at most $chunk resources (ids stable: a fold
# run again MERGEs the same sets), its records deleted.
_FOLD = (
    "MATCH (c:Change) WHERE c.at = $at AND c.job_id = $job AND c.change = 'created' "
    "WITH c.resource_account AS account, c.resource_region AS region, collect(c) AS cs "
    "WHERE size(cs) >= $min "
    "UNWIND range(0, size(cs) - 1, $chunk) AS start "
    "WITH account, region, cs[start..start + $chunk] AS part, start "
    f"MERGE (s:{CHANGE_SET_LABEL} {{id: $job + '|' + coalesce(account, '') + '|' + coalesce(region, '') + "
    "'|created|' + toString(start)}) "
    "SET s.change = 'created', s.resource_account = account, s.resource_region = region, s.at = $at, "
    "s.generation = head(part).generation, s.job_id = $job, s.count = size(part), "
    "s.resource_ids = [c IN part | c.resource_id], s.resource_kinds = [c IN part | c.resource_kind], "
    "s.resource_names = [c IN part | coalesce(c.resource_name, '')] "
    "WITH part UNWIND part AS c DELETE c "
    "RETURN count(c) AS folded"
)


def fold_created(graph: Graph, job_id: str, at: datetime, min_group: int = MIN_GROUP, chunk: int = CHUNK) -> int:
    """Fold the ``created`` Change records the job ``job_id`` (its sync time ``at``, a UTC datetime) wrote into
    ChangeSets, per account and region holding at least ``min_group``; returns how many records were folded."""
    params = {"job": job_id, "at": at, "min": max(2, min_group), "chunk": max(1, chunk)}
    folded = int(graph.write_tx(lambda tx: tx.run(_FOLD, params).single(strict=True)["folded"]))
    if folded:
        log.info("history: %s created record(s) of job %s folded into change sets", folded, job_id)
    return folded
