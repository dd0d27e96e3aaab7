"""A row that breaks the schema is rejected with a counted warning; the rest of its batch is written."""

from __future__ import annotations

from datetime import UTC, datetime

from core.settings import Settings
from graph.neo4j.client import Graph
from graph.rows import EdgeRow, NodeRow, PropValue, Scope
from graph.schema import SCHEMA
from graph.write import GraphWriter, SyncStamp
from ingest.jobs.model import UnitSpec
from ingest.jobs.units import Staged, finish, make_writer

ACCOUNT, REGION = "111122223333", "eu-west-1"
STAMP = SyncStamp(5_000, datetime(2026, 4, 1, tzinfo=UTC))


def vpc(ident: str, **props: PropValue) -> NodeRow:
    base: dict[str, PropValue] = {"account": ACCOUNT, "region": REGION, "name": ident, "vpc_id": ident}
    return NodeRow("VPC", f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/{ident}" if ident else "", {**base, **props})


def test_a_batch_with_a_keyless_row_and_a_wrongly_typed_property_writes_the_rest(
    graph: Graph, settings: Settings
) -> None:
    writer = make_writer(graph, settings, "job-rows")
    rows = [vpc("vpc-1"), vpc(""), vpc("vpc-2", is_default="yes"), vpc("vpc-3", cidr_block="10.0.0.0/16")]
    no_account = NodeRow("VPC", "arn:aws:ec2:eu-west-1:1:vpc/vpc-x", {"region": REGION, "name": "x", "vpc_id": "x"})
    assert writer.nodes([*rows, no_account], STAMP) == 3  # vpc-1, vpc-2 (without the bad property), vpc-3
    assert writer.anomalies == 3
    assert writer.anomaly_messages == [
        "a VPC row has no id (its key); the transform must set it",
        "VPC.is_default must be bool, got str 'yes'; fix the transform",
        "VPC 'arn:aws:ec2:eu-west-1:1:vpc/vpc-x' has no 'account'; the transform must set it",
    ]
    stored = {
        r["id"].rsplit("/", 1)[1]: r["d"] for r in graph.read("MATCH (v:VPC) RETURN v.id AS id, v.is_default AS d")
    }
    assert stored == {"vpc-1": None, "vpc-2": None, "vpc-3": None}
    assert graph.read("MATCH (c:Change) RETURN count(c) AS n")[0]["n"] == 3


def subnet(ident: str) -> NodeRow:
    props: dict[str, PropValue] = {"account": ACCOUNT, "region": REGION, "name": ident, "subnet_id": ident}
    return NodeRow("Subnet", f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{ident}", props)


def test_a_unit_reports_rejected_rows_as_one_counted_warning(graph: Graph, settings: Settings) -> None:
    net, sub = vpc("vpc-1"), subnet("subnet-1")
    GraphWriter(graph, SCHEMA).nodes([net, sub], STAMP)
    # the edge carries a property IN_VPC does not declare: the property is dropped, the edge written
    odd = EdgeRow("IN_VPC", "Subnet", sub.id, "VPC", net.id, {"weight": "heavy"})
    spec = UnitSpec("aws", ACCOUNT, REGION, "vpc-network")
    staged = Staged(
        spec,
        2,
        (odd,),
        (),
        (Scope("aws", ACCOUNT, REGION, ("Subnet",)),),
        anomalies=1,
        anomaly_messages=("a VPC row has no id (its key); the transform must set it",),
    )
    outcome = finish(staged, settings, graph, STAMP, "job-rows")
    assert outcome.status == "succeeded"
    assert outcome.edges == 1
    assert outcome.anomalies == 2
    assert outcome.warnings == (
        f"{spec.key}: 2 row(s) or properties did not fit the schema, kept the rest (a VPC row has no id (its key); "
        "the transform must set it; IN_VPC has no writable property 'weight'; declare it in graph/schema or drop it "
        "from the transform)",
    )
    assert graph.read("MATCH (:Subnet)-[r:IN_VPC]->(:VPC) RETURN properties(r).weight AS w")[0]["w"] is None
