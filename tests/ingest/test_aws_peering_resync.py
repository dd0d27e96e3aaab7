"""A cross-region VPC peering lives in its requester's region and a re-sync of an unchanged estate leaves it
alone: no changed or deleted history for it, no second node.

Both regions list the connection (moto, like AWS, answers describe_vpc_peering_connections on each side).
The estate is synced twice through the product's own job runner with change history on.
"""

from __future__ import annotations

from datetime import UTC, datetime

import boto3

from core.settings import Settings
from devclouds.moto_server import MotoServer
from graph.neo4j.client import Graph
from ingest.jobs.local import run_job_local
from ingest.jobs.model import JobRequest
from queries.history import ChangeFilter, changes_between, resource_history
from tests.settings_update import replace_settings

HOME, PEER = "us-east-1", "eu-west-1"
ACCOUNT = "123456789012"


def _sync(settings: Settings, graph: Graph) -> None:
    job = run_job_local(
        settings, JobRequest("aws", (), (HOME, PEER), "tests", ("ec2", "vpc-network")), graph=graph, hooks=()
    )
    assert job.status == "succeeded", job.errors
    assert job.warnings == ()
    assert {u.key.split("/")[2] for u in job.units} == {HOME, PEER}


def test_a_cross_region_peering_is_stored_once_in_its_requesters_region_and_a_resync_changes_nothing(
    moto: MotoServer, aws_settings: Settings, graph: Graph
) -> None:
    home = boto3.client("ec2", region_name=HOME, endpoint_url=moto.url)
    peer = boto3.client("ec2", region_name=PEER, endpoint_url=moto.url)
    home_vpc = home.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    peer_vpc = peer.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    pcx = home.create_vpc_peering_connection(VpcId=home_vpc, PeerVpcId=peer_vpc, PeerRegion=PEER)
    pcx_id = pcx["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    peer.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx_id)
    listed = {r: c.describe_vpc_peering_connections()["VpcPeeringConnections"] for r, c in ((HOME, home), (PEER, peer))}
    assert all(any(p["VpcPeeringConnectionId"] == pcx_id for p in conns) for conns in listed.values())

    settings = replace_settings(aws_settings, jobs={"history_enabled": True})
    _sync(settings, graph)
    _sync(settings, graph)

    node_id = f"arn:aws:ec2:{HOME}:{ACCOUNT}:vpc-peering-connection/{pcx_id}"
    nodes = graph.read(
        "MATCH (p:VPCPeeringConnection {vpc_peering_connection_id: $id}) "
        "RETURN p.id AS id, p.account AS account, p.region AS region, "
        "p.requester_region AS requester, p.accepter_region AS accepter",
        {"id": pcx_id},
    )
    assert [(n["id"], n["account"], n["region"], n["requester"], n["accepter"]) for n in nodes] == [
        (node_id, ACCOUNT, HOME, HOME, PEER)
    ]
    sides = graph.read(
        "MATCH (:VPCPeeringConnection {id: $id})-[r]->(v:VPC) RETURN type(r) AS side, v.region AS region",
        {"id": node_id},
    )
    assert sorted((s["side"], s["region"]) for s in sides) == [("ACCEPTER_VPC", PEER), ("REQUESTER_VPC", HOME)]
    history = resource_history(graph, node_id)
    assert [h.change for h in history] == ["created"], history
    others = changes_between(graph, datetime(2000, 1, 1, tzinfo=UTC), flt=ChangeFilter(changes=("changed", "deleted")))
    assert others == []  # nothing else in the unchanged estate changed either
