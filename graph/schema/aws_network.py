"""AWS network and block-storage node kinds and relationship types (EC2 API).

EBS volumes, snapshots and owned AMIs; route tables (routes are ROUTES_TO relationships carrying
their destinations), internet and NAT gateways, VPC peering connections, transit gateways and their
attachments, network ACLs with their entries, network interfaces and Elastic IPs.
"""

from __future__ import annotations

from graph.schema.common import SCOPED_PROPERTIES
from graph.schema.model import FREE, EntryPoint, NodeKind, Property, RelType

P = Property

EBS_VOLUME = NodeKind(
    label="EBSVolume",
    provider="aws",
    service="ec2",
    description="An EBS block storage volume.",
    properties=(
        P("volume_id", "string", "Volume id (vol-...).", indexed=True),
        P("size", "int", "Size in GiB."),
        P("volume_type", "string", "gp2, gp3, io1, io2, st1, sc1 or standard.", indexed=True),
        P("iops", "int", "Provisioned or baseline IOPS."),
        P("throughput", "int", "Throughput in MiB/s (gp3)."),
        P("encrypted", "bool", "Whether the volume is encrypted.", indexed=True),
        P("kms_key_id", "string", "ARN of the KMS key encrypting the volume."),
        P("state", "string", "creating, available, in-use, deleting, deleted or error.", indexed=True),
        P("availability_zone", "string", "Availability zone."),
        P("snapshot_id", "string", "Snapshot the volume was created from, if any."),
        P("create_time", "datetime", "When the volume was created."),
        P("multi_attach_enabled", "bool", "Whether Multi-Attach is enabled."),
        P("attached_instance_ids", "string[]", "Instances the volume is attached to."),
    ),
    billing="ebs_volume",
)

EBS_SNAPSHOT = NodeKind(
    label="EBSSnapshot",
    provider="aws",
    service="ec2",
    description="A point-in-time EBS snapshot owned by the account.",
    properties=(
        P("snapshot_id", "string", "Snapshot id (snap-...).", indexed=True),
        P("volume_id", "string", "Volume the snapshot was taken of."),
        P("volume_size", "int", "Size of the source volume in GiB."),
        P("state", "string", "pending, completed, error, recoverable or recovering."),
        P("progress", "string", "Progress, e.g. 100%."),
        P("encrypted", "bool", "Whether the snapshot is encrypted.", indexed=True),
        P("kms_key_id", "string", "ARN of the KMS key encrypting the snapshot."),
        P("start_time", "datetime", "When the snapshot was started."),
        P("description", "string", "Description given at creation."),
        P("owner_id", "string", "Account that owns the snapshot."),
        P("storage_tier", "string", "standard or archive."),
    ),
    billing="ebs_snapshot",
)

AMI = NodeKind(
    label="AMI",
    provider="aws",
    service="ec2",
    description="An Amazon Machine Image owned by the account.",
    properties=(
        P("image_id", "string", "Image id (ami-...).", indexed=True),
        P("image_name", "string", "The image's own name."),
        P("state", "string", "pending, available, invalid, deregistered, failed or error."),
        P("description", "string", "Description given at registration."),
        P("architecture", "string", "CPU architecture."),
        P("platform", "string", "Platform details, e.g. Linux/UNIX."),
        P("image_type", "string", "machine, kernel or ramdisk."),
        P("root_device_type", "string", "ebs or instance-store."),
        P("root_device_name", "string", "Root device name, e.g. /dev/xvda."),
        P("virtualization_type", "string", "hvm or paravirtual."),
        P("creation_date", "datetime", "When the image was created."),
        P("public", "bool", "Whether the image is public (launch permission for all).", indexed=True),
        P("owner_id", "string", "Account that owns the image."),
        P("snapshot_ids", "string[]", "Snapshots behind the image's EBS block devices."),
    ),
    billing=FREE,
)

ROUTE_TABLE = NodeKind(
    label="RouteTable",
    provider="aws",
    service="ec2",
    description="A VPC route table; its routes are ROUTES_TO relationships (and the routes property).",
    properties=(
        P("route_table_id", "string", "Route table id (rtb-...).", indexed=True),
        P("vpc_id", "string", "VPC the table belongs to."),
        P("is_main", "bool", "Whether this is the VPC's main table (used by subnets with no explicit association)."),
        P("subnet_ids", "string[]", "Subnets explicitly associated with the table."),
        P(
            "routes",
            "string[]",
            "Every route as 'destination -> target (state)', local and unmodelled targets included.",
        ),
        P("owner_id", "string", "Account that owns the table."),
    ),
    billing=FREE,
)

