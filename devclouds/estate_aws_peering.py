"""Traffic between VPCs in the generated AWS estate: a database used across a peering and a transit gateway.

In the first account's first region, beside the shared services:

- ``ledger-db``, a PostgreSQL instance in the shared VPC (subnet group ``shared-db``), whose group ``ledger-db``
  admits tcp/5432 from the first tier's app group (a group reference across the ``shared-to-tier`` peering),
  from ``spoke-vpc`` (10.200.0.0/16, attached to the ``estate hub`` transit gateway) and from ``partner-vpc``
  (10.201.0.0/16, peered with the shared VPC by ``shared-to-partner``);
- the routes: the first tier's private subnet gets a table routing 10.250.0.0/16 to ``shared-to-tier`` (the
  shared private table already routes 10.0.0.0/16 back to it); ``spoke-vpc``'s table routes 10.250.0.0/16 to
  the transit gateway (the shared private table routes 10.200.0.0/16 to it); ``partner-vpc``'s table routes
  10.250.0.0/16 to ``shared-to-partner``, but no shared table routes 10.201.0.0/16 back: a peering whose
  return route is missing;
- ``spoke-worker`` in ``spoke-vpc`` and ``partner-batch`` in ``partner-vpc``; ``partner-batch``'s group admits
  tcp/8080 from the shared private subnet (10.250.1.0/24), which has no route to it.
"""

from __future__ import annotations

import logging
from typing import Any

from devclouds.estate_aws_compute import AMI, ENCRYPTED_ROOT, Net
from devclouds.estate_manifest import Collected

__all__ = ["SHARED_CIDR", "seed_peering"]

log = logging.getLogger(__name__)

CLOUD = "aws"
SHARED_CIDR = "10.250.0.0/16"
SPOKE_CIDR = "10.200.0.0/16"
PARTNER_CIDR = "10.201.0.0/16"


def _named(ec2: Any, resource: str, name: str) -> None:
    ec2.create_tags(Resources=[resource], Tags=[{"Key": "Name", "Value": name}])


def _vpc(ec2: Any, net: Net, name: str, cidr: str, out: Collected) -> tuple[str, str]:
    """A VPC with one private subnet (its first /24); returns (vpc id, subnet id)."""
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    _named(ec2, vpc, name)
    vpc_arn = out.add(CLOUD, "VPC", net.arn(f"vpc/{vpc}"), name, {"Name": name})
    block = cidr.split(".")
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"{block[0]}.{block[1]}.1.0/24", AvailabilityZone=f"{net.region}a")[
        "Subnet"
    ]
    subnet_name = name.replace("-vpc", "-private")
    _named(ec2, subnet["SubnetId"], subnet_name)
    sn_arn = subnet.get("SubnetArn") or net.arn(f"subnet/{subnet['SubnetId']}")
    out.add(CLOUD, "Subnet", sn_arn, subnet_name, {"Name": subnet_name})
    out.edge("IN_VPC", "Subnet", sn_arn, "VPC", vpc_arn)
    return str(vpc), str(subnet["SubnetId"])


def _table(ec2: Any, net: Net, vpc: str, subnet: str, name: str, routes: list[dict[str, str]], out: Collected) -> str:
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    _named(ec2, table, name)
    for route in routes:
        ec2.create_route(RouteTableId=table, **route)
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    return out.add(CLOUD, "RouteTable", net.arn(f"route-table/{table}"), name, {"Name": name})


def _worker(ec2: Any, net: Net, name: str, subnet: str, ingress: list[dict[str, Any]], vpc: str, out: Collected) -> str:
    group = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
    if ingress:
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=ingress)
    group_arn = out.add(CLOUD, "SecurityGroup", net.arn(f"security-group/{group}"), name)
    instance = ec2.run_instances(
        ImageId=AMI,
        InstanceType="t3.micro",
        MinCount=1,
        MaxCount=1,
        SubnetId=subnet,
        SecurityGroupIds=[group],
        BlockDeviceMappings=ENCRYPTED_ROOT,
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}],
    )["Instances"][0]["InstanceId"]
    inst_arn = out.add(CLOUD, "EC2Instance", net.arn(f"instance/{instance}"), name, {"Name": name})
    out.edge("IN_SUBNET", "EC2Instance", inst_arn, "Subnet", net.arn(f"subnet/{subnet}"))
    out.edge("MEMBER_OF_SECURITY_GROUP", "EC2Instance", inst_arn, "SecurityGroup", group_arn)
    return str(instance)


