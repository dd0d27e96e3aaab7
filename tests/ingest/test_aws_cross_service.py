"""Edges across services, end to end: ARN references written by their source's unit, and derived
links found after the sync (a Route53 alias to the load balancer)."""

from __future__ import annotations

import boto3
import pytest

from core.settings import Settings
from devclouds.moto_server import MotoServer
from devclouds.seed_aws_compute import seed
from graph.neo4j.client import Graph
from tests.discovery import discover_job
from tests.settings_update import replace_settings

REGION = "us-east-1"


def targets(graph: Graph, source: str, rel: str) -> set[str]:
    rows = graph.read(f"MATCH ({{id: $id}})-[:{rel}]->(b) RETURN b.id AS b", {"id": source})  # type: ignore[arg-type]
    return {r["b"] for r in rows}


@pytest.mark.parametrize("workers", [1, 8])
def test_references_and_derived_links_join_the_services(
    aws_settings: Settings, moto: MotoServer, graph: Graph, workers: int
) -> None:
    tier = seed(moto.url, REGION)
    route53 = boto3.client("route53", endpoint_url=moto.url, region_name=REGION)
    zone = route53.create_hosted_zone(Name="example.com", CallerReference="x")["HostedZone"]["Id"]
    alias = {
        "HostedZoneId": "Z35SXDOTRQ7X7K",
        "DNSName": f"dualstack.{tier['alb:dns']}.",
        "EvaluateTargetHealth": False,
    }
    record_set = {"Name": "www.example.com", "Type": "A", "AliasTarget": alias}
    route53.change_resource_record_sets(
        HostedZoneId=zone, ChangeBatch={"Changes": [{"Action": "CREATE", "ResourceRecordSet": record_set}]}
    )
    settings = replace_settings(aws_settings, aws={"max_workers": workers})
    report = discover_job(settings, graph, regions=(REGION,))
    assert report.errors == ()
    assert targets(graph, tier["lambda"], "USES_ROLE") == {tier["role:lambda"]}
    mapping = graph.read("MATCH (m:LambdaEventSourceMapping) RETURN m.id AS id")[0]["id"]
    assert targets(graph, mapping, "READS_FROM") == {tier["queue"]}
    record = graph.read("MATCH (r:Route53Record {record_type: 'A'}) RETURN r.id AS id")[0]["id"]
    assert targets(graph, record, "ROUTES_TO") == {tier["alb"]}
    seen = "MATCH ()-[r:ROUTES_TO]->(:LoadBalancer) RETURN r.first_seen AS first"
    first_seen = graph.read(seen)[0]["first"]
    second = discover_job(settings, graph, regions=(REGION,))
    assert second.errors == ()
    # kept across syncs, not re-created: the edge is the one the first sync wrote
    assert targets(graph, record, "ROUTES_TO") == {tier["alb"]}
    assert graph.read(seen)[0]["first"] == first_seen
