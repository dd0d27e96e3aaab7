"""What the published AWS payloads showed the transforms lost, each read from the payload that carries it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from graph.rows import NodeRow
from graph.schema import SCHEMA
from tests.real_payloads.aws_corpus import items_at, load_kind
from tests.real_payloads.aws_kinds import KINDS

pytestmark = pytest.mark.unit


def _nodes(kind: str, operation: str | None = None, source: str = "") -> list[NodeRow]:
    """The kind's nodes out of its published payloads (of one operation; from files whose name holds ``source``)."""
    out = []
    for reading in KINDS[kind]:
        for published in load_kind(reading.source or kind):
            if reading.operations and published.operation not in reading.operations:
                continue
            if operation not in (None, published.operation) or source not in published.path.name:
                continue
            items = items_at(published, reading.items)
            rows = reading.transform(reading.select(items) if reading.select else items)
            out += [n for n in rows.nodes if n.label == kind]
    return out


def _declared(kind: str, prop: str) -> bool:
    return prop in {p.name for p in SCHEMA.node(kind).properties}


def test_an_instance_answering_unsigned_metadata_requests_says_so() -> None:
    """IMDSv1 ("optional" tokens) lets a request forged through the instance read its role's credentials."""
    [instance] = _nodes("EC2Instance")
    assert (instance.props["metadata_http_tokens"], instance.props["metadata_http_endpoint"]) == ("optional", "enabled")
    assert _declared("EC2Instance", "metadata_http_tokens")


def test_database_deletion_protection_iam_sign_in_and_data_api_reach_instance_and_cluster() -> None:
    [instance] = _nodes("RDSInstance")
    assert (instance.props["deletion_protection"], instance.props["iam_database_authentication"]) == (False, False)
    [cluster] = _nodes("RDSCluster")
    published: Mapping[str, Any] = items_at(load_kind("RDSCluster")[0], "DBClusters")[0]
    assert cluster.props["iam_database_authentication"] == published["IAMDatabaseAuthenticationEnabled"]
    assert cluster.props["http_endpoint_enabled"] == published["HttpEndpointEnabled"]


def test_a_transit_gateway_accepting_shared_attachments_without_approval_is_told_apart() -> None:
    gateways = {
        g.props["transit_gateway_id"]: g.props["auto_accept_shared_attachments"] for g in _nodes("TransitGateway")
    }
    assert gateways == {"tgw-0262a0e521EXAMPLE": True, "tgw-0fb8421e2dEXAMPLE": False}  # "enable" / "disable"


def test_a_distribution_keeps_the_oldest_tls_version_viewers_may_use() -> None:
    [distribution] = _nodes("CloudFrontDistribution")
    assert distribution.props["minimum_protocol_version"] == "TLSv1"


def test_task_definitions_keep_their_ports_and_ec2_tasks_their_container_instance() -> None:
    [definition] = _nodes("ECSTaskDefinition", source="botocore")
    assert definition.props["container_ports"] == ("80",)
    [task] = _nodes("ECSTask")
    assert str(task.props["container_instance_arn"]).startswith("arn:aws:ecs:")


def test_a_launch_template_keeps_its_latest_versions_subnets() -> None:
    [template] = _nodes("LaunchTemplate", "DescribeLaunchTemplateVersions")
    assert (template.props["image_id"], template.props["subnet_ids"]) == ("ami-6057e21a", ("subnet-1a2b3c4d",))


def test_a_tagged_resource_arn_published_with_a_leading_space_is_still_read() -> None:
    [resource] = _nodes("AwsResource")
    assert resource.id == "arn:aws:inspector:us-west-2:123456789012:target/0-nvgVhaxX/template/0-7sbz2Kz0"


def test_a_published_key_policy_reaches_the_key() -> None:
    """Key policies were never read: who may use a key, and whether everyone may, was unknown."""
    [key] = _nodes("KMSKey", "GetKeyPolicy")
    assert '"Principal"' in str(key.props["policy"])
    assert key.props["policy_allows_public"] is False  # the published policy names the account root


def test_a_cluster_keeps_which_control_plane_logs_it_sends() -> None:
    """Whether audit logs leave the control plane was lost (a cluster without them leaves no trail)."""
    clusters = {n.props["cluster_name"]: n for n in _nodes("EKSCluster", "DescribeCluster")}
    published = clusters["my-eks-cluster"].props
    assert published["enabled_log_types"] == ("api", "audit", "authenticator", "controllerManager", "scheduler")
