"""EKS clusters and managed node groups.

get: every page of list_clusters and, per cluster, list_nodegroups; describe_cluster and
describe_nodegroup for each.
transform (pure): EKSCluster (endpoint exposure, public access CIDRs, role ARN as a property) in its
subnets, security groups and VPC; EKSNodeGroup IN_CLUSTER, in its subnets.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph.rows import EdgeRow, NodeRow, Transformed
from graph.tags import tags_from_map
from ingest.providers.aws.client import AwsClients
from ingest.providers.aws.compute_common import (
    arn,
    client,
    flag,
    integer,
    resource,
    sg_arn,
    strings,
    subnet_arn,
    text,
    timestamp,
    vpc_arn,
)
from ingest.providers.aws.unit import AwsUnit

if TYPE_CHECKING:
    from mypy_boto3_eks import EKSClient
    from mypy_boto3_eks.type_defs import ClusterTypeDef, NodegroupTypeDef

log = logging.getLogger(__name__)

LABELS = ("EKSCluster", "EKSNodeGroup")


@dataclass(frozen=True)
class EksPayload:
    clusters: Sequence[ClusterTypeDef] = ()
    nodegroups: Sequence[NodegroupTypeDef] = ()


# --- get -------------------------------------------------------------------------------------------


def get_eks(eks: EKSClient) -> EksPayload:
    names = [n for page in eks.get_paginator("list_clusters").paginate() for n in page["clusters"]]
    clusters = [eks.describe_cluster(name=name)["cluster"] for name in names]
    nodegroups = [
        eks.describe_nodegroup(clusterName=name, nodegroupName=group)["nodegroup"]
        for name in names
        for page in eks.get_paginator("list_nodegroups").paginate(clusterName=name)
        for group in page["nodegroups"]
    ]
    return EksPayload(clusters, nodegroups)


# --- transform (pure) ------------------------------------------------------------------------------


def cluster_arn(region: str, account: str, name: str) -> str:
    return arn("eks", region, account, f"cluster/{name}")


def _enabled_logs(logging: Mapping[str, Any]) -> tuple[str, ...] | None:
    entries = [e for e in logging.get("clusterLogging") or [] if isinstance(e, dict) and e.get("enabled")]
    return tuple(sorted({str(t) for e in entries for t in e.get("types") or []})) or None


def transform_clusters(clusters: Iterable[ClusterTypeDef], account: str, region: str) -> Transformed:
    nodes, edges = [], []
    for cluster in clusters:
        name = text(cluster.get("name"))
        node_id = text(cluster.get("arn")) or (cluster_arn(region, account, name) if name else None)
        if not node_id:
            continue
        config: Mapping[str, Any] = cluster.get("resourcesVpcConfig") or {}
        subnets = strings(config.get("subnetIds")) or ()
        groups = list(strings(config.get("securityGroupIds")) or ())
        cluster_sg = text(config.get("clusterSecurityGroupId"))
        vpc_id = text(config.get("vpcId"))
        oidc = ((cluster.get("identity") or {}).get("oidc") or {}).get("issuer")
        props = resource(
            account,
            region,
            name or node_id,
            tags_from_map(cluster.get("tags")),
            cluster_name=name,
            version=text(cluster.get("version")),
            platform_version=text(cluster.get("platformVersion")),
            status=text(cluster.get("status")),
            endpoint=text(cluster.get("endpoint")),
            endpoint_public_access=flag(config.get("endpointPublicAccess")),
            endpoint_private_access=flag(config.get("endpointPrivateAccess")),
            public_access_cidrs=strings(config.get("publicAccessCidrs")),
            role_arn=text(cluster.get("roleArn")),
            vpc_id=vpc_id,
            subnet_ids=subnets or None,
            security_group_ids=tuple(groups) or None,
            cluster_security_group_id=cluster_sg,
            oidc_issuer=text(oidc),
            enabled_log_types=_enabled_logs(cluster.get("logging") or {}),
            created_at=timestamp(cluster.get("createdAt")),
        )
        nodes.append(NodeRow("EKSCluster", node_id, props))
        edges += [
            EdgeRow("IN_SUBNET", "EKSCluster", node_id, "Subnet", subnet_arn(region, account, s)) for s in subnets
        ]
        edges += [
            EdgeRow("MEMBER_OF_SECURITY_GROUP", "EKSCluster", node_id, "SecurityGroup", sg_arn(region, account, g))
            for g in dict.fromkeys([*groups, *([cluster_sg] if cluster_sg else [])])
        ]
        if vpc_id:
            edges.append(EdgeRow("IN_VPC", "EKSCluster", node_id, "VPC", vpc_arn(region, account, vpc_id)))
    return Transformed(tuple(nodes), tuple(edges))


def transform_nodegroups(nodegroups: Iterable[NodegroupTypeDef], account: str, region: str) -> Transformed:
    nodes, edges = [], []
    for group in nodegroups:
        node_id = text(group.get("nodegroupArn"))
        if not node_id:
            continue
        name = text(group.get("nodegroupName")) or node_id
        cluster_name = text(group.get("clusterName"))
        scaling: Mapping[str, Any] = group.get("scalingConfig") or {}
        subnets = strings(group.get("subnets")) or ()
        asgs = [
            g.get("name")
            for g in ((group.get("resources") or {}).get("autoScalingGroups") or [])
            if isinstance(g, dict)
        ]
        props = resource(
            account,
            region,
            name,
            tags_from_map(group.get("tags")),
            nodegroup_name=name,
            cluster_name=cluster_name,
            status=text(group.get("status")),
            version=text(group.get("version")),
            release_version=text(group.get("releaseVersion")),
            instance_types=strings(group.get("instanceTypes")),
            ami_type=text(group.get("amiType")),
            capacity_type=text(group.get("capacityType")),
            min_size=integer(scaling.get("minSize")),
            max_size=integer(scaling.get("maxSize")),
            desired_size=integer(scaling.get("desiredSize")),
            disk_size=integer(group.get("diskSize")),
            node_role_arn=text(group.get("nodeRole")),
            subnet_ids=subnets or None,
            auto_scaling_group_names=strings(asgs),
            created_at=timestamp(group.get("createdAt")),
        )
        nodes.append(NodeRow("EKSNodeGroup", node_id, props))
        if cluster_name:
            edges.append(
                EdgeRow("IN_CLUSTER", "EKSNodeGroup", node_id, "EKSCluster", cluster_arn(region, account, cluster_name))
            )
        edges += [
            EdgeRow("IN_SUBNET", "EKSNodeGroup", node_id, "Subnet", subnet_arn(region, account, s)) for s in subnets
        ]
    return Transformed(tuple(nodes), tuple(edges))


def transform_eks(payload: EksPayload, account: str, region: str) -> Transformed:
    return transform_clusters(payload.clusters, account, region) + transform_nodegroups(
        payload.nodegroups, account, region
    )


# --- the unit ---------------------------------------------------------------------------------------


def fetch_eks(clients: AwsClients, region: str) -> EksPayload:
    return get_eks(client(clients, "eks", region))


UNITS = (AwsUnit("eks", LABELS, fetch_eks, transform_eks),)