INTERNET_GATEWAY = NodeKind(
    label="InternetGateway",
    provider="aws",
    service="ec2",
    description="An internet gateway: the route between a VPC and the internet.",
    properties=(
        P("internet_gateway_id", "string", "Internet gateway id (igw-...).", indexed=True),
        P("vpc_ids", "string[]", "VPCs the gateway is attached to."),
        P("attachment_state", "string", "State of the (first) VPC attachment, e.g. available."),
        P("owner_id", "string", "Account that owns the gateway."),
    ),
    billing=FREE,
)

NAT_GATEWAY = NodeKind(
    label="NATGateway",
    provider="aws",
    service="ec2",
    description="A NAT gateway: outbound connectivity for private subnets.",
    properties=(
        P("nat_gateway_id", "string", "NAT gateway id (nat-...).", indexed=True),
        P("state", "string", "pending, failed, available, deleting or deleted.", indexed=True),
        P("connectivity_type", "string", "public or private."),
        P("subnet_id", "string", "Subnet the gateway is placed in."),
        P("vpc_id", "string", "VPC the gateway is placed in."),
        P("public_ip", "string", "Primary public IPv4 address.", indexed=True),
        P("private_ip", "string", "Primary private IPv4 address."),
        P("public_ips", "string[]", "Every public IPv4 address."),
        P("allocation_ids", "string[]", "Elastic IP allocations the gateway uses."),
        P("network_interface_ids", "string[]", "Network interfaces of the gateway."),
        P("create_time", "datetime", "When the gateway was created."),
    ),
    billing="nat_gateway",
)

VPC_PEERING_CONNECTION = NodeKind(
    label="VPCPeeringConnection",
    provider="aws",
    service="ec2",
    description="A peering connection between two VPCs, possibly in other accounts or regions.",
    properties=(
        P("vpc_peering_connection_id", "string", "Peering connection id (pcx-...).", indexed=True),
        P("status", "string", "pending-acceptance, active, deleted, rejected, failed, expired, ..."),
        P("requester_vpc_id", "string", "Requester VPC id."),
        P("requester_owner_id", "string", "Account of the requester VPC."),
        P("requester_region", "string", "Region of the requester VPC."),
        P("requester_cidr", "string", "Primary IPv4 CIDR of the requester VPC."),
        P("accepter_vpc_id", "string", "Accepter VPC id."),
        P("accepter_owner_id", "string", "Account of the accepter VPC."),
        P("accepter_region", "string", "Region of the accepter VPC."),
        P("accepter_cidr", "string", "Primary IPv4 CIDR of the accepter VPC."),
        P("expiration_time", "datetime", "When a pending request expires."),
    ),
    billing=FREE,
)

TRANSIT_GATEWAY = NodeKind(
    label="TransitGateway",
    provider="aws",
    service="ec2",
    description="A transit gateway: a regional hub routing between VPCs, VPNs and peers.",
    properties=(
        P("transit_gateway_id", "string", "Transit gateway id (tgw-...).", indexed=True),
        P("state", "string", "pending, available, modifying, deleting or deleted."),
        P("owner_id", "string", "Account that owns the gateway."),
        P("description", "string", "Description given at creation."),
        P("amazon_side_asn", "int", "BGP ASN on the Amazon side."),
        P("default_route_table_id", "string", "Default association route table."),
        P(
            "auto_accept_shared_attachments",
            "bool",
            "Whether attachments from accounts it is shared with are accepted without approval.",
        ),
        P("creation_time", "datetime", "When the gateway was created."),
    ),
    billing=FREE,
)

TRANSIT_GATEWAY_ATTACHMENT = NodeKind(
    label="TransitGatewayAttachment",
    provider="aws",
    service="ec2",
    description="An attachment of a VPC, VPN, Direct Connect gateway or peer to a transit gateway.",
    properties=(
        P("attachment_id", "string", "Attachment id (tgw-attach-...).", indexed=True),
        P("transit_gateway_id", "string", "Transit gateway the attachment belongs to."),
        P("transit_gateway_owner_id", "string", "Account that owns the transit gateway."),
        P("resource_type", "string", "vpc, vpn, direct-connect-gateway, peering, connect, ..."),
        P("resource_id", "string", "The attached resource's id (e.g. the VPC id)."),
        P("resource_owner_id", "string", "Account that owns the attached resource."),
        P("state", "string", "pending, available, modifying, deleting, deleted, failed, ...", indexed=True),
        P("association_state", "string", "State of the route table association."),
        P("subnet_ids", "string[]", "Subnets of a VPC attachment."),
        P("creation_time", "datetime", "When the attachment was created."),
    ),
    billing="tgw_attachment",
)