def seed_peering(acc: Any, net: Net, tier_vpc: str, out: Collected) -> None:
    """``net`` is the shared VPC (its peering to ``tier_vpc`` and its transit gateway already made)."""
    ec2 = acc.client("ec2", net.region)
    pcx = next(
        p["VpcPeeringConnectionId"]
        for p in ec2.describe_vpc_peering_connections()["VpcPeeringConnections"]
        if p["RequesterVpcInfo"]["VpcId"] == net.vpc and p["AccepterVpcInfo"]["VpcId"] == tier_vpc
    )
    tgw = next(
        t["TransitGatewayId"]
        for t in ec2.describe_transit_gateways()["TransitGateways"]
        if t.get("Description") == "estate hub" and t.get("State") != "deleted"
    )
    tier_private = next(
        s["SubnetId"]
        for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [tier_vpc]}])["Subnets"]
        if s["CidrBlock"].endswith(".1.0/24")
    )
    app_group = next(
        g["GroupId"]
        for g in ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [tier_vpc]}])["SecurityGroups"]
        if g["GroupName"].endswith("-app")
    )
    # The first tier's way back to the shared VPC.
    _table(
        ec2,
        net,
        tier_vpc,
        tier_private,
        "tier-to-shared-rt",
        [{"DestinationCidrBlock": SHARED_CIDR, "VpcPeeringConnectionId": pcx}],
        out,
    )
    # A spoke VPC on the transit gateway, routed both ways.
    spoke_vpc, spoke_subnet = _vpc(ec2, net, "spoke-vpc", SPOKE_CIDR, out)
    attachment = ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw, VpcId=spoke_vpc, SubnetIds=[spoke_subnet]
    )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    att_arn = out.add(CLOUD, "TransitGatewayAttachment", net.arn(f"transit-gateway-attachment/{attachment}"), "spoke")
    out.edge("ATTACHES_VPC", "TransitGatewayAttachment", att_arn, "VPC", net.arn(f"vpc/{spoke_vpc}"))
    _table(
        ec2,
        net,
        spoke_vpc,
        spoke_subnet,
        "spoke-rt",
        [{"DestinationCidrBlock": SHARED_CIDR, "TransitGatewayId": tgw}],
        out,
    )
    _worker(ec2, net, "spoke-worker", spoke_subnet, [], spoke_vpc, out)
    # A partner VPC peered with the shared VPC, routed on its own side only.
    partner_vpc, partner_subnet = _vpc(ec2, net, "partner-vpc", PARTNER_CIDR, out)
    partner_pcx = ec2.create_vpc_peering_connection(VpcId=net.vpc, PeerVpcId=partner_vpc)["VpcPeeringConnection"][
        "VpcPeeringConnectionId"
    ]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=partner_pcx)
    _named(ec2, partner_pcx, "shared-to-partner")
    pcx_arn = out.add(
        CLOUD, "VPCPeeringConnection", net.arn(f"vpc-peering-connection/{partner_pcx}"), "shared-to-partner"
    )
    out.edge("REQUESTER_VPC", "VPCPeeringConnection", pcx_arn, "VPC", net.arn(f"vpc/{net.vpc}"))
    out.edge("ACCEPTER_VPC", "VPCPeeringConnection", pcx_arn, "VPC", net.arn(f"vpc/{partner_vpc}"))
    _table(
        ec2,
        net,
        partner_vpc,
        partner_subnet,
        "partner-rt",
        [{"DestinationCidrBlock": SHARED_CIDR, "VpcPeeringConnectionId": partner_pcx}],
        out,
    )
    from_shared_private = [
        {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "IpRanges": [{"CidrIp": "10.250.1.0/24"}]}
    ]
    _worker(ec2, net, "partner-batch", partner_subnet, from_shared_private, partner_vpc, out)
    _ledger_db(acc, ec2, net, app_group, out)
    log.info("seeded the estate's cross-VPC traffic in %s/%s", net.account, net.region)


def _ledger_db(acc: Any, ec2: Any, net: Net, app_group: str, out: Collected) -> None:
    group = ec2.create_security_group(GroupName="ledger-db", Description="ledger-db", VpcId=net.vpc)["GroupId"]
    postgres = {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432}
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {**postgres, "UserIdGroupPairs": [{"GroupId": app_group, "UserId": net.account}]},
            {**postgres, "IpRanges": [{"CidrIp": SPOKE_CIDR}, {"CidrIp": PARTNER_CIDR}]},
        ],
    )
    out.add(CLOUD, "SecurityGroup", net.arn(f"security-group/{group}"), "ledger-db")
    rds = acc.client("rds", net.region)
    db = rds.create_db_instance(
        DBInstanceIdentifier="ledger-db",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        AllocatedStorage=20,
        MasterUsername="app",
        MasterUserPassword="not-a-real-password",
        DBSubnetGroupName="shared-db",
        VpcSecurityGroupIds=[group],
        StorageEncrypted=True,
        PubliclyAccessible=False,
    )["DBInstance"]
    out.add(CLOUD, "RDSInstance", db["DBInstanceArn"], "ledger-db")
    subnet_group = rds.describe_db_subnet_groups(DBSubnetGroupName="shared-db")["DBSubnetGroups"][0]
    out.edge("IN_SUBNET_GROUP", "RDSInstance", db["DBInstanceArn"], "RDSSubnetGroup", subnet_group["DBSubnetGroupArn"])
