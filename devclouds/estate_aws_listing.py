"""What the AWS share holds beyond what the generator created by name: listed from the cloud's own APIs.

The cloud makes resources of its own as side effects: a default VPC with its subnets and security
group, each VPC's main route table, default network ACL and default group, an instance's network
interface and root volume, a NAT gateway's interface, the instances an Auto Scaling group launches, the
snapshots behind an image, a hosted zone's SOA and NS records. They are real resources discovery must
find, so the manifest lists them too (named by their id): the manifest then holds *every* resource of
the kinds it covers, and the exact-match test can check that discovery found nothing more or less.
"""

from __future__ import annotations

from typing import Any

from devclouds.estate_manifest import Collected
from ingest.providers.aws.ec2 import arn
from ingest.providers.aws.edge_transform import record_id, zone_arn

CLOUD = "aws"


def list_region(acc: Any, region: str, out: Collected) -> None:
    """Every EC2 and KMS resource of the account's ``region`` not recorded yet, keyed as discovery keys it."""
    ec2, account = acc.client("ec2", region), acc.account
    known = out.known()

    def add(label: str, id_: str, name: str) -> None:
        if id_ not in known:
            known.add(id_)
            out.add(CLOUD, label, id_, name)

    for vpc in ec2.describe_vpcs()["Vpcs"]:
        add("VPC", arn(region, account, f"vpc/{vpc['VpcId']}"), vpc["VpcId"])
    for sn in ec2.describe_subnets()["Subnets"]:
        sn_arn = sn.get("SubnetArn") or arn(region, account, f"subnet/{sn['SubnetId']}")
        if sn_arn not in known:
            add("Subnet", sn_arn, sn["SubnetId"])
            out.edge("IN_VPC", "Subnet", sn_arn, "VPC", arn(region, account, f"vpc/{sn['VpcId']}"))
    for sg in ec2.describe_security_groups()["SecurityGroups"]:
        add(
            "SecurityGroup",
            arn(region, sg.get("OwnerId") or account, f"security-group/{sg['GroupId']}"),
            sg["GroupName"],
        )
    for reservation in ec2.describe_instances()["Reservations"]:
        for inst in reservation["Instances"]:
            add("EC2Instance", arn(region, account, f"instance/{inst['InstanceId']}"), inst["InstanceId"])
    for eni in ec2.describe_network_interfaces()["NetworkInterfaces"]:
        add(
            "NetworkInterface",
            arn(region, account, f"network-interface/{eni['NetworkInterfaceId']}"),
            eni["NetworkInterfaceId"],
        )
    for vol in ec2.describe_volumes()["Volumes"]:
        vol_arn = arn(region, account, f"volume/{vol['VolumeId']}")
        if vol_arn not in known and not vol.get("Encrypted"):
            # moto's Auto Scaling launches add an unencrypted root volume beside the launch template's
            # encrypted one: a real unencrypted volume in this estate, so it is listed as one
            why = "an unencrypted volume the cloud attached on its own (an Auto Scaling launch's root volume)"
            out.misconfig("ebs-volume-not-encrypted", CLOUD, "EBSVolume", vol_arn, why)
        add("EBSVolume", vol_arn, vol["VolumeId"])
    for snap in ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]:
        if snap.get("OwnerId") in (None, account):
            add("EBSSnapshot", f"arn:aws:ec2:{region}::snapshot/{snap['SnapshotId']}", snap["SnapshotId"])
    for image in ec2.describe_images(Owners=["self"])["Images"]:
        if image.get("OwnerId") in (None, account):
            add("AMI", f"arn:aws:ec2:{region}::image/{image['ImageId']}", image["ImageId"])
    for table in ec2.describe_route_tables()["RouteTables"]:
        add(
            "RouteTable",
            arn(region, table.get("OwnerId") or account, f"route-table/{table['RouteTableId']}"),
            table["RouteTableId"],
        )
    for acl in ec2.describe_network_acls()["NetworkAcls"]:
        add(
            "NetworkAcl",
            arn(region, acl.get("OwnerId") or account, f"network-acl/{acl['NetworkAclId']}"),
            acl["NetworkAclId"],
        )
    for igw in ec2.describe_internet_gateways()["InternetGateways"]:
        add(
            "InternetGateway",
            arn(region, account, f"internet-gateway/{igw['InternetGatewayId']}"),
            igw["InternetGatewayId"],
        )
    for nat in ec2.describe_nat_gateways()["NatGateways"]:
        add("NATGateway", arn(region, account, f"natgateway/{nat['NatGatewayId']}"), nat["NatGatewayId"])
    for address in ec2.describe_addresses()["Addresses"]:
        if address.get("AllocationId"):
            add("ElasticIP", arn(region, account, f"elastic-ip/{address['AllocationId']}"), address["PublicIp"])
    kms = acc.client("kms", region)
    for key in kms.list_keys()["Keys"]:
        add("KMSKey", key["KeyArn"], key["KeyId"])


def list_global(acc: Any, out: Collected) -> None:
    """The account's hosted zones' records (AWS makes each zone's SOA and NS records)."""
    route53 = acc.client("route53", "us-east-1")
    known = out.known()
    for zone in route53.list_hosted_zones()["HostedZones"]:
        zone_id = zone["Id"].rsplit("/", 1)[-1]
        node = zone_arn(zone_id, "us-east-1")
        if node not in known:
            out.add(CLOUD, "Route53HostedZone", node, zone["Name"])
        for rrset in route53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]:
            rec = record_id(node, rrset["Name"], rrset["Type"], rrset.get("SetIdentifier"))
            if rec not in known:
                out.add(CLOUD, "Route53Record", rec, rrset["Name"])
                out.edge("IN_ZONE", "Route53Record", rec, "Route53HostedZone", node)