NETWORK_ACL = NodeKind(
    label="NetworkAcl",
    provider="aws",
    service="ec2",
    description="A stateless network ACL governing the subnets associated with it.",
    properties=(
        P("network_acl_id", "string", "Network ACL id (acl-...).", indexed=True),
        P("vpc_id", "string", "VPC the ACL belongs to."),
        P("is_default", "bool", "Whether this is the VPC's default ACL."),
        P("subnet_ids", "string[]", "Subnets associated with the ACL."),
        P("owner_id", "string", "Account that owns the ACL."),
    ),
    billing=FREE,
)

NETWORK_ACL_ENTRY = NodeKind(
    label="NetworkAclEntry",
    provider="aws",
    service="ec2",
    description="One numbered rule of a network ACL: evaluated in rule-number order, first match wins.",
    resource=False,
    properties=(
        P("id", "string", "ACL ARN + direction + rule number: stable across syncs.", indexed=True),
        P("network_acl_id", "string", "The ACL the entry belongs to."),
        P("rule_number", "int", "Evaluation order (lowest first; 32767 is the implicit deny-all)."),
        P("egress", "bool", "True for an outbound rule."),
        P("direction", "string", "ingress or egress."),
        P("protocol", "string", "IP protocol number, or -1 for all."),
        P("rule_action", "string", "allow or deny.", indexed=True),
        P("cidr", "string", "IPv4 or IPv6 CIDR the rule matches."),
        P("from_port", "int", "First port of the range (TCP/UDP)."),
        P("to_port", "int", "Last port of the range (TCP/UDP)."),
        P("icmp_type", "int", "ICMP type (-1 for all)."),
        P("icmp_code", "int", "ICMP code (-1 for all)."),
        *SCOPED_PROPERTIES,
    ),
)

NETWORK_INTERFACE = NodeKind(
    label="NetworkInterface",
    provider="aws",
    service="ec2",
    description="An elastic network interface (ENI) in a subnet.",
    properties=(
        P("network_interface_id", "string", "Interface id (eni-...).", indexed=True),
        P("interface_type", "string", "interface, nat_gateway, lambda, network_load_balancer, ...", indexed=True),
        P("status", "string", "available, attaching, in-use, detaching."),
        P("description", "string", "Description (managed interfaces name their owner here)."),
        P("subnet_id", "string", "Subnet the interface is in."),
        P("vpc_id", "string", "VPC the interface is in."),
        P("availability_zone", "string", "Availability zone."),
        P("private_ip", "string", "Primary private IPv4 address.", indexed=True),
        P("private_ips", "string[]", "Every private IPv4 address."),
        P("ipv6_addresses", "string[]", "IPv6 addresses."),
        P("public_ip", "string", "Public IPv4 address associated with the primary private address.", indexed=True),
        P("mac_address", "string", "MAC address."),
        P("requester_managed", "bool", "Whether an AWS service manages the interface."),
        P("requester_id", "string", "Who created the interface (an AWS service or account)."),
        P("owner_id", "string", "Account that owns the interface."),
        P("source_dest_check", "bool", "Whether source/destination checking is on."),
        P("attached_instance_id", "string", "Instance the interface is attached to."),
        P("device_index", "int", "Device index of the attachment."),
        P("attachment_status", "string", "attaching, attached, detaching or detached."),
        P("security_group_ids", "string[]", "Security groups of the interface."),
    ),
    entry_point=EntryPoint(2, "public_ip", in_network=True),
    billing=FREE,
)

ELASTIC_IP = NodeKind(
    label="ElasticIP",
    provider="aws",
    service="ec2",
    description="An Elastic IP address; associated with a network interface or instance, or idle.",
    properties=(
        P("public_ip", "string", "The public IPv4 address.", indexed=True),
        P("allocation_id", "string", "Allocation id (eipalloc-...).", indexed=True),
        P("association_id", "string", "Association id, when associated."),
        P("domain", "string", "vpc or standard."),
        P("instance_id", "string", "Instance the address is associated with."),
        P("network_interface_id", "string", "Network interface the address is associated with."),
        P("network_interface_owner_id", "string", "Account owning that interface."),
        P("private_ip", "string", "Private address the public one maps to."),
        P("public_ipv4_pool", "string", "Address pool, e.g. amazon."),
        P("network_border_group", "string", "Network border group the address is advertised from."),
    ),
    entry_point=EntryPoint(2),
    billing="elastic_ip",
)

NODES = (
    EBS_VOLUME,
    EBS_SNAPSHOT,
    AMI,
    ROUTE_TABLE,
    INTERNET_GATEWAY,
    NAT_GATEWAY,
    VPC_PEERING_CONNECTION,
    TRANSIT_GATEWAY,
    TRANSIT_GATEWAY_ATTACHMENT,
    NETWORK_ACL,
    NETWORK_ACL_ENTRY,
    NETWORK_INTERFACE,
    ELASTIC_IP,
)

