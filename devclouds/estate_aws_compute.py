"""Compute and edge of the generated estate's shared services, in the ``shared`` VPC.

Two toxic paths on purpose: ``exposed-app`` (public subnet, an Elastic IP, HTTPS open to the world) runs
with a role that reads the bucket tagged data-classification=sensitive; ``admin-worker`` (private) sits
behind the internet-facing ``admin-alb`` and runs with a role holding the full-admin policy. Also a
bastion group with SSH and RDP open to the world, an unencrypted EBS volume and an EKS cluster whose
public endpoint admits 0.0.0.0/0. Everything else is private or encrypted: every instance's root volume
is encrypted, the second EKS cluster's endpoint is private.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from devclouds.estate_aws_identity import Identity
from devclouds.estate_manifest import Collected
from ingest.providers.aws.ec2 import arn

log = logging.getLogger(__name__)

CLOUD = "aws"
WORLD = "0.0.0.0/0"
AMI = "ami-0123456789abcdef0"
ENCRYPTED_ROOT = [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "Encrypted": True, "VolumeType": "gp3"}}]


@dataclass(frozen=True)
class Net:
    vpc: str
    public: str
    private: str
    region: str
    account: str

    def arn(self, resource: str) -> str:
        return arn(self.region, self.account, resource)


def _group(ec2: Any, net: Net, name: str, rules: list[dict[str, Any]], out: Collected) -> str:
    group = ec2.create_security_group(GroupName=name, Description=name, VpcId=net.vpc)["GroupId"]
    if rules:
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=rules)
    out.add(CLOUD, "SecurityGroup", net.arn(f"security-group/{group}"), name)
    return str(group)


def _tcp(port: int, cidr: str | None = None, group: str | None = None) -> dict[str, Any]:
    source: dict[str, Any] = {"IpRanges": [{"CidrIp": cidr}]} if cidr else {"UserIdGroupPairs": [{"GroupId": group}]}
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, **source}


def _instance(ec2: Any, net: Net, name: str, subnet: str, group: str, profile: str, out: Collected) -> str:
    inst = ec2.run_instances(
        ImageId=AMI,
        InstanceType="t3.small",
        MinCount=1,
        MaxCount=1,
        SubnetId=subnet,
        SecurityGroupIds=[group],
        IamInstanceProfile={"Arn": profile},
        BlockDeviceMappings=ENCRYPTED_ROOT,
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}],
    )["Instances"][0]["InstanceId"]
    node = net.arn(f"instance/{inst}")
    out.add(CLOUD, "EC2Instance", node, name, {"Name": name})
    out.edge("USES_INSTANCE_PROFILE", "EC2Instance", node, "IAMInstanceProfile", profile)
    out.edge("MEMBER_OF_SECURITY_GROUP", "EC2Instance", node, "SecurityGroup", net.arn(f"security-group/{group}"))
    return str(inst)


def seed_compute(
    acc: Any, net: Net, identity: Identity, key: str, out: Collected, task_config: TaskConfig | None = None
) -> None:
    region = net.region
    ec2, elb = acc.client("ec2", region), acc.client("elbv2", region)
    web = _group(ec2, net, "exposed-web", [_tcp(443, WORLD)], out)
    bastion = _group(ec2, net, "bastion", [_tcp(22, WORLD), _tcp(3389, WORLD)], out)
    out.misconfig(
        "sg-admin-port-open-to-world",
        CLOUD,
        "SecurityGroup",
        net.arn(f"security-group/{bastion}"),
        "SSH (22) and RDP (3389) are open to 0.0.0.0/0.",
    )
    alb_sg = _group(ec2, net, "admin-alb", [_tcp(443, WORLD)], out)
    worker = _group(ec2, net, "admin-worker", [_tcp(8080, group=alb_sg)], out)

    exposed = _instance(ec2, net, "exposed-app", net.public, web, identity.app_profile, out)
    eip = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(AllocationId=eip["AllocationId"], InstanceId=exposed)
    eip_arn = net.arn(f"elastic-ip/{eip['AllocationId']}")
    out.edge("ASSOCIATED_WITH", "ElasticIP", eip_arn, "EC2Instance", net.arn(f"instance/{exposed}"))
    out.misconfig(
        "toxic-exposed-instance-reads-sensitive-bucket",
        CLOUD,
        "EC2Instance",
        net.arn(f"instance/{exposed}"),
        "exposed-app has a public Elastic IP and HTTPS open to the world; its profile's role app-ec2 may "
        "read the bucket tagged data-classification=sensitive.",
    )
    admin = _instance(ec2, net, "admin-worker", net.private, worker, identity.admin_profile, out)
    alb = elb.create_load_balancer(
        Name="admin-alb",
        Subnets=[net.public, net.private],
        SecurityGroups=[alb_sg],
        Scheme="internet-facing",
        Type="application",
    )["LoadBalancers"][0]
    out.add(CLOUD, "LoadBalancer", alb["LoadBalancerArn"], "admin-alb")
    tg = elb.create_target_group(Name="admin-tg", Protocol="HTTP", Port=8080, VpcId=net.vpc, TargetType="instance")
    tg_arn = tg["TargetGroups"][0]["TargetGroupArn"]
    out.add(CLOUD, "TargetGroup", tg_arn, "admin-tg")
    elb.register_targets(TargetGroupArn=tg_arn, Targets=[{"Id": admin, "Port": 8080}])
    listener = elb.create_listener(
        LoadBalancerArn=alb["LoadBalancerArn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg_arn}],
    )["Listeners"][0]["ListenerArn"]
    out.add(CLOUD, "Listener", listener, "admin-alb:80")
    out.edge("FORWARDS_TO", "Listener", listener, "TargetGroup", tg_arn)
    out.edge("TARGETS", "TargetGroup", tg_arn, "EC2Instance", net.arn(f"instance/{admin}"))
    out.misconfig(
        "toxic-public-load-balancer-to-admin-instance",
        CLOUD,
        "EC2Instance",
        net.arn(f"instance/{admin}"),
        "admin-worker is a target of the internet-facing admin-alb; its profile's role admin-ec2 holds "
        "the full-admin policy (Action '*' on Resource '*').",
    )

    nlb_eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nlb = elb.create_load_balancer(
        Name="edge-nlb",
        Scheme="internet-facing",
        Type="network",
        SubnetMappings=[{"SubnetId": net.public, "AllocationId": nlb_eip}],
    )["LoadBalancers"][0]
    out.add(CLOUD, "LoadBalancer", nlb["LoadBalancerArn"], "edge-nlb")
    # moto 5.2 keeps the subnet mapping's Elastic IP but describe_load_balancers returns no LoadBalancerAddresses,
    # so the NLB -> Elastic IP edge is not promised here (tests/graph/test_references_and_links.py covers it)

    _storage_volumes(ec2, net, admin, key, out)
    _containers(acc, net, identity, worker, out, task_config or TaskConfig())
    _edge(acc, net, alb, eip, out)


def _storage_volumes(ec2: Any, net: Net, admin: str, key: str, out: Collected) -> None:
    zone = f"{net.region}b"
    data = ec2.create_volume(AvailabilityZone=zone, Size=50, VolumeType="gp3", Encrypted=True, KmsKeyId=key)
    ec2.attach_volume(VolumeId=data["VolumeId"], InstanceId=admin, Device="/dev/sdf")
    data_arn = net.arn(f"volume/{data['VolumeId']}")
    out.add(CLOUD, "EBSVolume", data_arn, "admin-data")
    out.edge("ATTACHED_TO", "EBSVolume", data_arn, "EC2Instance", net.arn(f"instance/{admin}"))
    out.edge("ENCRYPTED_BY", "EBSVolume", data_arn, "KMSKey", key)
    scratch = ec2.create_volume(AvailabilityZone=zone, Size=20, VolumeType="gp3", Encrypted=False)["VolumeId"]
    out.add(CLOUD, "EBSVolume", net.arn(f"volume/{scratch}"), "scratch")
    out.misconfig(
        "ebs-volume-not-encrypted",
        CLOUD,
        "EBSVolume",
        net.arn(f"volume/{scratch}"),
        "An EBS volume created without encryption.",
    )
    snap = ec2.create_snapshot(VolumeId=data["VolumeId"], Description="nightly")["SnapshotId"]
    snap_arn = f"arn:aws:ec2:{net.region}::snapshot/{snap}"
    out.add(CLOUD, "EBSSnapshot", snap_arn, "nightly")
    out.edge("SNAPSHOT_OF", "EBSSnapshot", snap_arn, "EBSVolume", data_arn)
    image = ec2.create_image(InstanceId=admin, Name="worker-golden", Description="golden image")["ImageId"]
    image_arn = f"arn:aws:ec2:{net.region}::image/{image}"
    out.add(CLOUD, "AMI", image_arn, "worker-golden")
    template = ec2.create_launch_template(
        LaunchTemplateName="worker-lt",
        LaunchTemplateData={"ImageId": image, "InstanceType": "t3.micro", "BlockDeviceMappings": ENCRYPTED_ROOT},
    )["LaunchTemplate"]["LaunchTemplateId"]
    lt_arn = net.arn(f"launch-template/{template}")
    out.add(CLOUD, "LaunchTemplate", lt_arn, "worker-lt")
    out.edge("USES_IMAGE", "LaunchTemplate", lt_arn, "AMI", image_arn)


@dataclass(frozen=True)
class TaskConfig:
    """What the web task definition's container is configured with: plain variables and injected secrets."""

    environment: tuple[tuple[str, str], ...] = ()
    secrets: tuple[tuple[str, str], ...] = ()  # (variable, secret ARN)


