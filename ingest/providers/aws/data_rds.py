"""RDS DB instances, DB clusters and DB subnet groups of one region, with their subnets, security groups and keys.

get: describe_db_instances, describe_db_clusters and describe_db_subnet_groups (a cluster names its
subnet group; the group lists the subnets), every page. An instance or cluster is IN_SUBNET_GROUP of its
group, which is IN_SUBNET of each subnet and IN_VPC of the VPC; the instance keeps its direct IN_SUBNET
edges too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.rows import EdgeRow, NodeRow, Transformed
from graph.tags import tags_from_pairs
from ingest.providers.aws.client import AwsClients, partition_for
from ingest.providers.aws.data_common import aware, client, kms_key_ref, name_tag, resource
from ingest.providers.aws.unit import AwsUnit

if TYPE_CHECKING:
    from mypy_boto3_rds import RDSClient
    from mypy_boto3_rds.type_defs import DBClusterTypeDef, DBInstanceTypeDef, DBSubnetGroupTypeDef

log = logging.getLogger(__name__)

LABELS = ("RDSInstance", "RDSCluster", "RDSSubnetGroup")


@dataclass(frozen=True)
class RdsPayload:
    instances: Sequence[DBInstanceTypeDef]
    clusters: Sequence[DBClusterTypeDef]
    subnet_groups: Sequence[DBSubnetGroupTypeDef]


def get_rds(rds: RDSClient) -> RdsPayload:
    instances = [i for page in rds.get_paginator("describe_db_instances").paginate() for i in page["DBInstances"]]
    clusters = [c for page in rds.get_paginator("describe_db_clusters").paginate() for c in page["DBClusters"]]
    groups = [g for page in rds.get_paginator("describe_db_subnet_groups").paginate() for g in page["DBSubnetGroups"]]
    return RdsPayload(instances, clusters, groups)


def rds_arn(region: str, account: str, resource_path: str) -> str:
    return f"arn:{partition_for(region)}:rds:{region}:{account}:{resource_path}"


def _ec2_arn(region: str, account: str, resource_path: str) -> str:
    return f"arn:{partition_for(region)}:ec2:{region}:{account}:{resource_path}"


def _network_edges(
    label: str,
    node_id: str,
    subnet_ids: Iterable[str],
    group_ids: Iterable[str],
    account: str,
    region: str,
) -> list[EdgeRow]:
    edges = [
        EdgeRow("IN_SUBNET", label, node_id, "Subnet", _ec2_arn(region, account, f"subnet/{s}")) for s in subnet_ids
    ]
    edges += [
        EdgeRow(
            "MEMBER_OF_SECURITY_GROUP",
            label,
            node_id,
            "SecurityGroup",
            _ec2_arn(region, account, f"security-group/{g}"),
        )
        for g in group_ids
    ]
    return edges


def subnet_group_id(name: str, account: str, region: str, groups: Mapping[str, DBSubnetGroupTypeDef]) -> str:
    """A DB subnet group's ARN: as the API gave it, else built from its name (``subgrp:<name>``)."""
    listed = groups.get(name, {}).get("DBSubnetGroupArn")
    return listed or rds_arn(region, account, f"subgrp:{name}")


def transform_subnet_groups(groups: Iterable[DBSubnetGroupTypeDef], account: str, region: str) -> Transformed:
    nodes, edges = [], []
    for group in groups:
        name = group.get("DBSubnetGroupName")
        if not name:
            continue
        node_id = group.get("DBSubnetGroupArn") or rds_arn(region, account, f"subgrp:{name}")
        subnets = [s for s in group.get("Subnets", []) if s.get("SubnetIdentifier")]
        subnet_ids = tuple(sorted(s["SubnetIdentifier"] for s in subnets))
        zones = sorted({z for s in subnets if (z := s.get("SubnetAvailabilityZone", {}).get("Name"))})
        vpc_id = group.get("VpcId")
        props = resource(
            account,
            region,
            name,
            (),
            db_subnet_group_name=name,
            description=group.get("DBSubnetGroupDescription") or None,
            vpc_id=vpc_id,
            status=group.get("SubnetGroupStatus"),
            subnet_ids=subnet_ids,
            availability_zones=tuple(zones),
            supported_network_types=tuple(group.get("SupportedNetworkTypes", ())) or None,
        )
        nodes.append(NodeRow("RDSSubnetGroup", node_id, props))
        edges += [
            EdgeRow("IN_SUBNET", "RDSSubnetGroup", node_id, "Subnet", _ec2_arn(region, account, f"subnet/{s}"))
            for s in subnet_ids
        ]
        if vpc_id:
            edges.append(
                EdgeRow("IN_VPC", "RDSSubnetGroup", node_id, "VPC", _ec2_arn(region, account, f"vpc/{vpc_id}"))
            )
    return Transformed(tuple(nodes), tuple(edges))