ROUTE_PROPERTIES = (
    P("destination_cidrs", "string[]", "IPv4 destinations of the table's routes to this target."),
    P("destination_ipv6_cidrs", "string[]", "IPv6 destinations of the table's routes to this target."),
    P("destination_prefix_list_ids", "string[]", "Prefix-list destinations of the table's routes to this target."),
    P("states", "string[]", "States of those routes: active, or blackhole (target gone)."),
    P("origins", "string[]", "How those routes were made: CreateRouteTable, CreateRoute or EnableVgwRoutePropagation."),
)

ATTACHMENT_PROPERTIES = (
    P("device", "string", "Device name, e.g. /dev/sdf."),
    P("state", "string", "attaching, attached, detaching or detached."),
    P("delete_on_termination", "bool", "Whether the volume is deleted with the instance."),
)


def _route(target: str, what: str) -> RelType:
    return RelType(
        "ROUTES_TO", "RouteTable", target, f"The table has routes whose target is this {what}.", ROUTE_PROPERTIES
    )


RELATIONSHIPS = (
    RelType(
        "ATTACHED_TO", "EBSVolume", "EC2Instance", "The volume is attached to this instance.", ATTACHMENT_PROPERTIES
    ),
    RelType("CREATED_FROM", "EBSVolume", "EBSSnapshot", "The volume was created from this snapshot."),
    RelType("SNAPSHOT_OF", "EBSSnapshot", "EBSVolume", "The snapshot was taken of this volume."),
    RelType("USES_SNAPSHOT", "AMI", "EBSSnapshot", "A block device of the image is backed by this snapshot."),
    RelType("IN_VPC", "RouteTable", "VPC", "The route table belongs to this VPC."),
    RelType(
        "ASSOCIATED_WITH",
        "RouteTable",
        "Subnet",
        "The subnet's traffic is routed by this table: explicitly associated, or implicitly by the VPC's main table.",
        (P("implicit", "bool", "True when the subnet has no explicit association and so uses the main table."),),
    ),
    _route("InternetGateway", "internet gateway"),
    _route("NATGateway", "NAT gateway"),
    _route("VPCPeeringConnection", "peering connection"),
    _route("TransitGateway", "transit gateway"),
    _route("NetworkInterface", "network interface"),
    _route("EC2Instance", "instance (a NAT instance or appliance)"),
    RelType("ATTACHED_TO", "InternetGateway", "VPC", "The gateway is attached to this VPC."),
    RelType("IN_SUBNET", "NATGateway", "Subnet", "The NAT gateway is placed in this subnet."),
    RelType("IN_VPC", "NATGateway", "VPC", "The NAT gateway is placed in this VPC."),
    RelType("USES_ELASTIC_IP", "NATGateway", "ElasticIP", "The NAT gateway's public address is this Elastic IP."),
    RelType("USES_NETWORK_INTERFACE", "NATGateway", "NetworkInterface", "The NAT gateway's interface."),
    RelType("REQUESTER_VPC", "VPCPeeringConnection", "VPC", "The VPC that requested the peering."),
    RelType("ACCEPTER_VPC", "VPCPeeringConnection", "VPC", "The VPC that accepted (or is asked to accept) it."),
    RelType("ATTACHED_TO", "TransitGatewayAttachment", "TransitGateway", "The attachment belongs to this gateway."),
    RelType("ATTACHES_VPC", "TransitGatewayAttachment", "VPC", "The VPC this attachment connects."),
    RelType("IN_SUBNET", "TransitGatewayAttachment", "Subnet", "The attachment has an interface in this subnet."),
    RelType("IN_VPC", "NetworkAcl", "VPC", "The ACL belongs to this VPC."),
    RelType("ASSOCIATED_WITH", "NetworkAcl", "Subnet", "The ACL governs this subnet."),
    RelType("HAS_ENTRY", "NetworkAcl", "NetworkAclEntry", "The ACL contains this entry."),
    RelType("IN_SUBNET", "NetworkInterface", "Subnet", "The interface is in this subnet."),
    RelType("IN_VPC", "NetworkInterface", "VPC", "The interface is in this VPC."),
    RelType(
        "MEMBER_OF_SECURITY_GROUP", "NetworkInterface", "SecurityGroup", "The interface is governed by this group."
    ),
    RelType("ATTACHED_TO", "NetworkInterface", "EC2Instance", "The interface is attached to this instance."),
    RelType("ASSOCIATED_WITH", "ElasticIP", "NetworkInterface", "The address is associated with this interface."),
    RelType("ASSOCIATED_WITH", "ElasticIP", "EC2Instance", "The address is associated with this instance."),
)
