"""Pure transforms for network ACLs (with their entries as nodes), network interfaces and Elastic IPs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from graph.rows import EdgeRow, NodeRow, PropValue, Transformed
from ingest.providers.aws.ec2 import arn, name_from, tag_list
from ingest.providers.aws.network_gateways import eip_arn, vpc_arn

if TYPE_CHECKING:
    from mypy_boto3_ec2.type_defs import (
        AddressTypeDef,
        NetworkAclEntryTypeDef,
        NetworkAclTypeDef,
        NetworkInterfaceTypeDef,
    )


def _sorted(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(sorted({v for v in values if v}))


def _subnet(region: str, account: str, subnet_id: str, known: Mapping[str, str]) -> str:
    return known.get(subnet_id) or arn(region, account, f"subnet/{subnet_id}")


# --- network ACLs ----------------------------------------------------------------------------------


def acl_entry_id(acl_arn: str, egress: bool, rule_number: int | None) -> str:
    return f"{acl_arn}/{'egress' if egress else 'ingress'}/{rule_number if rule_number is not None else 'unknown'}"


def _entry(entry: NetworkAclEntryTypeDef, acl_arn: str, acl_id: str, account: str, region: str) -> NodeRow:
    egress = bool(entry.get("Egress", False))
    rule_number = entry.get("RuleNumber")
    ports = entry.get("PortRange", {})
    icmp = entry.get("IcmpTypeCode", {})
    action = entry.get("RuleAction")
    props: dict[str, PropValue] = {
        "account": account,
        "region": region,
        "network_acl_id": acl_id,
        "rule_number": rule_number,
        "egress": egress,
        "direction": "egress" if egress else "ingress",
        "protocol": entry.get("Protocol"),
        "rule_action": str(action).lower() if action else None,
        "cidr": entry.get("CidrBlock") or entry.get("Ipv6CidrBlock"),
        "from_port": ports.get("From"),
        "to_port": ports.get("To"),
        "icmp_type": icmp.get("Type"),
        "icmp_code": icmp.get("Code"),
    }
    return NodeRow("NetworkAclEntry", acl_entry_id(acl_arn, egress, rule_number), props)


def transform_network_acls(
    acls: Iterable[NetworkAclTypeDef], account: str, region: str, known: Mapping[str, str] | None = None
) -> Transformed:
    ids = known or {}
    nodes: list[NodeRow] = []
    edges: list[EdgeRow] = []
    for acl in acls:
        acl_id = acl.get("NetworkAclId")
        if not acl_id:
            continue
        node_id = arn(region, acl.get("OwnerId") or account, f"network-acl/{acl_id}")
        tags = acl.get("Tags")
        subnet_ids = _sorted(a.get("SubnetId") for a in acl.get("Associations", []))
        props: dict[str, PropValue] = {
            "account": account,
            "region": region,
            "name": name_from(tags, acl_id),
            "tags": tag_list(tags),
            "network_acl_id": acl_id,
            "vpc_id": acl.get("VpcId"),
            "is_default": acl.get("IsDefault"),
            "subnet_ids": subnet_ids or None,
            "owner_id": acl.get("OwnerId"),
        }
        nodes.append(NodeRow("NetworkAcl", node_id, props))
        if acl.get("VpcId"):
            edges.append(EdgeRow("IN_VPC", "NetworkAcl", node_id, "VPC", vpc_arn(region, account, acl["VpcId"])))
        for subnet_id in subnet_ids:
            target = _subnet(region, account, subnet_id, ids)
            edges.append(EdgeRow("ASSOCIATED_WITH", "NetworkAcl", node_id, "Subnet", target))
        seen: set[str] = set()
        for raw in acl.get("Entries", []):
            entry = _entry(raw, node_id, acl_id, account, region)
            if entry.id in seen:  # one rule number per direction; a repeat would be the same node
                continue
            seen.add(entry.id)
            nodes.append(entry)
            edges.append(EdgeRow("HAS_ENTRY", "NetworkAcl", node_id, "NetworkAclEntry", entry.id))
    return Transformed(tuple(nodes), tuple(edges))


# --- network interfaces ----------------------------------------------------------------------------


def transform_network_interfaces(
    interfaces: Iterable[NetworkInterfaceTypeDef], account: str, region: str, known: Mapping[str, str] | None = None
) -> Transformed:
    """``known`` maps subnet and security group ids to the node ids their own transforms chose."""
    ids = known or {}
    nodes: list[NodeRow] = []
    edges: list[EdgeRow] = []
    for eni in interfaces:
        eni_id = eni.get("NetworkInterfaceId")
        if not eni_id:
            continue
        node_id = arn(region, account, f"network-interface/{eni_id}")
        tags = eni.get("TagSet")
        attachment = eni.get("Attachment", {})
        instance_id = attachment.get("InstanceId")
        group_ids = _sorted(g.get("GroupId") for g in eni.get("Groups", []))
        props: dict[str, PropValue] = {
            "account": account,
            "region": region,
            "name": name_from(tags, eni_id),
            "tags": tag_list(tags),
            "network_interface_id": eni_id,
            "interface_type": eni.get("InterfaceType"),
            "status": eni.get("Status"),
            "description": eni.get("Description") or None,
            "subnet_id": eni.get("SubnetId"),
            "vpc_id": eni.get("VpcId"),
            "availability_zone": eni.get("AvailabilityZone"),
            "private_ip": eni.get("PrivateIpAddress"),
            "private_ips": _sorted(p.get("PrivateIpAddress") for p in eni.get("PrivateIpAddresses", [])) or None,
            "ipv6_addresses": _sorted(a.get("Ipv6Address") for a in eni.get("Ipv6Addresses", [])) or None,
            "public_ip": eni.get("Association", {}).get("PublicIp"),
            "mac_address": eni.get("MacAddress"),
            "requester_managed": eni.get("RequesterManaged"),
            "requester_id": eni.get("RequesterId"),
            "owner_id": eni.get("OwnerId"),
            "source_dest_check": eni.get("SourceDestCheck"),
            "attached_instance_id": instance_id,
            "device_index": attachment.get("DeviceIndex"),
            "attachment_status": attachment.get("Status"),
            "security_group_ids": group_ids or None,
        }
        nodes.append(NodeRow("NetworkInterface", node_id, props))
        if eni.get("SubnetId"):
            target = _subnet(region, account, eni["SubnetId"], ids)
            edges.append(EdgeRow("IN_SUBNET", "NetworkInterface", node_id, "Subnet", target))
        if eni.get("VpcId"):
            edges.append(EdgeRow("IN_VPC", "NetworkInterface", node_id, "VPC", vpc_arn(region, account, eni["VpcId"])))
        for group_id in group_ids:
            target = ids.get(group_id) or arn(region, account, f"security-group/{group_id}")
            edges.append(EdgeRow("MEMBER_OF_SECURITY_GROUP", "NetworkInterface", node_id, "SecurityGroup", target))
        if instance_id:
            owner = attachment.get("InstanceOwnerId") or account
            if not owner.isdigit():  # e.g. "amazon-aws" for service-owned instances
                owner = account
            target = arn(region, owner, f"instance/{instance_id}")
            edges.append(EdgeRow("ATTACHED_TO", "NetworkInterface", node_id, "EC2Instance", target))
    return Transformed(tuple(nodes), tuple(edges))


# --- Elastic IPs -----------------------------------------------------------------------------------


def address_arn(address: AddressTypeDef, account: str, region: str) -> str | None:
    key = address.get("AllocationId") or address.get("PublicIp")
    return eip_arn(region, account, key) if key else None


def transform_addresses(addresses: Iterable[AddressTypeDef], account: str, region: str) -> Transformed:
    """Elastic IPs; an unassociated address has no edge."""
    nodes: list[NodeRow] = []
    edges: list[EdgeRow] = []
    for address in addresses:
        node_id = address_arn(address, account, region)
        if node_id is None:
            continue
        tags = address.get("Tags")
        public_ip = address.get("PublicIp")
        eni_id = address.get("NetworkInterfaceId") or None
        instance_id = address.get("InstanceId") or None
        props: dict[str, PropValue] = {
            "account": account,
            "region": region,
            "name": name_from(tags, public_ip or address.get("AllocationId") or node_id),
            "tags": tag_list(tags),
            "public_ip": public_ip,
            "allocation_id": address.get("AllocationId"),
            "association_id": address.get("AssociationId"),
            "domain": address.get("Domain"),
            "instance_id": instance_id,
            "network_interface_id": eni_id,
            "network_interface_owner_id": address.get("NetworkInterfaceOwnerId"),
            "private_ip": address.get("PrivateIpAddress"),
            "public_ipv4_pool": address.get("PublicIpv4Pool"),
            "network_border_group": address.get("NetworkBorderGroup"),
        }
        nodes.append(NodeRow("ElasticIP", node_id, props))
        if eni_id:
            owner = address.get("NetworkInterfaceOwnerId") or account
            target = arn(region, owner, f"network-interface/{eni_id}")
            edges.append(EdgeRow("ASSOCIATED_WITH", "ElasticIP", node_id, "NetworkInterface", target))
        if instance_id:
            target = arn(region, account, f"instance/{instance_id}")
            edges.append(EdgeRow("ASSOCIATED_WITH", "ElasticIP", node_id, "EC2Instance", target))
    return Transformed(tuple(nodes), tuple(edges))