def _subnets_of(group: DBSubnetGroupTypeDef | None) -> list[str]:
    if not group:
        return []
    return sorted({s["SubnetIdentifier"] for s in group.get("Subnets", []) if s.get("SubnetIdentifier")})


def transform_instances(
    instances: Iterable[DBInstanceTypeDef],
    account: str,
    region: str,
    subnet_groups: Mapping[str, DBSubnetGroupTypeDef] | None = None,
) -> Transformed:
    subnet_groups = subnet_groups or {}
    nodes, edges = [], []
    for inst in instances:
        ident = inst.get("DBInstanceIdentifier", "")
        node_id = inst.get("DBInstanceArn") or rds_arn(region, account, f"db:{ident}")
        tags = tags_from_pairs(inst.get("TagList"))
        group = inst.get("DBSubnetGroup")
        endpoint = inst.get("Endpoint", {})
        cluster = inst.get("DBClusterIdentifier")
        props = resource(
            account,
            region,
            name_tag(tags, ident or node_id),
            tags,
            db_instance_identifier=ident or None,
            engine=inst.get("Engine"),
            engine_version=inst.get("EngineVersion"),
            instance_class=inst.get("DBInstanceClass"),
            status=inst.get("DBInstanceStatus"),
            storage_type=inst.get("StorageType"),
            allocated_storage=inst.get("AllocatedStorage"),
            multi_az=inst.get("MultiAZ"),
            publicly_accessible=inst.get("PubliclyAccessible"),
            storage_encrypted=inst.get("StorageEncrypted"),
            kms_key_id=inst.get("KmsKeyId"),
            read_replica_source=inst.get("ReadReplicaSourceDBInstanceIdentifier"),
            endpoint_address=endpoint.get("Address"),
            endpoint_port=endpoint.get("Port"),
            backup_retention_period=inst.get("BackupRetentionPeriod"),
            availability_zone=inst.get("AvailabilityZone"),
            db_subnet_group=group.get("DBSubnetGroupName") if group else None,
            vpc_id=group.get("VpcId") if group else None,
            cluster_identifier=cluster,
            deletion_protection=inst.get("DeletionProtection"),
            iam_database_authentication=inst.get("IAMDatabaseAuthenticationEnabled"),
            created_at=aware(inst.get("InstanceCreateTime")),
        )
        nodes.append(NodeRow("RDSInstance", node_id, props))
        groups = [g["VpcSecurityGroupId"] for g in inst.get("VpcSecurityGroups", []) if g.get("VpcSecurityGroupId")]
        edges += _network_edges("RDSInstance", node_id, _subnets_of(group), groups, account, region)
        if group and group.get("DBSubnetGroupName"):
            group_id = group.get("DBSubnetGroupArn") or subnet_group_id(
                group["DBSubnetGroupName"], account, region, subnet_groups
            )
            edges.append(EdgeRow("IN_SUBNET_GROUP", "RDSInstance", node_id, "RDSSubnetGroup", group_id))
        if cluster:
            edges.append(
                EdgeRow(
                    "MEMBER_OF_CLUSTER",
                    "RDSInstance",
                    node_id,
                    "RDSCluster",
                    rds_arn(region, account, f"cluster:{cluster}"),
                )
            )
        key = kms_key_ref(inst.get("KmsKeyId"), account, region)
        if key and inst.get("StorageEncrypted") is not False:
            edges.append(EdgeRow("ENCRYPTED_BY", "RDSInstance", node_id, "KMSKey", key))
    return Transformed(tuple(nodes), tuple(edges))