def _containers(acc: Any, net: Net, identity: Identity, group: str, out: Collected, task: TaskConfig) -> None:
    region = net.region
    asg = acc.client("autoscaling", region)
    templates = acc.client("ec2", region).describe_launch_templates(LaunchTemplateNames=["worker-lt"])
    template = templates["LaunchTemplates"][0]["LaunchTemplateId"]
    asg.create_auto_scaling_group(
        AutoScalingGroupName="worker-asg",
        MinSize=1,
        MaxSize=2,
        DesiredCapacity=1,
        LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"},
        VPCZoneIdentifier=net.private,
    )
    group_arn = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["worker-asg"])["AutoScalingGroups"][0]
    out.add(CLOUD, "AutoScalingGroup", group_arn["AutoScalingGroupARN"], "worker-asg")
    out.edge(
        "USES_LAUNCH_TEMPLATE",
        "AutoScalingGroup",
        group_arn["AutoScalingGroupARN"],
        "LaunchTemplate",
        net.arn(f"launch-template/{template}"),
    )

    ecs = acc.client("ecs", region)
    cluster = ecs.create_cluster(clusterName="web-cluster")["cluster"]["clusterArn"]
    out.add(CLOUD, "ECSCluster", cluster, "web-cluster")
    td = ecs.register_task_definition(
        family="web",
        taskRoleArn=identity.task_role,
        executionRoleArn=identity.execution_role,
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[
            {
                "name": "web",
                "image": "web:1.4.2",
                "essential": True,
                "memory": 448,
                "environment": [{"name": k, "value": v} for k, v in task.environment],
                "secrets": [{"name": k, "valueFrom": v} for k, v in task.secrets],
            }
        ],
    )["taskDefinition"]["taskDefinitionArn"]
    out.add(CLOUD, "ECSTaskDefinition", td, "web")
    out.edge("USES_ROLE", "ECSTaskDefinition", td, "IAMRole", identity.task_role)
    out.edge("USES_EXECUTION_ROLE", "ECSTaskDefinition", td, "IAMRole", identity.execution_role)
    service = ecs.create_service(
        cluster="web-cluster",
        serviceName="web-svc",
        taskDefinition=td,
        desiredCount=0,
        launchType="FARGATE",
        networkConfiguration={
            "awsvpcConfiguration": {"subnets": [net.private], "securityGroups": [group], "assignPublicIp": "DISABLED"}
        },
    )["service"]["serviceArn"]
    out.add(CLOUD, "ECSService", service, "web-svc")
    out.edge("IN_CLUSTER", "ECSService", service, "ECSCluster", cluster)
    out.edge("USES_TASK_DEFINITION", "ECSService", service, "ECSTaskDefinition", td)

    eks = acc.client("eks", region)
    for name, public, cidrs in (("public-eks", True, [WORLD]), ("private-eks", False, [])):
        config: dict[str, Any] = {
            "subnetIds": [net.public, net.private],
            "endpointPublicAccess": public,
            "endpointPrivateAccess": True,
        }
        if cidrs:
            config["publicAccessCidrs"] = cidrs
        cl = eks.create_cluster(name=name, version="1.29", roleArn=identity.eks_role, resourcesVpcConfig=config)
        out.add(CLOUD, "EKSCluster", cl["cluster"]["arn"], name)
        out.edge("USES_ROLE", "EKSCluster", cl["cluster"]["arn"], "IAMRole", identity.eks_role)
        if name == "public-eks":
            out.misconfig(
                "eks-public-endpoint-open-to-world",
                CLOUD,
                "EKSCluster",
                cl["cluster"]["arn"],
                "The API server's public endpoint admits 0.0.0.0/0.",
            )
    nodes = eks.create_nodegroup(
        clusterName="private-eks",
        nodegroupName="workers",
        subnets=[net.private],
        nodeRole=identity.node_role,
        scalingConfig={"minSize": 1, "maxSize": 3, "desiredSize": 2},
    )["nodegroup"]["nodegroupArn"]
    out.add(CLOUD, "EKSNodeGroup", nodes, "workers")
    ecr = acc.client("ecr", region)
    repo = ecr.create_repository(repositoryName="web", imageScanningConfiguration={"scanOnPush": True})
    out.add(CLOUD, "ECRRepository", repo["repository"]["repositoryArn"], "web")


