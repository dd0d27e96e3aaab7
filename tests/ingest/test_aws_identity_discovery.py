"""IAM, CloudFront, Route53 and API Gateway discovery end to end: an estate seeded in moto through the
real APIs, read by a discovery job into the real Neo4j.

Expected counts are derived from what the APIs themselves answer, never hard-coded. Discovery runs the
EC2 unit and this area's units only, so the test does not depend on other areas' units; the VPCs are
discovered once first, as an earlier sync would have, because global units may run before the regional
EC2 unit within one discovery and an edge to a VPC not yet written is skipped.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import neo4j.time
import pytest

from core.settings import Settings
from devclouds.demo_estate import DEMO_ACCOUNT
from devclouds.moto_server import MotoServer
from devclouds.seed_aws_identity import FOREIGN_ACCOUNT, seed
from graph.neo4j.client import Graph
from ingest.providers.aws import ec2, edge, identity
from ingest.providers.aws.edge_transform import API_LABELS, GLOBAL_LABELS, dns_key
from ingest.providers.aws.identity_policy import parse_document, statements
from ingest.providers.aws.identity_transform import LABELS as IAM_LABELS
from tests.discovery import Discovery, discover_job

if TYPE_CHECKING:
    from mypy_boto3_apigateway import APIGatewayClient
    from mypy_boto3_apigatewayv2 import ApiGatewayV2Client
    from mypy_boto3_cloudfront import CloudFrontClient
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_route53 import Route53Client

REGION = "us-east-1"
REGIONS = (REGION,)
UNITS = (*ec2.UNITS, *identity.UNITS, *edge.UNITS)
AMIS = Path(__file__).resolve().parent.parent / "data" / "aws" / "moto_amis.json"
STAMPS = frozenset({"last_seen", "last_sync"})
OWN_LABELS = (*IAM_LABELS, *GLOBAL_LABELS, *API_LABELS)


@pytest.fixture
def manifest(moto: MotoServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("MOTO_AMIS_PATH", str(AMIS))  # one AMI instead of moto's catalogue: fast resets
    return seed(moto.url, REGION)


def discover(settings: Settings, graph: Graph) -> Discovery:
    report = discover_job(settings, graph, regions=REGIONS, units=UNITS)
    assert report.warnings == ()
    assert report.account == DEMO_ACCOUNT
    return report


@pytest.fixture
def discovered(aws_settings: Settings, graph: Graph, manifest: dict[str, str]) -> Discovery:
    discover_job(aws_settings, graph, regions=REGIONS, units=ec2.UNITS)
    return discover(aws_settings, graph)


def client(moto: MotoServer, service: str) -> Any:
    return boto3.client(service, region_name=REGION, endpoint_url=moto.url)  # type: ignore[call-overload]


# --- what the APIs say ---------------------------------------------------------------------------


def api_counts(moto: MotoServer) -> tuple[Counter[str], Counter[str]]:
    """Nodes per label and edges per type that discovery should produce, counted from the APIs."""
    nodes: Counter[str] = Counter({label: 0 for label in OWN_LABELS})
    edges: Counter[str] = Counter()
    iam: IAMClient = client(moto, "iam")
    users = iam.list_users()["Users"]
    nodes["IAMUser"] = len(users)
    nodes["IAMGroup"] = len(iam.list_groups()["Groups"])
    roles = iam.list_roles()["Roles"]
    nodes["IAMRole"] = len(roles)
    documents: list[object] = []
    principals = [("user", u["UserName"]) for u in users] + [
        ("group", g["GroupName"]) for g in iam.list_groups()["Groups"]
    ]
    principals += [("role", r["RoleName"]) for r in roles]
    for kind, name in principals:
        if kind == "user":
            edges["MEMBER_OF"] += len(iam.list_groups_for_user(UserName=name)["Groups"])
            keys = iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
            edges["HAS_MFA_DEVICE"] += len(iam.list_mfa_devices(UserName=name)["MFADevices"])
            nodes["IAMAccessKey"] += len(keys)
            edges["BELONGS_TO"] += len(keys)
            attached = iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]
            inline = [
                iam.get_user_policy(UserName=name, PolicyName=n)["PolicyDocument"]
                for n in iam.list_user_policies(UserName=name)["PolicyNames"]
            ]
        elif kind == "group":
            attached = iam.list_attached_group_policies(GroupName=name)["AttachedPolicies"]
            inline = [
                iam.get_group_policy(GroupName=name, PolicyName=n)["PolicyDocument"]
                for n in iam.list_group_policies(GroupName=name)["PolicyNames"]
            ]
        else:
            attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
            inline = [
                iam.get_role_policy(RoleName=name, PolicyName=n)["PolicyDocument"]
                for n in iam.list_role_policies(RoleName=name)["PolicyNames"]
            ]
        edges["HAS_POLICY"] += len(attached) + len(inline)
        nodes["IAMPolicy"] += len(inline)
        documents += inline
    managed = (
        iam.list_policies(Scope="Local")["Policies"] + iam.list_policies(Scope="AWS", OnlyAttached=True)["Policies"]
    )
    nodes["IAMPolicy"] += len(managed)
    for policy in managed:
        version = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])
        documents.append(version["PolicyVersion"]["Document"])
    statement_count = sum(len(statements(parse_document(d))) for d in documents)
    nodes["IAMPolicyStatement"] = statement_count
    edges["HAS_STATEMENT"] = statement_count
    nodes["IAMMFADevice"] = len(iam.list_virtual_mfa_devices(AssignmentStatus="Any")["VirtualMFADevices"])
    profiles = iam.list_instance_profiles()["InstanceProfiles"]
    nodes["IAMInstanceProfile"] = len(profiles)
    edges["CONTAINS_ROLE"] = sum(len(p["Roles"]) for p in profiles)

    cloudfront: CloudFrontClient = client(moto, "cloudfront")
    distributions = cloudfront.list_distributions()["DistributionList"].get("Items", [])
    nodes["CloudFrontDistribution"] = len(distributions)
    domains = {dns_key(d["DomainName"]) for d in distributions}
    route53: Route53Client = client(moto, "route53")
    zones = route53.list_hosted_zones()["HostedZones"]
    nodes["Route53HostedZone"] = len(zones)
    for zone in zones:
        records = route53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]
        nodes["Route53Record"] += len(records)
        edges["IN_ZONE"] += len(records)
        edges["ROUTES_TO"] += sum(1 for r in records if dns_key(r.get("AliasTarget", {}).get("DNSName")) in domains)
        if zone["Config"].get("PrivateZone"):
            edges["ASSOCIATED_WITH"] += len(route53.get_hosted_zone(Id=zone["Id"])["VPCs"])

    rest: APIGatewayClient = client(moto, "apigateway")
    nodes["APIGatewayRestApi"] = len(rest.get_rest_apis()["items"])
    v2: ApiGatewayV2Client = client(moto, "apigatewayv2")
    nodes["APIGatewayHttpApi"] = len(v2.get_apis()["Items"])
    return nodes, edges


def graph_counts(graph: Graph) -> tuple[Counter[str], Counter[str]]:
    nodes = Counter(
        {
            r["label"]: r["c"]
            for r in graph.read(
                "MATCH (n) UNWIND labels(n) AS label WITH label, n WHERE label IN $labels RETURN label, count(*) AS c",
                {"labels": list(OWN_LABELS)},
            )
        }
    )
    edges = Counter(
        {
            r["t"]: r["c"]
            for r in graph.read(
                # derived grants (IAM statement -> resource) are links, not API answers: tests/graph covers them
                "MATCH (a)-[r]->() WHERE any(l IN labels(a) WHERE l IN $labels) AND type(r) <> 'ALLOWS_ACCESS_TO' "
                "RETURN type(r) AS t, count(*) AS c",
                {"labels": list(OWN_LABELS)},
            )
        }
    )
    return Counter({label: nodes.get(label, 0) for label in OWN_LABELS}), edges


def one(graph: Graph, cypher: str, **params: Any) -> dict[str, Any]:
    records = graph.read(cypher, params)
    assert len(records) == 1, (cypher, records)
    return {k: v.to_native() if isinstance(v, neo4j.time.DateTime) else v for k, v in dict(records[0]).items()}


# --- tests ---------------------------------------------------------------------------------------


def test_counts_per_label_and_type_match_what_the_apis_return(
    discovered: Discovery, graph: Graph, moto: MotoServer
) -> None:
    expected_nodes, expected_edges = api_counts(moto)
    assert graph_counts(graph) == (expected_nodes, expected_edges)
    # the seeded estate is in there: the derived numbers are not trivially small
    assert (expected_nodes["IAMUser"], expected_nodes["IAMRole"], expected_edges["ROUTES_TO"]) == (3, 3, 1)
    assert expected_edges["ASSOCIATED_WITH"] == 1
    units = {(u.service, u.region) for u in discovered.units}
    assert units == {
        ("ec2", REGION),
        ("iam", "global"),
        ("cloudfront_route53", "global"),
        ("apigateway", REGION),
        ("acm", REGION),
    }
    assert all(u.counts.skipped_edges == 0 for u in discovered.units)


# --- checks, each run on one discovery by the test after them ---


def check_every_global_node_has_region_global_and_api_nodes_their_region(graph: Graph) -> None:
    rows = graph.read(
        "MATCH (n) WHERE any(l IN labels(n) WHERE l IN $labels) RETURN labels(n) AS labels, n.region AS region, "
        "n.account AS account",
        {"labels": list(OWN_LABELS)},
    )
    assert rows
    for row in rows:
        expected = REGION if set(row["labels"]) & set(API_LABELS) else "global"
        assert (row["region"], row["account"]) == (expected, DEMO_ACCOUNT), row["labels"]


def check_users_mfa_console_access_groups_and_access_key(graph: Graph, manifest: dict[str, str]) -> None:
    users = graph.read(
        "MATCH (u:IAMUser) OPTIONAL MATCH (u)-[:MEMBER_OF]->(g:IAMGroup) "
        "RETURN u.name AS name, u.mfa_enabled AS mfa, u.console_access AS console, u.path AS path, "
        "u.tags AS tags, collect(g.name) AS groups ORDER BY name"
    )
    assert [dict(r) for r in users] == [
        {"name": "alice", "mfa": True, "console": True, "path": "/", "tags": ["team=platform"], "groups": ["admins"]},
        {"name": "bob", "mfa": False, "console": True, "path": "/", "tags": [], "groups": ["admins"]},
        {"name": "ci-bot", "mfa": False, "console": False, "path": "/service/", "tags": [], "groups": []},
    ]
    key = one(
        graph,
        "MATCH (k:IAMAccessKey)-[:BELONGS_TO]->(u:IAMUser) RETURN k.id AS id, k.access_key_id AS key, "
        "k.status AS status, k.user_name AS user, u.id AS user_id, keys(k) AS props",
    )
    key_id = manifest["access_key:bob"]
    assert (key["id"], key["key"], key["status"], key["user"], key["user_id"]) == (
        f"{manifest['user:bob']}/access-key/{key_id}",
        key_id,
        "Active",
        "bob",
        manifest["user:bob"],
    )
    assert not [p for p in key["props"] if "secret" in p.lower()]


def check_admins_group_has_the_admin_policy_whose_statement_is_admin(graph: Graph, manifest: dict[str, str]) -> None:
    rows = graph.read(
        "MATCH (:IAMGroup {name: 'admins'})-[:HAS_POLICY]->(p:IAMPolicy)-[:HAS_STATEMENT]->(s:IAMPolicyStatement) "
        "RETURN p.id AS policy, p.is_inline AS inline, s.id AS statement, s.is_admin AS admin, s.actions AS actions"
    )
    policy = manifest["policy:full-admin"]
    assert [dict(r) for r in rows] == [
        {"policy": policy, "inline": False, "statement": f"{policy}/statement/0", "admin": True, "actions": ["*"]}
    ]
    admins = graph.read("MATCH (s:IAMPolicyStatement {is_admin: true}) RETURN s.id AS id")
    assert [r["id"] for r in admins] == [f"{policy}/statement/0"]


def check_customer_policy_statements_and_inline_policies(graph: Graph, manifest: dict[str, str]) -> None:
    policy = manifest["policy:app-data"]
    rows = graph.read(
        "MATCH (:IAMRole {name: 'app-ec2'})-[:HAS_POLICY]->(:IAMPolicy {id: $p})-[:HAS_STATEMENT]->(s) "
        "RETURN s.id AS id, s.sid AS sid, s.effect AS effect, s.actions AS actions, s.not_actions AS not_actions, "
        "s.resources AS resources, s.has_condition AS cond ORDER BY s.index",
        {"p": policy},
    )
    assert [dict(r) for r in rows] == [
        {
            "id": f"{policy}/statement/ReadAssets",
            "sid": "ReadAssets",
            "effect": "Allow",
            "actions": ["s3:GetObject", "s3:ListBucket"],
            "not_actions": None,
            "resources": ["arn:aws:s3:::assets-bucket", "arn:aws:s3:::assets-bucket/*"],
            "cond": False,
        },
        {
            "id": f"{policy}/statement/1",
            "sid": None,
            "effect": "Deny",
            "actions": None,
            "not_actions": ["s3:*"],
            "resources": ["*"],
            "cond": True,
        },
    ]
    inline = graph.read(
        "MATCH (owner)-[:HAS_POLICY]->(p:IAMPolicy {is_inline: true}) "
        "RETURN owner.name AS owner, p.id AS id, p.owner_arn AS owner_arn ORDER BY id"
    )
    assert [dict(r) for r in inline] == [
        {
            "owner": "partner-access",
            "id": manifest["inline:partner-read"],
            "owner_arn": manifest["role:partner-access"],
        },
        {"owner": "bob", "id": manifest["inline:bob-read-logs"], "owner_arn": manifest["user:bob"]},
    ]


def check_role_trust_analysis_and_instance_profile(graph: Graph, manifest: dict[str, str]) -> None:
    rows = graph.read(
        "MATCH (r:IAMRole) RETURN r.name AS name, r.trusted_principals AS principals, r.trusts_any_principal AS any, "
        "r.trusts_foreign_accounts AS foreign, r.has_condition AS cond, r.max_session_duration AS max ORDER BY name"
    )
    assert [dict(r) for r in rows] == [
        {
            "name": "app-ec2",
            "principals": ["Service:ec2.amazonaws.com"],
            "any": False,
            "foreign": [],
            "cond": False,
            "max": 7200,
        },
        {"name": "open-to-anyone", "principals": ["AWS:*"], "any": True, "foreign": [], "cond": False, "max": 3600},
        {
            "name": "partner-access",
            "principals": [f"AWS:arn:aws:iam::{FOREIGN_ACCOUNT}:root"],
            "any": False,
            "foreign": [FOREIGN_ACCOUNT],
            "cond": False,
            "max": 3600,
        },
    ]
    profile = one(graph, "MATCH (p:IAMInstanceProfile)-[:CONTAINS_ROLE]->(r:IAMRole) RETURN p.id AS p, r.id AS r")
    assert profile == {"p": manifest["instance_profile:app-ec2-profile"], "r": manifest["role:app-ec2"]}


def check_distribution_zones_records_and_alias_to_the_distribution(graph: Graph, manifest: dict[str, str]) -> None:
    dist = one(
        graph,
        "MATCH (d:CloudFrontDistribution) RETURN d.id AS id, d.domain_name AS domain, d.aliases AS aliases, "
        "d.enabled AS enabled, d.price_class AS price, d.viewer_protocol_policy AS vpp, d.origins AS origins, "
        "d.origin_types AS types",
    )
    assert dist == {
        "id": manifest["distribution:assets"],
        "domain": manifest["distribution:assets:domain"],
        "aliases": ["assets.example.com"],
        "enabled": True,
        "price": "PriceClass_100",
        "vpp": "redirect-to-https",
        "origins": ["assets-bucket.s3.amazonaws.com"],
        "types": ["s3"],
    }
    public = f"arn:aws:route53:::hostedzone/{manifest['zone:example.com']}"
    alias = one(
        graph,
        "MATCH (r:Route53Record)-[:ROUTES_TO]->(d:CloudFrontDistribution) MATCH (r)-[:IN_ZONE]->(z) "
        "RETURN r.id AS id, r.alias_target_dns AS dns, d.id AS dist, z.id AS zone",
    )
    assert alias == {
        "id": f"{public}/assets.example.com./A/",
        "dns": manifest["distribution:assets:domain"],
        "dist": manifest["distribution:assets"],
        "zone": public,
    }
    www = one(graph, "MATCH (r:Route53Record {record_name: 'www.example.com.'}) RETURN r.values AS v, r.ttl AS ttl")
    assert www == {"v": ["192.0.2.10", "192.0.2.11"], "ttl": 300}
    private = one(
        graph,
        "MATCH (z:Route53HostedZone {private_zone: true})-[:ASSOCIATED_WITH]->(v:VPC) "
        "RETURN z.zone_id AS zone, z.comment AS comment, v.vpc_id AS vpc",
    )
    assert private == {
        "zone": manifest["zone:internal.example"],
        "comment": "service discovery",
        "vpc": manifest["vpc:internal"],
    }


def check_rest_and_http_apis(graph: Graph, manifest: dict[str, str]) -> None:
    rest = one(
        graph,
        "MATCH (a:APIGatewayRestApi) RETURN a.id AS id, a.name AS name, a.endpoint_types AS types, "
        "a.stages AS stages, a.lambda_arns AS lambdas",
    )
    assert rest == {
        "id": f"arn:aws:apigateway:{REGION}::/restapis/{manifest['rest_api:orders-api']}",
        "name": "orders-api",
        "types": ["REGIONAL"],
        "stages": ["prod"],
        "lambdas": [manifest["lambda:orders-handler"]],
    }
    http = one(
        graph,
        "MATCH (a:APIGatewayHttpApi) RETURN a.id AS id, a.protocol_type AS protocol, a.routes_count AS routes, "
        "a.cors_allow_origins AS cors, a.integration_targets AS targets, a.stages AS stages",
    )
    assert http == {
        "id": f"arn:aws:apigateway:{REGION}::/apis/{manifest['http_api:events-api']}",
        "protocol": "HTTP",
        "routes": 2,
        "cors": ["https://app.example.com"],
        "targets": [manifest["lambda:orders-handler"]],
        "stages": ["$default"],
    }


def test_iam_nodes_and_edges_hold_the_seeded_values(
    discovered: Discovery, graph: Graph, manifest: dict[str, str]
) -> None:
    check_users_mfa_console_access_groups_and_access_key(graph, manifest)
    check_admins_group_has_the_admin_policy_whose_statement_is_admin(graph, manifest)
    check_customer_policy_statements_and_inline_policies(graph, manifest)
    check_role_trust_analysis_and_instance_profile(graph, manifest)


def test_edge_nodes_and_edges_hold_the_seeded_values_and_every_node_its_region(
    discovered: Discovery, graph: Graph, manifest: dict[str, str]
) -> None:
    check_every_global_node_has_region_global_and_api_nodes_their_region(graph)
    check_distribution_zones_records_and_alias_to_the_distribution(graph, manifest)
    check_rest_and_http_apis(graph, manifest)


def snapshot(graph: Graph) -> tuple[dict[str, Any], dict[tuple[str, str, str], Any]]:
    nodes = {
        r["id"]: (sorted(r["labels"]), {k: v for k, v in r["props"].items() if k not in STAMPS})
        for r in graph.read("MATCH (n) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props")
    }
    edges = {
        (r["a"], r["t"], r["b"]): {k: v for k, v in r["props"].items() if k not in STAMPS}
        for r in graph.read("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS props")
    }
    return nodes, edges


def test_a_second_run_leaves_an_identical_graph_apart_from_stamps(
    discovered: Discovery, aws_settings: Settings, graph: Graph
) -> None:
    before = snapshot(graph)
    second = discover(aws_settings, graph)
    assert snapshot(graph) == before
    assert sum(u.counts.removed_nodes + u.counts.removed_edges for u in second.units) == 0


def test_a_deleted_user_and_record_disappear_on_the_next_run(
    discovered: Discovery, aws_settings: Settings, graph: Graph, moto: MotoServer, manifest: dict[str, str]
) -> None:
    iam: IAMClient = client(moto, "iam")
    iam.delete_user(UserName="ci-bot")
    route53: Route53Client = client(moto, "route53")
    www = {
        "Name": "www.example.com.",
        "Type": "A",
        "TTL": 300,
        "ResourceRecords": [{"Value": "192.0.2.10"}, {"Value": "192.0.2.11"}],
    }
    route53.change_resource_record_sets(
        HostedZoneId=manifest["zone:example.com"],
        ChangeBatch={"Changes": [{"Action": "DELETE", "ResourceRecordSet": www}]},  # type: ignore[typeddict-item]
    )
    discover(aws_settings, graph)
    assert graph.read("MATCH (u:IAMUser {name: 'ci-bot'}) RETURN u") == []
    assert graph.read("MATCH (r:Route53Record {record_name: 'www.example.com.'}) RETURN r") == []
    assert len(graph.read("MATCH (u:IAMUser) RETURN u")) == 2
