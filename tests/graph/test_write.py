"""GraphWriter against the real Neo4j: MERGE by id with schema stamps, batching, edges between written
nodes only, schema checks on every row, and cleanup scoped to one account, region and label set."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import neo4j.time
import pytest

from core.errors import SchemaError, ServiceError
from graph.neo4j.client import Graph
from graph.rows import EdgeRow, NodeRow, PropValue, Scope
from graph.schema import SCHEMA
from graph.write import CleanupCounts, EdgeCounts, GraphWriter, SyncStamp

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
REGION = "eu-central-1"
OTHER_REGION = "us-west-2"

T1 = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)
T2 = T1 + timedelta(hours=1)
OLD = SyncStamp(generation=1_714_564_800_000_000, at=T1)
NEW = SyncStamp(generation=1_714_568_400_000_000, at=T2)


def _arn(kind: str, ident: str, account: str = ACCOUNT, region: str = REGION) -> str:
    return f"arn:aws:ec2:{region}:{account}:{kind}/{ident}"


def vpc(ident: str, account: str = ACCOUNT, region: str = REGION, **props: PropValue) -> NodeRow:
    base: dict[str, PropValue] = {"account": account, "region": region, "name": ident, "vpc_id": ident}
    return NodeRow("VPC", _arn("vpc", ident, account, region), {**base, **props})


def subnet(ident: str, account: str = ACCOUNT, region: str = REGION, **props: PropValue) -> NodeRow:
    base: dict[str, PropValue] = {"account": account, "region": region, "name": ident, "subnet_id": ident}
    return NodeRow("Subnet", _arn("subnet", ident, account, region), {**base, **props})


def instance(ident: str, account: str = ACCOUNT, region: str = REGION, **props: PropValue) -> NodeRow:
    base: dict[str, PropValue] = {"account": account, "region": region, "name": ident, "instance_id": ident}
    return NodeRow("EC2Instance", _arn("instance", ident, account, region), {**base, **props})


def group(ident: str, account: str = ACCOUNT, region: str = REGION) -> NodeRow:
    props: dict[str, PropValue] = {"account": account, "region": region, "name": ident, "group_id": ident}
    return NodeRow("SecurityGroup", _arn("security-group", ident, account, region), props)


def edge(type_: str, source: NodeRow, target: NodeRow) -> EdgeRow:
    return EdgeRow(type_, source.label, source.id, target.label, target.id)


def _native(value: Any) -> Any:
    return value.to_native() if isinstance(value, neo4j.time.DateTime) else value


def node_props(graph: Graph, node_id: str) -> dict[str, Any]:
    records = graph.read("MATCH (n {id: $id}) RETURN properties(n) AS props", {"id": node_id})
    assert len(records) == 1, f"{len(records)} nodes with id {node_id}"
    return {k: _native(v) for k, v in records[0]["props"].items()}


def node_labels(graph: Graph, node_id: str) -> list[str]:
    return sorted(graph.read("MATCH (n {id: $id}) RETURN labels(n) AS l", {"id": node_id})[0]["l"])


def all_ids(graph: Graph) -> set[str]:
    return {r["id"] for r in graph.read("MATCH (n) RETURN n.id AS id")}


def all_edges(graph: Graph) -> set[tuple[str, str, str]]:
    records = graph.read("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b")
    return {(r["a"], r["t"], r["b"]) for r in records}


def edge_props(graph: Graph, source_id: str, type_: str, target_id: str) -> dict[str, Any]:
    records = graph.read(
        "MATCH (a {id: $a})-[r]->(b {id: $b}) WHERE type(r) = $t RETURN properties(r) AS props",
        {"a": source_id, "b": target_id, "t": type_},
    )
    assert len(records) == 1
    return {k: _native(v) for k, v in records[0]["props"].items()}


@pytest.fixture
def writer(graph: Graph) -> GraphWriter:
    return GraphWriter(graph, SCHEMA)


# --- nodes -----------------------------------------------------------------------------------------


def test_resource_node_is_merged_with_resource_label_kind_provider_and_stamps(
    graph: Graph, writer: GraphWriter
) -> None:
    row = vpc(
        "vpc-0a1b2c3d4e5f60718",
        tags=("env=prod", "team=platform"),
        cidr_block="10.0.0.0/16",
        cidr_blocks=("10.0.0.0/16", "100.64.0.0/16"),
        is_default=False,
    )
    assert writer.nodes([row], OLD) == 1
    assert node_labels(graph, row.id) == ["Resource", "VPC"]
    assert node_props(graph, row.id) == {
        "id": row.id,
        "account": ACCOUNT,
        "region": REGION,
        "name": "vpc-0a1b2c3d4e5f60718",
        "vpc_id": "vpc-0a1b2c3d4e5f60718",
        "tags": ["env=prod", "team=platform"],
        "cidr_block": "10.0.0.0/16",
        "cidr_blocks": ["10.0.0.0/16", "100.64.0.0/16"],
        "is_default": False,
        "kind": "VPC",
        "provider": "aws",
        "first_seen": T1,
        "last_seen": T1,
        "last_sync": OLD.generation,
    }


def test_non_resource_node_gets_neither_resource_label_nor_kind_nor_provider(graph: Graph, writer: GraphWriter) -> None:
    rule_id = _arn("security-group", "sg-1") + "/ingress/tcp/443-443/0.0.0.0/0"
    row = NodeRow(
        "SecurityGroupRule",
        rule_id,
        {"account": ACCOUNT, "region": REGION, "group_id": "sg-1", "protocol": "tcp", "from_port": 443},
    )
    assert writer.nodes([row], OLD) == 1
    assert node_labels(graph, rule_id) == ["SecurityGroupRule"]
    assert node_props(graph, rule_id) == {
        "id": rule_id,
        "account": ACCOUNT,
        "region": REGION,
        "group_id": "sg-1",
        "protocol": "tcp",
        "from_port": 443,
        "first_seen": T1,
        "last_seen": T1,
        "last_sync": OLD.generation,
    }


def test_kind_and_provider_from_the_row_are_overridden_by_the_schema(graph: Graph, writer: GraphWriter) -> None:
    row = vpc("vpc-1", kind="Subnet", provider="gcp")
    writer.nodes([row], OLD)
    props = node_props(graph, row.id)
    assert (props["kind"], props["provider"]) == ("VPC", "aws")


def test_rewriting_the_same_rows_keeps_first_seen_moves_last_seen_and_creates_no_duplicate(
    graph: Graph, writer: GraphWriter
) -> None:
    a, b = subnet("subnet-a"), subnet("subnet-b")
    assert writer.nodes([a, b], OLD) == 2
    assert writer.nodes([a, b], NEW) == 2
    assert graph.read("MATCH (n:Subnet) RETURN count(n) AS c")[0]["c"] == 2
    assert graph.read("MATCH (n:Resource) RETURN count(n) AS c")[0]["c"] == 2
    for row in (a, b):
        props = node_props(graph, row.id)
        assert (props["first_seen"], props["last_seen"], props["last_sync"]) == (T1, T2, NEW.generation)


def test_rewriting_an_edge_keeps_its_first_seen_and_moves_its_last_seen(graph: Graph, writer: GraphWriter) -> None:
    s, v = subnet("subnet-a"), vpc("vpc-a")
    for stamp in (OLD, NEW):
        writer.nodes([s, v], stamp)
        assert writer.edges([edge("IN_VPC", s, v)], stamp) == EdgeCounts(written=1, skipped=0)
    assert all_edges(graph) == {(s.id, "IN_VPC", v.id)}
    assert edge_props(graph, s.id, "IN_VPC", v.id) == {"first_seen": T1, "last_seen": T2, "last_sync": NEW.generation}


@pytest.mark.parametrize("how", ["key dropped", "value None"])
def test_a_property_that_disappears_from_the_row_is_removed_from_the_node(
    graph: Graph, writer: GraphWriter, how: str
) -> None:
    before = instance("i-1", public_ip="54.1.2.3", public_dns="ec2-54-1-2-3.compute-1.amazonaws.com", state="running")
    writer.nodes([before], OLD)
    assert node_props(graph, before.id)["public_ip"] == "54.1.2.3"
    after_props = {k: v for k, v in before.props.items() if k not in ("public_ip", "public_dns")}
    if how == "value None":
        after_props |= {"public_ip": None, "public_dns": None}
    after_props["state"] = "stopped"
    writer.nodes([NodeRow("EC2Instance", before.id, after_props)], NEW)
    props = node_props(graph, before.id)
    assert "public_ip" not in props
    assert "public_dns" not in props
    assert props["state"] == "stopped"
    assert props["first_seen"] == T1


def test_batches_smaller_than_the_row_count_write_every_row(graph: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    transactions: list[int] = []
    real_write_tx = graph.write_tx

    def counting_write_tx(work: Callable[[Any], Any]) -> Any:
        transactions.append(1)
        return real_write_tx(work)

    monkeypatch.setattr(graph, "write_tx", counting_write_tx)
    writer = GraphWriter(graph, SCHEMA, batch_size=2)
    vpcs = [vpc(f"vpc-{n}") for n in range(5)]
    subnets = [subnet(f"subnet-{n}") for n in range(5)]
    assert writer.nodes([*vpcs, *subnets], OLD) == 10
    assert len(transactions) == 6  # 3 batches (2+2+1) per label
    assert all_ids(graph) == {row.id for row in (*vpcs, *subnets)}

    transactions.clear()
    counts = writer.edges([edge("IN_VPC", s, v) for s, v in zip(subnets, vpcs, strict=True)], OLD)
    assert counts == EdgeCounts(written=5, skipped=0)
    assert len(transactions) == 3
    assert all_edges(graph) == {(s.id, "IN_VPC", v.id) for s, v in zip(subnets, vpcs, strict=True)}


def test_a_batch_size_below_one_is_refused(graph: Graph) -> None:
    with pytest.raises(SchemaError, match="AIDISCOVER_WRITE_BATCH_SIZE"):
        GraphWriter(graph, SCHEMA, batch_size=0)


def _estate(cells: int) -> tuple[list[NodeRow], list[EdgeRow]]:
    """VPCs with subnets, security groups and instances, edges to shared VPCs and groups (contended locks)."""
    nodes: list[NodeRow] = []
    edges: list[EdgeRow] = []
    for c in range(cells):
        v, g = vpc(f"vpc-{c % 3}"), group(f"sg-{c % 4}")
        s = subnet(f"subnet-{c}")
        nodes += [s, *([v] if c < 3 else []), *([g] if c < 4 else [])]
        edges.append(edge("IN_VPC", s, v))
        for i in range(5):
            inst = instance(f"i-{c}-{i}", instance_type="t3.micro", tags=(f"cell={c}",))
            nodes.append(inst)
            edges += [edge("IN_SUBNET", inst, s), edge("MEMBER_OF_SECURITY_GROUP", inst, g)]
    return nodes, edges


def _snapshot(graph: Graph) -> tuple[list[Any], list[Any]]:
    nodes = graph.read("MATCH (n) RETURN n.id AS id, labels(n) AS l, properties(n) AS p ORDER BY id")
    rels = graph.read(
        "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p ORDER BY a, t, b"
    )
    return [(r["id"], sorted(r["l"]), r["p"]) for r in nodes], [(r["a"], r["t"], r["b"], r["p"]) for r in rels]


def test_parallel_batches_write_the_same_graph_as_one_at_a_time(graph: Graph) -> None:
    nodes, edges = _estate(40)  # 40 subnets, 3 VPCs, 4 groups, 200 instances; 440 edges on few shared ends
    serial = GraphWriter(graph, SCHEMA, batch_size=7)
    assert serial.nodes(nodes, OLD) == len(nodes)
    assert serial.edges(edges, OLD) == EdgeCounts(written=len(edges), skipped=0)
    expected = _snapshot(graph)
    graph.wipe()
    parallel = GraphWriter(graph, SCHEMA, batch_size=7, parallelism=4)
    assert parallel.nodes(nodes, OLD) == len(nodes)
    assert parallel.edges(edges, OLD) == EdgeCounts(written=len(edges), skipped=0)
    assert _snapshot(graph) == expected
    assert len(expected[1]) == len(edges)


def test_a_failing_parallel_batch_fails_the_write_after_the_others_finish(
    graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    nodes, _ = _estate(20)
    real_write_tx = graph.write_tx
    calls: list[int] = []

    def failing_third(work: Callable[[Any], Any]) -> Any:
        calls.append(1)
        if len(calls) == 3:
            raise ServiceError("Neo4j went away (test)")
        return real_write_tx(work)

    monkeypatch.setattr(graph, "write_tx", failing_third)
    with pytest.raises(ServiceError, match="went away"):
        GraphWriter(graph, SCHEMA, batch_size=5, parallelism=3).nodes(nodes, OLD)
    written = graph.read("MATCH (n) RETURN count(n) AS c")[0]["c"]
    assert 0 < written < len(nodes)  # the other batches committed; the failed one wrote nothing


def test_a_parallelism_below_one_is_refused(graph: Graph) -> None:
    with pytest.raises(SchemaError, match="AIDISCOVER_WRITE_PARALLELISM"):
        GraphWriter(graph, SCHEMA, parallelism=0)


# --- edges -----------------------------------------------------------------------------------------


def test_an_edge_whose_target_was_never_written_is_skipped_and_not_created(graph: Graph, writer: GraphWriter) -> None:
    s, v, ghost = subnet("subnet-a"), vpc("vpc-a"), vpc("vpc-never-written")
    writer.nodes([s, v], OLD)
    counts = writer.edges([edge("IN_VPC", s, ghost), edge("IN_VPC", s, v)], OLD)
    assert counts == EdgeCounts(written=1, skipped=1)
    assert all_edges(graph) == {(s.id, "IN_VPC", v.id)}
    assert all_ids(graph) == {s.id, v.id}  # no placeholder node was invented


def test_an_edge_whose_source_was_never_written_is_skipped(graph: Graph, writer: GraphWriter) -> None:
    v = vpc("vpc-a")
    writer.nodes([v], OLD)
    assert writer.edges([edge("IN_VPC", subnet("subnet-ghost"), v)], OLD) == EdgeCounts(written=0, skipped=1)
    assert all_edges(graph) == set()
    assert all_ids(graph) == {v.id}


def test_an_edge_between_labels_the_schema_does_not_join_is_refused(graph: Graph, writer: GraphWriter) -> None:
    i, v = instance("i-1"), vpc("vpc-a")
    writer.nodes([i, v], OLD)
    with pytest.raises(SchemaError, match=r"\(EC2Instance\)-\[:IN_VPC\]->\(VPC\) is not declared"):
        writer.edges([edge("IN_VPC", i, v)], OLD)
    assert all_edges(graph) == set()


# --- schema checks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (vpc("vpc-1", colour="blue"), "VPC has no writable property 'colour'"),
        (vpc("vpc-1", last_seen=T1), "VPC has no writable property 'last_seen'"),
        (vpc("vpc-1", id="other"), "VPC has no writable property 'id'"),
        (subnet("subnet-1", available_ip_count="250"), "Subnet.available_ip_count must be int, got str"),
        (subnet("subnet-1", available_ip_count=True), "Subnet.available_ip_count must be int, got bool"),
        (subnet("subnet-1", map_public_ip_on_launch="true"), "Subnet.map_public_ip_on_launch must be bool, got str"),
        (vpc("vpc-1", tags="env=prod"), r"VPC.tags must be string\[\], got str"),
        (instance("i-1", launch_time="2024-03-14T09:26:53Z"), "EC2Instance.launch_time must be datetime, got str"),
        (
            instance("i-1", launch_time=datetime(2024, 3, 14, 9, 26, 53)),
            "EC2Instance.launch_time is a naive datetime",
        ),
        (
            NodeRow("VPC", _arn("vpc", "vpc-1"), {"region": REGION, "name": "n"}),
            "VPC 'arn:aws:ec2:eu-central-1:111122223333:vpc/vpc-1' has no 'account'",
        ),
        (vpc("vpc-1", account=""), "has no 'account'"),
        (vpc("vpc-1", region=""), "has no 'region'"),
        (NodeRow("VPC", _arn("vpc", "vpc-1"), {"account": ACCOUNT, "region": REGION}), "has no 'name'"),
        (NodeRow("Bucket", "arn:aws:s3:::b", {}), "unknown label 'Bucket'"),
        (
            NodeRow("SecurityGroupRule", "sg/ingress/tcp/22-22/0.0.0.0/0", {"region": REGION, "protocol": "tcp"}),
            "SecurityGroupRule 'sg/ingress/tcp/22-22/0.0.0.0/0' has no 'account'",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_a_row_that_does_not_fit_the_schema_raises_schema_error_naming_the_property(
    graph: Graph, writer: GraphWriter, row: NodeRow, message: str
) -> None:
    with pytest.raises(SchemaError, match=message):
        writer.nodes([row], OLD)
    assert all_ids(graph) == set()


def test_a_property_on_an_edge_the_schema_does_not_declare_is_refused(graph: Graph, writer: GraphWriter) -> None:
    s, v = subnet("subnet-a"), vpc("vpc-a")
    writer.nodes([s, v], OLD)
    bad = EdgeRow("IN_VPC", "Subnet", s.id, "VPC", v.id, {"weight": 1})
    with pytest.raises(SchemaError, match="IN_VPC has no writable property 'weight'"):
        writer.edges([bad], OLD)
    assert all_edges(graph) == set()


# --- cleanup ---------------------------------------------------------------------------------------

SCOPE = Scope("aws", ACCOUNT, REGION, ("VPC", "Subnet", "EC2Instance"))


def test_cleanup_removes_only_stale_nodes_and_edges_of_the_scope(graph: Graph, writer: GraphWriter) -> None:
    vpc_keep, vpc_stale = vpc("vpc-keep"), vpc("vpc-stale")
    subnet_keep, subnet_stale = subnet("subnet-keep"), subnet("subnet-stale")
    inst = instance("i-keep")
    sg = group("sg-out-of-scope-label")  # same account and region, label not in the scope
    vpc_other_account = vpc("vpc-other-account", account=OTHER_ACCOUNT)
    vpc_other_region = vpc("vpc-other-region", region=OTHER_REGION)
    subnet_other_region = subnet("subnet-other-region", region=OTHER_REGION)

    # The previous sync saw everything.
    writer.nodes(
        [
            vpc_keep,
            vpc_stale,
            subnet_keep,
            subnet_stale,
            inst,
            sg,
            vpc_other_account,
            vpc_other_region,
            subnet_other_region,
        ],
        OLD,
    )
    old_edges = [
        edge("IN_VPC", subnet_keep, vpc_keep),
        edge("IN_VPC", subnet_stale, vpc_keep),  # leaves with its stale source
        edge("IN_SUBNET", inst, subnet_keep),
        edge("MEMBER_OF_SECURITY_GROUP", inst, sg),  # the instance left the group: both ends survive
        edge("IN_VPC", sg, vpc_stale),  # source label out of scope, target stale: goes with the target
        edge("IN_VPC", sg, vpc_keep),  # source label out of scope: survives though old
        edge("IN_VPC", subnet_other_region, vpc_other_region),  # other region: survives though old
    ]
    assert writer.edges(old_edges, OLD) == EdgeCounts(written=7, skipped=0)

    # This sync sees only part of the scope again.
    writer.nodes([vpc_keep, subnet_keep, inst], NEW)
    writer.edges([edge("IN_VPC", subnet_keep, vpc_keep), edge("IN_SUBNET", inst, subnet_keep)], NEW)

    counts = writer.cleanup(SCOPE, NEW)

    assert counts == CleanupCounts(nodes=2, edges=2)
    assert all_ids(graph) == {
        vpc_keep.id,
        subnet_keep.id,
        inst.id,
        sg.id,
        vpc_other_account.id,
        vpc_other_region.id,
        subnet_other_region.id,
    }
    assert all_edges(graph) == {
        (subnet_keep.id, "IN_VPC", vpc_keep.id),
        (inst.id, "IN_SUBNET", subnet_keep.id),
        (sg.id, "IN_VPC", vpc_keep.id),
        (subnet_other_region.id, "IN_VPC", vpc_other_region.id),
    }
    # Survivors outside the scope are untouched, stamps included.
    assert node_props(graph, vpc_other_account.id)["last_sync"] == OLD.generation
    assert node_props(graph, sg.id)["last_sync"] == OLD.generation


def test_cleanup_removes_stale_non_resource_nodes_by_their_account_and_region(
    graph: Graph, writer: GraphWriter
) -> None:
    def rule(n: int, region: str) -> NodeRow:
        return NodeRow(
            "SecurityGroupRule",
            _arn("security-group", "sg-1", region=region) + f"/ingress/tcp/{n}-{n}/0.0.0.0/0",
            {"account": ACCOUNT, "region": region, "group_id": "sg-1"},
        )

    stale, kept, elsewhere = rule(22, REGION), rule(443, REGION), rule(22, OTHER_REGION)
    writer.nodes([stale, kept, elsewhere], OLD)
    writer.nodes([kept], NEW)
    scope = Scope("aws", ACCOUNT, REGION, ("SecurityGroup", "SecurityGroupRule"))
    assert writer.cleanup(scope, NEW) == CleanupCounts(nodes=1, edges=0)
    assert all_ids(graph) == {kept.id, elsewhere.id}


def test_cleanup_with_an_older_stamp_than_the_data_removes_nothing(graph: Graph, writer: GraphWriter) -> None:
    # A newer sync wrote everything; an older sync that started first finishes its cleanup afterwards.
    s, v, i = subnet("subnet-a"), vpc("vpc-a"), instance("i-1")
    writer.nodes([s, v, i], NEW)
    writer.edges([edge("IN_VPC", s, v), edge("IN_SUBNET", i, s)], NEW)
    assert writer.cleanup(SCOPE, OLD) == CleanupCounts(nodes=0, edges=0)
    assert all_ids(graph) == {s.id, v.id, i.id}
    assert all_edges(graph) == {(s.id, "IN_VPC", v.id), (i.id, "IN_SUBNET", s.id)}


def test_cleanup_keeps_what_its_own_generation_wrote(graph: Graph, writer: GraphWriter) -> None:
    s, v = subnet("subnet-a"), vpc("vpc-a")
    writer.nodes([s, v], OLD)
    writer.edges([edge("IN_VPC", s, v)], OLD)
    assert writer.cleanup(SCOPE, OLD) == CleanupCounts(nodes=0, edges=0)
    assert all_ids(graph) == {s.id, v.id}
    assert all_edges(graph) == {(s.id, "IN_VPC", v.id)}


def test_cleanup_deletes_in_chunks_until_nothing_stale_is_left(graph: Graph, writer: GraphWriter) -> None:
    stale = [vpc(f"vpc-{n}") for n in range(7)]
    writer.nodes(stale, OLD)
    fresh = vpc("vpc-fresh")
    writer.nodes([fresh], NEW)
    assert writer.cleanup(SCOPE, NEW, limit=3) == CleanupCounts(nodes=7, edges=0)
    assert all_ids(graph) == {fresh.id}


def test_a_lenient_writer_keeps_the_resource_drops_what_does_not_fit_and_counts_it(graph: Graph) -> None:
    lenient = GraphWriter(graph, SCHEMA, batch_size=10, strict=False)
    rows = [
        subnet("subnet-ok", available_ip_count=250),
        subnet("subnet-bad", available_ip_count="lots", colour="blue"),
        NodeRow("Subnet", _arn("subnet", "subnet-noregion"), {"account": ACCOUNT, "name": "x"}),
    ]
    assert lenient.nodes(rows, OLD) == 2
    assert lenient.anomalies == 3
    assert lenient.anomaly_messages == [
        "Subnet.available_ip_count must be int, got str 'lots'; fix the transform",
        "Subnet has no writable property 'colour'; declare it in graph/schema or drop it from the transform",
        f"Subnet {_arn('subnet', 'subnet-noregion')!r} has no 'region'; the transform must set it",
    ]
    bad = graph.read("MATCH (n:Subnet {subnet_id: 'subnet-bad'}) RETURN n")[0]["n"]
    assert "available_ip_count" not in bad
    assert "colour" not in bad
    assert bad["name"] == "subnet-bad"
    assert lenient.fork().anomalies == 0


def test_writers_of_the_same_nodes_in_opposite_orders_both_complete(
    graph: Graph, caplog: pytest.LogCaptureFixture
) -> None:
    """Two writers update the same nodes in opposite orders: Neo4j detects the deadlock
    (Neo.TransientError.Transaction.DeadlockDetected), the managed transaction is retried with backoff."""
    import threading

    rows = [vpc(f"vpc-{i:04d}") for i in range(300)]
    GraphWriter(graph, SCHEMA).nodes(rows, OLD)
    results: list[int] = []
    caplog.set_level("WARNING", logger="neo4j")

    def write(batch: list[NodeRow]) -> None:
        for _ in range(5):
            results.append(GraphWriter(graph, SCHEMA, batch_size=300).nodes(batch, NEW))

    threads = [threading.Thread(target=write, args=(order,)) for order in (rows, rows[::-1])]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert results == [300] * 10
    assert graph.read("MATCH (v:VPC) RETURN count(v) AS c")[0]["c"] == 300
    retried = [r.getMessage() for r in caplog.records if "retried" in r.getMessage()]
    print(f"{len(retried)} transaction retries logged by the driver")  # deadlocks are likely, not certain


def test_the_drivers_debug_log_names_a_batchs_size_never_its_property_values(
    graph: Graph, writer: GraphWriter, caplog: pytest.LogCaptureFixture
) -> None:
    """The driver formats each query's parameters for its debug log: a batch shows as its size only."""
    marked = vpc("vpc-logged", cidr_block="10.99.99.0/24")
    with caplog.at_level("DEBUG", logger="neo4j"):
        assert writer.nodes([marked], OLD) == 1
        assert writer.edges([edge("IN_VPC", subnet("subnet-missing"), marked)], OLD) == EdgeCounts(0, 1)
    runs = [r.getMessage() for r in caplog.records if "C: RUN" in r.getMessage()]
    assert any("'rows': <1 rows>" in m and "MERGE (n:VPC" in m for m in runs), runs
    assert any("'rows': <1 rows>" in m and "MERGE (a)-[r:IN_VPC]->(b)" in m for m in runs), runs
    assert "10.99.99.0/24" not in caplog.text
    assert marked.id not in caplog.text
    assert node_props(graph, marked.id)["cidr_block"] == "10.99.99.0/24"