def _edge(acc: Any, net: Net, alb: dict[str, Any], eip: dict[str, Any], out: Collected) -> None:
    cloudfront = acc.client("cloudfront", net.region)
    origin = f"estate-{net.account}-uploads.s3.amazonaws.com"
    dist = cloudfront.create_distribution(
        DistributionConfig={
            "CallerReference": "estate-uploads",
            "Comment": "uploads",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [{"Id": "uploads", "DomainName": origin, "S3OriginConfig": {"OriginAccessIdentity": ""}}],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "uploads",
                "ViewerProtocolPolicy": "redirect-to-https",
                "MinTTL": 0,
                "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
            },
        }
    )["Distribution"]
    out.add(CLOUD, "CloudFrontDistribution", dist["ARN"], "uploads")
    out.edge("ORIGIN", "CloudFrontDistribution", dist["ARN"], "S3Bucket", f"arn:aws:s3:::estate-{net.account}-uploads")
    route53 = acc.client("route53", net.region)
    zone = route53.create_hosted_zone(Name="estate.example", CallerReference="estate-public")["HostedZone"]
    zone_id = zone["Id"].rsplit("/", 1)[-1]
    zone_arn = f"arn:aws:route53:::hostedzone/{zone_id}"
    out.add(CLOUD, "Route53HostedZone", zone_arn, "estate.example")
    changes = [
        {
            "Action": "CREATE",
            "ResourceRecordSet": {
                "Name": "admin.estate.example",
                "Type": "A",
                "AliasTarget": {
                    "HostedZoneId": alb["CanonicalHostedZoneId"],
                    "DNSName": alb["DNSName"],
                    "EvaluateTargetHealth": False,
                },
            },
        },
        {
            "Action": "CREATE",
            "ResourceRecordSet": {
                "Name": "app.estate.example",
                "Type": "A",
                "TTL": 300,
                "ResourceRecords": [{"Value": eip["PublicIp"]}],
            },
        },
    ]
    route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": changes})
    admin_rec = f"{zone_arn}/admin.estate.example./A/"
    app_rec = f"{zone_arn}/app.estate.example./A/"
    out.edge("ROUTES_TO", "Route53Record", admin_rec, "LoadBalancer", alb["LoadBalancerArn"])
    out.edge("RESOLVES_TO", "Route53Record", app_rec, "ElasticIP", net.arn(f"elastic-ip/{eip['AllocationId']}"))
    private = route53.create_hosted_zone(
        Name="internal.estate",
        CallerReference="estate-private",
        VPC={"VPCRegion": net.region, "VPCId": net.vpc},
        HostedZoneConfig={"Comment": "service discovery", "PrivateZone": True},
    )["HostedZone"]
    private_arn = f"arn:aws:route53:::hostedzone/{private['Id'].rsplit('/', 1)[-1]}"
    out.add(CLOUD, "Route53HostedZone", private_arn, "internal.estate")
    out.edge("ASSOCIATED_WITH", "Route53HostedZone", private_arn, "VPC", net.arn(f"vpc/{net.vpc}"))
