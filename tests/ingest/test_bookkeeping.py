"""The graph's bookkeeping kept small without losing an answer, against the real Neo4j: a job's many created
records folded into one change set per account, region and day answer the same history, old -> new values
included; a finished job's units kept on the Job answer the same job; the scopes' stamps kept on one node per
account and region answer the same last sighting; retention folds every finished job's records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.settings import JobsSettings, RetentionSettings
from graph.history_sets import fold_changes
from graph.neo4j.client import Graph
from graph.rows import NodeRow, PropValue, Scope
from graph.schema import SCHEMA
from graph.seen import SeenStamps, last_seen_cypher, record_seen
from graph.write import GraphWriter, SyncStamp
from ingest.jobs.model import JobRequest, UnitOutcome, UnitSpec
from ingest.jobs.retention import enforce
from ingest.jobs.store import create_job, finish_job, fold_units, get_job, unit_finished
from queries.history import ChangeFilter, changes_between, resource_history

ACCOUNT, REGION, OTHER_REGION = "111122223333", "eu-west-1", "us-east-1"
T1 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
T2 = T1 + timedelta(hours=1)
T3 = T2 + timedelta(hours=1)


def inst(ident: str, region: str = REGION, **props: PropValue) -> NodeRow:
    base: dict[str, PropValue] = {"account": ACCOUNT, "region": region, "name": ident, "instance_id": ident}
    return NodeRow("EC2Instance", f"arn:aws:ec2:{region}:{ACCOUNT}:instance/{ident}", {**base, **props})


def vol(ident: str) -> NodeRow:
    return NodeRow(
        "EBSVolume",
        f"arn:aws:ec2:{REGION}:{ACCOUNT}:volume/{ident}",
        {"account": ACCOUNT, "region": REGION, "name": ident},
    )


def sync(graph: Graph, rows: list[NodeRow], stamp: SyncStamp, job: str, scopes: tuple[Scope, ...]) -> None:
    writer = GraphWriter(graph, SCHEMA, history=True, job_id=job)
    writer.nodes(rows, stamp)
    for scope in scopes:
        writer.cleanup(scope, stamp)


def count(graph: Graph, cypher: str) -> int:
    return int(graph.read(cypher)[0]["n"])


def _answers(graph: Graph, probes: list[str], end: datetime) -> list[object]:
    return [
        [resource_history(graph, rid) for rid in probes],
        changes_between(graph, T1, end, first=1000),
        changes_between(graph, T1, end, first=5),
        changes_between(graph, T1, T1, ChangeFilter(kinds=("EBSVolume",))),
        changes_between(graph, T1, end, ChangeFilter(changes=("created",), accounts=(ACCOUNT,))),
        changes_between(graph, T1, end, ChangeFilter(changes=("changed", "deleted"))),
        changes_between(graph, T2, end),
    ]


def test_finished_change_records_folded_per_account_region_and_day_answer_the_same_history(graph: Graph) -> None:
    first = [inst(f"i-{n:02d}") for n in range(12)] + [vol("vol-1"), vol("vol-2")] + [inst("i-x", OTHER_REGION)]
    scopes = (
        Scope("aws", ACCOUNT, REGION, ("EC2Instance", "EBSVolume")),
        Scope("aws", ACCOUNT, OTHER_REGION, ("EC2Instance",)),
    )
    sync(graph, first, SyncStamp(1, T1), "j1", scopes)
    second = [r for r in first if r.id != inst("i-03").id and r.id != inst("i-04").id]
    second[0] = inst("i-00", instance_type="m5.large")
    sync(graph, second, SyncStamp(2, T2), "j2", scopes)
    next_day = T1 + timedelta(days=1)
    third = [inst("i-00", instance_type="m5.xlarge"), *second[1:]]
    sync(graph, third, SyncStamp(3, next_day), "j3", scopes)
    sync(graph, [*third, inst("i-new")], SyncStamp(4, next_day + timedelta(hours=1)), "j4", scopes)
    end = next_day + timedelta(hours=2)
    probes = [inst("i-03").id, inst("i-00").id, vol("vol-2").id, inst("i-x", OTHER_REGION).id, inst("i-new").id]
    before = _answers(graph, probes, end)
    assert count(graph, "MATCH (c:Change) RETURN count(c) AS n") == 15 + 3 + 1 + 1

    assert fold_changes(graph, running=("j4",)) == 19  # a running job's record stays a node
    assert count(graph, "MATCH (c:Change) RETURN count(c) AS n") == 1
    days = graph.read("MATCH (s:ChangeSet) RETURN s.day_key AS k, s.count AS n ORDER BY k")
    assert [(r["k"], r["n"]) for r in days] == [
        (f"{ACCOUNT}|{REGION}|2026-03-01", 14 + 3),
        (f"{ACCOUNT}|{REGION}|2026-03-02", 1),
        (f"{ACCOUNT}|{OTHER_REGION}|2026-03-01", 1),
    ]
    assert _answers(graph, probes, end) == before
    timeline = resource_history(graph, inst("i-00").id)
    assert [(c.change, [(p.name, p.old, p.new) for p in c.properties]) for c in timeline] == [
        ("created", []),
        ("changed", [("instance_type", "null", '"m5.large"')]),
        ("changed", [("instance_type", '"m5.large"', '"m5.xlarge"')]),
    ]
    assert [c.change for c in resource_history(graph, inst("i-03").id)] == ["created", "deleted"]
    assert fold_changes(graph) == 1  # the job finished: its record joins the next day's set
    assert count(graph, "MATCH (s:ChangeSet) RETURN count(s) AS n") == 3
    assert fold_changes(graph) == 0
    assert _answers(graph, probes, end) == before


def test_a_day_past_the_set_size_continues_in_the_next_part(graph: Graph) -> None:
    scope = (Scope("aws", ACCOUNT, REGION, ("EC2Instance",)),)
    rows = [inst(f"i-{n:02d}") for n in range(11)]
    sync(graph, rows[:7], SyncStamp(1, T1), "j1", scope)
    before = changes_between(graph, T1, T3)
    assert fold_changes(graph, chunk=4, batch=5) == 7
    sync(graph, rows, SyncStamp(2, T2), "j2", scope)
    assert fold_changes(graph, chunk=4) == 4
    parts = graph.read("MATCH (s:ChangeSet) RETURN s.part AS p, s.count AS n ORDER BY p")
    assert [(r["p"], r["n"]) for r in parts] == [(0, 4), (1, 4), (2, 3)]
    assert changes_between(graph, T1, T1) == before
    assert len(changes_between(graph, T1, T3)) == 11


def test_the_older_form_of_change_set_is_still_read(graph: Graph) -> None:
    graph.write(
        "CREATE (:ChangeSet {id: 'j0|a|r|created|0', change: 'created', resource_account: $a, resource_region: $r, "
        "at: $at, generation: 1, job_id: 'j0', count: 2, resource_ids: ['x', 'y'], resource_kinds: ['VPC', 'Subnet'], "
        "resource_names: ['vx', 'sy']})",
        {"a": ACCOUNT, "r": REGION, "at": T1},
    )
    got = changes_between(graph, T1, T2)
    assert [(c.resource_id, c.kind, c.name, c.change, c.at, c.job_id) for c in got] == [
        ("x", "VPC", "vx", "created", T1, "j0"),
        ("y", "Subnet", "sy", "created", T1, "j0"),
    ]
    assert [c.change for c in resource_history(graph, "y")] == ["created"]


def test_a_finished_jobs_units_kept_on_the_job_answer_the_same_job(graph: Graph) -> None:
    units = (UnitSpec("aws", ACCOUNT, REGION, "ec2"), UnitSpec("aws", ACCOUNT, REGION, "s3"))
    create_job(graph, "job-1", JobRequest("aws", (), (), "test"), "local", SyncStamp(1, T1), units)
    assert fold_units(graph, "job-1") == 0  # a running job keeps its unit nodes
    unit_finished(graph, "job-1", UnitOutcome(units[0].key, "succeeded", nodes=3, edges=2, written=5))
    unit_finished(graph, "job-1", UnitOutcome(units[1].key, "failed", errors=("s3: refused",)))
    finish_job(graph, "job-1")
    before = get_job(graph, "job-1")
    assert fold_units(graph, "job-1") == 2
    assert count(graph, "MATCH (u:JobUnit) RETURN count(u) AS n") == 0
    after = get_job(graph, "job-1")
    assert after == before
    assert [(u.key, u.status, u.nodes) for u in after.units] == [
        (units[0].key, "succeeded", 3),
        (units[1].key, "failed", 0),
    ]


def test_retention_folds_every_finished_jobs_records_and_strips_the_units_past_its_window(graph: Graph) -> None:
    spec = UnitSpec("aws", ACCOUNT, REGION, "ec2")
    scope = (Scope("aws", ACCOUNT, REGION, ("EC2Instance",)),)
    for n, at in enumerate((T1, T2, T3), start=1):
        job_id = f"job-{n}"
        create_job(graph, job_id, JobRequest("aws", (), (), "test"), "local", SyncStamp(n, at), (spec,))
        sync(graph, [inst(f"i-{n}-{k:02d}") for k in range(10)] + [inst("i-keep")], SyncStamp(n, at), job_id, scope)
        if n < 3:
            unit_finished(graph, job_id, UnitOutcome(spec.key, "succeeded", nodes=11))
            finish_job(graph, job_id)
            fold_units(graph, job_id)
    retention = RetentionSettings(jobs=20, job_days=0, unit_jobs=1, unit_days=0, changes=0)
    no_age = JobsSettings().model_copy(update={"history_retention_days": 0})
    end = T3 + timedelta(hours=1)
    before = changes_between(graph, T1, end, first=1000)
    report = enforce(graph, retention, no_age, now=end)
    # job-1: 10 + i-keep created; job-2: 10 created, 10 deleted; job-3 runs: its 20 records stay nodes
    assert (report.jobs, report.units, report.changes, report.folded) == (0, 1, 0, 31)
    assert "31 change record(s) folded" in report.line()
    assert count(graph, "MATCH (c:Change) RETURN count(c) AS n") == 20
    assert count(graph, "MATCH (s:ChangeSet) RETURN count(s) AS n") == 1
    assert changes_between(graph, T1, end, first=1000) == before
    assert (len(get_job(graph, "job-1").units), len(get_job(graph, "job-2").units)) == (0, 1)
    assert enforce(graph, retention, no_age, now=end).folded == 0  # the running job's records wait


def test_the_scopes_stamps_live_on_one_node_per_account_and_region(graph: Graph) -> None:
    ec2 = Scope("aws", ACCOUNT, REGION, ("EC2Instance", "NetworkInterface"))
    ebs = Scope("aws", ACCOUNT, REGION, ("EBSVolume",))
    record_seen(graph, ec2, SyncStamp(2, T2))
    record_seen(graph, ebs, SyncStamp(1, T1))
    record_seen(graph, ec2, SyncStamp(1, T1))  # older, finishing later: never moves the stamp back
    assert count(graph, "MATCH (s:SyncScope) RETURN count(s) AS n") == 1
    stamps = SeenStamps.load(graph)
    assert stamps.last_seen(["EC2Instance", "Resource"], ACCOUNT, REGION, None) == T2
    assert stamps.last_seen(["EBSVolume", "Resource"], ACCOUNT, REGION, None) == T1
    assert stamps.last_seen(["EBSVolume"], ACCOUNT, OTHER_REGION, None) is None
    graph.write(
        "CREATE (:EBSVolume:Resource {id: 'v', account: $a, region: $r}), (:SecurityGroup {id: 'g', account: $a, "
        "region: $r})",
        {"a": ACCOUNT, "r": REGION},
    )
    seen = graph.read(
        f"MATCH (n) WHERE n.id IN ['v', 'g'] RETURN n.id AS id, {last_seen_cypher('n')} AS at ORDER BY id"
    )
    assert [(r["id"], r["at"].to_native() if r["at"] else None) for r in seen] == [("g", None), ("v", T1)]