def transform_clusters(
    clusters: Iterable[DBClusterTypeDef],
    subnet_groups: Mapping[str, DBSubnetGroupTypeDef],
    account: str,
    region: str,
) -> Transformed:
    nodes, edges = [], []
    for cluster in clusters:
        ident = cluster.get("DBClusterIdentifier", "")
        node_id = cluster.get("DBClusterArn") or rds_arn(region, account, f"cluster:{ident}")
        tags = tags_from_pairs(cluster.get("TagList"))
        members = cluster.get("DBClusterMembers", [])
        member_ids = tuple(sorted(m["DBInstanceIdentifier"] for m in members if m.get("DBInstanceIdentifier")))
        writer = next((m.get("DBInstanceIdentifier") for m in members if m.get("IsClusterWriter")), None)
        group_name = cluster.get("DBSubnetGroup")
        props = resource(
            account,
            region,
            name_tag(tags, ident or node_id),
            tags,
            db_cluster_identifier=ident or None,
            engine=cluster.get("Engine"),
            engine_version=cluster.get("EngineVersion"),
            engine_mode=cluster.get("EngineMode"),
            status=cluster.get("Status"),
            members=member_ids,
            writer=writer,
            multi_az=cluster.get("MultiAZ"),
            publicly_accessible=cluster.get("PubliclyAccessible"),
            storage_encrypted=cluster.get("StorageEncrypted"),
            kms_key_id=cluster.get("KmsKeyId"),
            endpoint=cluster.get("Endpoint"),
            reader_endpoint=cluster.get("ReaderEndpoint"),
            port=cluster.get("Port"),
            backup_retention_period=cluster.get("BackupRetentionPeriod"),
            db_subnet_group=group_name,
            availability_zones=tuple(sorted(cluster.get("AvailabilityZones", []))) or None,
            deletion_protection=cluster.get("DeletionProtection"),
            iam_database_authentication=cluster.get("IAMDatabaseAuthenticationEnabled"),
            http_endpoint_enabled=cluster.get("HttpEndpointEnabled"),
            created_at=aware(cluster.get("ClusterCreateTime")),
        )
        nodes.append(NodeRow("RDSCluster", node_id, props))
        groups = [g["VpcSecurityGroupId"] for g in cluster.get("VpcSecurityGroups", []) if g.get("VpcSecurityGroupId")]
        subnets = _subnets_of(subnet_groups.get(group_name or ""))
        edges += _network_edges("RDSCluster", node_id, subnets, groups, account, region)
        if group_name:
            group_id = subnet_group_id(group_name, account, region, subnet_groups)
            edges.append(EdgeRow("IN_SUBNET_GROUP", "RDSCluster", node_id, "RDSSubnetGroup", group_id))
        key = kms_key_ref(cluster.get("KmsKeyId"), account, region)
        if key and cluster.get("StorageEncrypted") is not False:
            edges.append(EdgeRow("ENCRYPTED_BY", "RDSCluster", node_id, "KMSKey", key))
    return Transformed(tuple(nodes), tuple(edges))


def transform_rds(payload: RdsPayload, account: str, region: str) -> Transformed:
    groups = {g["DBSubnetGroupName"]: g for g in payload.subnet_groups if g.get("DBSubnetGroupName")}
    return (
        transform_subnet_groups(payload.subnet_groups, account, region)
        + transform_clusters(payload.clusters, groups, account, region)
        + transform_instances(payload.instances, account, region, groups)
    )


def fetch_rds(clients: AwsClients, region: str) -> RdsPayload:
    return get_rds(client(clients, "rds", region))


UNITS = (AwsUnit("rds", LABELS, fetch_rds, transform_rds),)
