"""ACM certificates are a kind of their own, and a load balancer listener links to the certificate it serves.

The transform is read on the AWS CLI documentation's published outputs (sources recorded in the fixtures);
the listener -> certificate edge end to end through moto: a certificate requested in ACM, an HTTPS
listener serving it, discovered by the ec2, elb and acm units into the real Neo4j.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest

from core.settings import Settings
from devclouds.moto_server import MotoServer
from graph.neo4j.client import Graph
from graph.rows import Transformed
from graph.schema.references import edges_from_properties
from ingest.providers.aws.compute_elb import transform_listeners
from ingest.providers.aws.edge_acm import AcmPayload, transform_acm
from ingest.providers.aws.registry import unit
from tests.discovery import discover_job

DATA = Path(__file__).resolve().parent.parent / "data" / "aws"
AMIS = DATA / "moto_amis.json"
REGION = "us-east-1"


def _load(path: str) -> Any:
    return json.loads((DATA / path).read_text())


def test_a_certificate_from_the_documented_describe_certificate_output(offline_writer: Any) -> None:
    cert = _load("edge/acm_describe_certificate_cli_example.json")["Certificate"]
    rows = transform_acm(AcmPayload([cert], {}), "123456789012", REGION)
    assert [(n.label, n.id) for n in rows.nodes] == [("ACMCertificate", cert["CertificateArn"])]
    props = rows.nodes[0].props
    assert (props["domain_name"], props["status"], props["issuer"], props["key_algorithm"]) == (
        "www.example.com",
        "ISSUED",
        "Amazon",
        "RSA-2048",
    )
    assert props["subject_alternative_names"] == ("www.example.com", "www.example.net")
    assert props["not_after"] == datetime(2016, 11, 6, 12, 0, tzinfo=UTC)  # 1478433600: the expiry
    assert props["issued_at"] == datetime.fromtimestamp(1446835815, UTC)
    assert props["in_use_by"] == ()
    assert (props["region"], props["name"]) == (REGION, "www.example.com")
    offline_writer(rows)


def test_a_listener_links_only_to_acm_certificates_not_iam_server_certificates() -> None:
    listeners = _load("compute/elbv2_describe_listeners_cli_example.json")["Listeners"]
    acm = "arn:aws:acm:us-west-2:123456789012:certificate/12345678-1234-1234-1234-123456789012"
    with_acm = [
        *listeners,
        {**listeners[0], "ListenerArn": listeners[0]["ListenerArn"] + "0", "Certificates": [{"CertificateArn": acm}]},
    ]
    rows: Transformed = transform_listeners(with_acm, {}, "123456789012", "us-west-2")
    https = next(n for n in rows.nodes if n.id == listeners[0]["ListenerArn"])
    assert https.props["certificate_arns"] == ("arn:aws:iam::123456789012:server-certificate/my-server-cert",)
    refs = [(e.type, e.source_id, e.target_label, e.target_id) for e in edges_from_properties(rows.nodes)]
    assert refs == [("USES_CERTIFICATE", with_acm[2]["ListenerArn"], "ACMCertificate", acm)]


def test_discovery_links_an_https_listener_to_its_acm_certificate(
    moto: MotoServer, aws_settings: Settings, graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOTO_AMIS_PATH", str(AMIS))
    ec2 = boto3.client("ec2", region_name=REGION, endpoint_url=moto.url)
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.40.{i}.0/24", AvailabilityZone=f"{REGION}{zone}")["Subnet"][
            "SubnetId"
        ]
        for i, zone in enumerate("ab")
    ]
    acm = boto3.client("acm", region_name=REGION, endpoint_url=moto.url)
    cert = acm.request_certificate(DomainName="shop.example.com", SubjectAlternativeNames=["www.shop.example.com"])
    elbv2 = boto3.client("elbv2", region_name=REGION, endpoint_url=moto.url)
    lb = elbv2.create_load_balancer(Name="shop", Subnets=subnets, Scheme="internet-facing")["LoadBalancers"][0]
    tg = elbv2.create_target_group(Name="shop-web", Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0]
    listener = elbv2.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTPS",
        Port=443,
        Certificates=[{"CertificateArn": cert["CertificateArn"]}],
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}],
    )["Listeners"][0]

    report = discover_job(aws_settings, graph, regions=(REGION,), units=[unit(s) for s in ("ec2", "elb", "acm")])
    assert report.errors == ()
    assert report.warnings == ()
    found = graph.read(
        "MATCH (l:Listener)-[:USES_CERTIFICATE]->(c:ACMCertificate) "
        "RETURN l.id AS listener, c.id AS cert, c.domain_name AS domain, c.status AS status, "
        "c.subject_alternative_names AS names, c.region AS region, c.kind AS kind"
    )
    assert [(r["listener"], r["cert"], r["domain"], r["region"], r["kind"]) for r in found] == [
        (listener["ListenerArn"], cert["CertificateArn"], "shop.example.com", REGION, "ACMCertificate")
    ]
    described = acm.describe_certificate(CertificateArn=cert["CertificateArn"])["Certificate"]
    assert found[0]["status"] == described["Status"]
    assert sorted(found[0]["names"]) == sorted(described["SubjectAlternativeNames"])
