"""A realistic network and block-storage estate, created through the real EC2 API of a moto server.

Around a VPC of its own: a public and a private subnet, an internet gateway, a NAT gateway with an
Elastic IP, a public and a private route table (routes to the gateways, a peering connection to a
second VPC, a transit gateway and an appliance instance), a transit gateway with a VPC attachment,
a network ACL with allow and deny entries on the public subnet, an instance with an extra volume, a
snapshot of that volume and an AMI made from the instance, a network interface with an Elastic IP,
and one idle Elastic IP.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import boto3

if TYPE_CHECKING:
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_ec2.literals import ResourceTypeType
    from mypy_boto3_ec2.type_defs import CreateNetworkAclEntryRequestTypeDef, TagSpecificationTypeDef

log = logging.getLogger(__name__)

VPC_CIDR = "10.20.0.0/16"
PEER_CIDR = "10.30.0.0/16"


def _tags(resource_type: ResourceTypeType, name: str) -> list[TagSpecificationTypeDef]:
    return [{"ResourceType": resource_type, "Tags": [{"Key": "Name", "Value": name}, {"Key": "env", "Value": "net"}]}]


def _client(endpoint_url: str, region: str) -> EC2Client:
    client: EC2Client = boto3.client(
        "ec2",
        region_name=region,
        endpoint_url=endpoint_url,
        aws_access_key_id="seed",
        aws_secret_access_key="seed",  # noqa: S106 - moto accepts any key
    )
    return client


def seed(endpoint_url: str, region: str = "us-east-1") -> dict[str, str]:
    """Create the estate; returns name -> id of what was created (call after a moto reset)."""
    ec2 = _client(endpoint_url, region)
    ids: dict[str, str] = {}
    zone = f"{region}a"

    ids["vpc"] = ec2.create_vpc(CidrBlock=VPC_CIDR, TagSpecifications=_tags("vpc", "net-vpc"))["Vpc"]["VpcId"]
    ids["peer-vpc"] = ec2.create_vpc(CidrBlock=PEER_CIDR, TagSpecifications=_tags("vpc", "peer-vpc"))["Vpc"]["VpcId"]
    for name, cidr in (("public-subnet", "10.20.1.0/24"), ("private-subnet", "10.20.2.0/24")):
        subnet = ec2.create_subnet(
            VpcId=ids["vpc"], CidrBlock=cidr, AvailabilityZone=zone, TagSpecifications=_tags("subnet", name)
        )
        ids[name] = subnet["Subnet"]["SubnetId"]
    ids["sg"] = ec2.create_security_group(GroupName="net-web", Description="web interfaces", VpcId=ids["vpc"])[
        "GroupId"
    ]

    # Internet gateway, NAT gateway with its Elastic IP.
    igw = ec2.create_internet_gateway(TagSpecifications=_tags("internet-gateway", "net-igw"))
    ids["igw"] = igw["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=ids["igw"], VpcId=ids["vpc"])
    nat_eip = ec2.allocate_address(Domain="vpc", TagSpecifications=_tags("elastic-ip", "nat-eip"))
    ids["nat-eip"] = nat_eip["AllocationId"]
    nat = ec2.create_nat_gateway(
        SubnetId=ids["public-subnet"], AllocationId=ids["nat-eip"], TagSpecifications=_tags("natgateway", "net-nat")
    )
    ids["nat"] = nat["NatGateway"]["NatGatewayId"]

    # Peering to the second VPC, accepted.
    pcx = ec2.create_vpc_peering_connection(
        VpcId=ids["vpc"], PeerVpcId=ids["peer-vpc"], TagSpecifications=_tags("vpc-peering-connection", "net-to-peer")
    )
    ids["pcx"] = pcx["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=ids["pcx"])

    # Transit gateway with a VPC attachment in the private subnet.
    tgw = ec2.create_transit_gateway(Description="hub", TagSpecifications=_tags("transit-gateway", "net-tgw"))
    ids["tgw"] = tgw["TransitGateway"]["TransitGatewayId"]
    attachment = ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=ids["tgw"],
        VpcId=ids["vpc"],
        SubnetIds=[ids["private-subnet"]],
        TagSpecifications=_tags("transit-gateway-attachment", "net-tgw-attach"),
    )
    ids["tgw-attachment"] = attachment["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]

    # An appliance instance in the private subnet, with an extra volume, a snapshot and an AMI.
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance = ec2.run_instances(
        ImageId=image,
        InstanceType="t3.micro",
        MinCount=1,
        MaxCount=1,
        SubnetId=ids["private-subnet"],
        TagSpecifications=_tags("instance", "appliance"),
    )["Instances"][0]
    ids["instance"] = instance["InstanceId"]
    volume = ec2.create_volume(
        AvailabilityZone=zone,
        Size=20,
        VolumeType="gp3",
        Iops=3000,
        Encrypted=True,
        TagSpecifications=_tags("volume", "data-volume"),
    )
    ids["volume"] = volume["VolumeId"]
    ec2.attach_volume(VolumeId=ids["volume"], InstanceId=ids["instance"], Device="/dev/sdf")
    snapshot = ec2.create_snapshot(
        VolumeId=ids["volume"], Description="nightly", TagSpecifications=_tags("snapshot", "data-snapshot")
    )
    ids["snapshot"] = snapshot["SnapshotId"]
    ids["ami"] = ec2.create_image(InstanceId=ids["instance"], Name="appliance-image", Description="golden")["ImageId"]

    # Route tables: public -> IGW; private -> NAT, peering (two destinations), TGW, appliance.
    public_rt = ec2.create_route_table(VpcId=ids["vpc"], TagSpecifications=_tags("route-table", "public-rt"))
    ids["public-rt"] = public_rt["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=ids["public-rt"], DestinationCidrBlock="0.0.0.0/0", GatewayId=ids["igw"])
    ec2.associate_route_table(RouteTableId=ids["public-rt"], SubnetId=ids["public-subnet"])
    private_rt = ec2.create_route_table(VpcId=ids["vpc"], TagSpecifications=_tags("route-table", "private-rt"))
    ids["private-rt"] = private_rt["RouteTable"]["RouteTableId"]
    rt = ids["private-rt"]
    ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=ids["nat"])
    ec2.create_route(RouteTableId=rt, DestinationCidrBlock=PEER_CIDR, VpcPeeringConnectionId=ids["pcx"])
    ec2.create_route(RouteTableId=rt, DestinationCidrBlock="10.31.0.0/16", VpcPeeringConnectionId=ids["pcx"])
    ec2.create_route(RouteTableId=rt, DestinationCidrBlock="10.40.0.0/16", TransitGatewayId=ids["tgw"])
    ec2.create_route(RouteTableId=rt, DestinationCidrBlock="192.168.0.0/16", InstanceId=ids["instance"])
    ec2.associate_route_table(RouteTableId=rt, SubnetId=ids["private-subnet"])

    # A network ACL on the public subnet: HTTPS allowed in, SSH denied in, everything allowed out.
    acl = ec2.create_network_acl(VpcId=ids["vpc"], TagSpecifications=_tags("network-acl", "public-acl"))
    ids["acl"] = acl["NetworkAcl"]["NetworkAclId"]
    acl_id, anywhere = ids["acl"], "0.0.0.0/0"
    entries: list[CreateNetworkAclEntryRequestTypeDef] = [
        {
            "NetworkAclId": acl_id,
            "RuleNumber": 100,
            "Egress": False,
            "Protocol": "6",
            "RuleAction": "allow",
            "CidrBlock": anywhere,
            "PortRange": {"From": 443, "To": 443},
        },
        {
            "NetworkAclId": acl_id,
            "RuleNumber": 200,
            "Egress": False,
            "Protocol": "6",
            "RuleAction": "deny",
            "CidrBlock": anywhere,
            "PortRange": {"From": 22, "To": 22},
        },
        {
            "NetworkAclId": acl_id,
            "RuleNumber": 100,
            "Egress": True,
            "Protocol": "-1",
            "RuleAction": "allow",
            "CidrBlock": anywhere,
        },
    ]
    for entry in entries:
        ec2.create_network_acl_entry(**entry)
    current = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [ids["public-subnet"]]}])
    association = next(
        a["NetworkAclAssociationId"]
        for a in current["NetworkAcls"][0]["Associations"]
        if a.get("SubnetId") == ids["public-subnet"]
    )
    ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=ids["acl"])

    # A network interface with an Elastic IP, and an idle Elastic IP.
    eni = ec2.create_network_interface(
        SubnetId=ids["public-subnet"],
        Groups=[ids["sg"]],
        Description="web frontend",
        PrivateIpAddresses=[
            {"PrivateIpAddress": "10.20.1.10", "Primary": True},
            {"PrivateIpAddress": "10.20.1.11", "Primary": False},
        ],
        TagSpecifications=_tags("network-interface", "web-eni"),
    )
    ids["eni"] = eni["NetworkInterface"]["NetworkInterfaceId"]
    eni_eip = ec2.allocate_address(Domain="vpc", TagSpecifications=_tags("elastic-ip", "web-eip"))
    ids["eni-eip"] = eni_eip["AllocationId"]
    ids["eni-eip-association"] = ec2.associate_address(AllocationId=ids["eni-eip"], NetworkInterfaceId=ids["eni"])[
        "AssociationId"
    ]
    ids["idle-eip"] = ec2.allocate_address(Domain="vpc", TagSpecifications=_tags("elastic-ip", "idle-eip"))[
        "AllocationId"
    ]
    log.info("seeded the network estate in %s: %s resources", region, len(ids))
    return ids
