"""A realistic web tier for the AWS compute units, created through boto3 against a moto server.

One VPC with two public and two private subnets, an internet-facing ALB (HTTP redirect listener
and an HTTPS listener) forwarding to a target group with two registered instances, an Auto
Scaling group launched from a launch template and attached to that target group, a Lambda
function in the private subnets fed by an SQS queue, an ECS cluster with a Fargate service behind
the target group, an EKS cluster with a node group, and an ECR repository.

``seed`` returns a name -> id/ARN manifest for tests. The SQS queue, the IAM roles and the ACM
certificate exist only so the compute resources can reference them.
"""

from __future__ import annotations

import io
import logging
import zipfile
from typing import Any

import boto3

log = logging.getLogger(__name__)

AMI_ID = "ami-0b5eea76982371e91"  # the one image tests load through MOTO_AMIS_PATH
_TAGS = [{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "web"}]


def _clients(endpoint_url: str, region: str) -> dict[str, Any]:
    names = ("ec2", "elbv2", "elb", "autoscaling", "lambda", "sqs", "iam", "ecs", "eks", "ecr", "acm")
    return {
        name: boto3.client(
            name,  # type: ignore[call-overload]
            region_name=region,
            endpoint_url=endpoint_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # noqa: S106 - moto accepts any key
        )
        for name in names
    }


def _lambda_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return {'ok': True}\n")
    return buffer.getvalue()


def _role(iam: Any, name: str, service: str) -> str:
    policy = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"'
        + service
        + '"},"Action":"sts:AssumeRole"}]}'
    )
    return str(iam.create_role(RoleName=name, AssumeRolePolicyDocument=policy)["Role"]["Arn"])


def seed(endpoint_url: str, region: str = "us-east-1") -> dict[str, str]:
    """Create the web tier in ``region``; return a manifest of what was created (name -> id or ARN)."""
    c = _clients(endpoint_url, region)
    ec2, elbv2, asg, lam, ecs, eks, ecr = (c[n] for n in ("ec2", "elbv2", "autoscaling", "lambda", "ecs", "eks", "ecr"))
    m: dict[str, str] = {}

    # --- network --------------------------------------------------------------------------------
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": "web-vpc"}])
    m["vpc"] = vpc
    for name, cidr, az in (
        ("public-a", "10.20.0.0/24", f"{region}a"),
        ("public-b", "10.20.1.0/24", f"{region}b"),
        ("private-a", "10.20.10.0/24", f"{region}a"),
        ("private-b", "10.20.11.0/24", f"{region}b"),
    ):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]
        ec2.create_tags(Resources=[subnet], Tags=[{"Key": "Name", "Value": name}])
        m[f"subnet:{name}"] = subnet
    for name, description in (
        ("alb-sg", "ALB: 80 and 443 from anywhere"),
        ("app-sg", "app tier"),
        ("lambda-sg", "worker lambda"),
        ("eks-sg", "EKS control plane"),
    ):
        m[f"sg:{name}"] = ec2.create_security_group(GroupName=name, Description=description, VpcId=vpc)["GroupId"]
    public = [m["subnet:public-a"], m["subnet:public-b"]]
    private = [m["subnet:private-a"], m["subnet:private-b"]]

    # --- instances, ALB, target group, listeners --------------------------------------------------
    for name, subnet in (("web-1", private[0]), ("web-2", private[1])):
        instance = ec2.run_instances(
            ImageId=AMI_ID,
            InstanceType="t3.small",
            MinCount=1,
            MaxCount=1,
            SubnetId=subnet,
            SecurityGroupIds=[m["sg:app-sg"]],
            TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}],
        )["Instances"][0]
        m[f"instance:{name}"] = instance["InstanceId"]
    alb = elbv2.create_load_balancer(
        Name="web-alb",
        Subnets=public,
        SecurityGroups=[m["sg:alb-sg"]],
        Scheme="internet-facing",
        Type="application",
        IpAddressType="ipv4",
        Tags=_TAGS,
    )["LoadBalancers"][0]
    m["alb"] = alb["LoadBalancerArn"]
    m["alb:dns"] = alb["DNSName"]
    tg = elbv2.create_target_group(
        Name="web-tg",
        Protocol="HTTP",
        Port=8080,
        VpcId=vpc,
        TargetType="instance",
        HealthCheckPath="/health",
        HealthCheckProtocol="HTTP",
    )["TargetGroups"][0]
    m["tg"] = tg["TargetGroupArn"]
    elbv2.register_targets(
        TargetGroupArn=m["tg"], Targets=[{"Id": m["instance:web-1"], "Port": 8080}, {"Id": m["instance:web-2"]}]
    )
    ip_tg = elbv2.create_target_group(Name="ip-tg", Protocol="HTTP", Port=9000, VpcId=vpc, TargetType="ip")
    m["tg:ip"] = ip_tg["TargetGroups"][0]["TargetGroupArn"]
    elbv2.register_targets(TargetGroupArn=m["tg:ip"], Targets=[{"Id": "10.20.10.50", "Port": 9000}])
    cert = c["acm"].request_certificate(DomainName="www.example.com")["CertificateArn"]
    m["certificate"] = cert
    https = elbv2.create_listener(
        LoadBalancerArn=m["alb"],
        Protocol="HTTPS",
        Port=443,
        Certificates=[{"CertificateArn": cert}],
        SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06",
        DefaultActions=[{"Type": "forward", "TargetGroupArn": m["tg"]}],
    )["Listeners"][0]
    m["listener:https"] = https["ListenerArn"]
    http = elbv2.create_listener(
        LoadBalancerArn=m["alb"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[
            {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}
        ],
    )["Listeners"][0]
    m["listener:http"] = http["ListenerArn"]

    elb = c["elb"]
    elb.create_load_balancer(
        LoadBalancerName="legacy-elb",
        Subnets=public,
        SecurityGroups=[m["sg:alb-sg"]],
        Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstanceProtocol": "HTTP", "InstancePort": 8080}],
        Tags=[{"Key": "Name", "Value": "legacy"}],
    )
    elb.register_instances_with_load_balancer(
        LoadBalancerName="legacy-elb", Instances=[{"InstanceId": m["instance:web-1"]}]
    )
    m["elb"] = "legacy-elb"

    # --- launch template and Auto Scaling group ---------------------------------------------------
    lt = ec2.create_launch_template(
        LaunchTemplateName="web-lt",
        LaunchTemplateData={"ImageId": AMI_ID, "InstanceType": "t3.micro", "SecurityGroupIds": [m["sg:app-sg"]]},
    )["LaunchTemplate"]
    ec2.create_launch_template_version(
        LaunchTemplateId=lt["LaunchTemplateId"],
        SourceVersion="1",
        LaunchTemplateData={"ImageId": AMI_ID, "InstanceType": "t3.medium", "SecurityGroupIds": [m["sg:app-sg"]]},
    )
    m["launch_template"] = lt["LaunchTemplateId"]
    asg.create_auto_scaling_group(
        AutoScalingGroupName="web-asg",
        MinSize=1,
        MaxSize=4,
        DesiredCapacity=2,
        LaunchTemplate={"LaunchTemplateId": lt["LaunchTemplateId"], "Version": "$Latest"},
        VPCZoneIdentifier=",".join(private),
        TargetGroupARNs=[m["tg"]],
        HealthCheckType="ELB",
        Tags=[{"Key": "env", "Value": "prod", "PropagateAtLaunch": True}],
    )
    group = asg.describe_auto_scaling_groups(AutoScalingGroupNames=["web-asg"])["AutoScalingGroups"][0]
    m["asg"] = group["AutoScalingGroupARN"]

    # --- Lambda with an SQS event source ------------------------------------------------------------
    lambda_role = _role(c["iam"], "worker-lambda-role", "lambda.amazonaws.com")
    m["role:lambda"] = lambda_role
    fn = lam.create_function(
        FunctionName="order-worker",
        Runtime="python3.12",
        Role=lambda_role,
        Handler="app.handler",
        Code={"ZipFile": _lambda_zip()},
        MemorySize=256,
        Timeout=30,
        Description="Processes orders",
        VpcConfig={"SubnetIds": private, "SecurityGroupIds": [m["sg:lambda-sg"]]},
        Environment={"Variables": {"DB_PASSWORD": "s3cret-value", "QUEUE_URL": "https://example"}},
        Tags={"env": "prod"},
    )
    m["lambda"] = fn["FunctionArn"]
    url = lam.create_function_url_config(FunctionName="order-worker", AuthType="AWS_IAM")
    m["lambda:url"] = url["FunctionUrl"]
    queue_url = c["sqs"].create_queue(QueueName="orders")["QueueUrl"]
    queue_arn = c["sqs"].get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    m["queue"] = queue_arn
    esm = lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName="order-worker", BatchSize=5)
    m["esm"] = esm["UUID"]

    # --- ECS: cluster, task definition, Fargate service behind the target group, one task --------
    task_role = _role(c["iam"], "web-task-role", "ecs-tasks.amazonaws.com")
    exec_role = _role(c["iam"], "web-task-execution-role", "ecs-tasks.amazonaws.com")
    m["cluster"] = ecs.create_cluster(clusterName="web-cluster", tags=[{"key": "env", "value": "prod"}])["cluster"][
        "clusterArn"
    ]
    td = ecs.register_task_definition(
        family="web",
        taskRoleArn=task_role,
        executionRoleArn=exec_role,
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        # container-level memory: moto sums it to place tasks
        containerDefinitions=[
            {
                "name": "web",
                "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2",
                "essential": True,
                "memory": 448,
                "portMappings": [{"containerPort": 8080, "protocol": "tcp"}],
            },
            {
                "name": "log-router",
                "image": "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
                "essential": False,
                "memory": 64,
            },
        ],
    )["taskDefinition"]
    m["task_definition"] = td["taskDefinitionArn"]
    awsvpc = {
        "awsvpcConfiguration": {"subnets": private, "securityGroups": [m["sg:app-sg"]], "assignPublicIp": "DISABLED"}
    }
    service = ecs.create_service(
        cluster="web-cluster",
        serviceName="web-svc",
        taskDefinition=td["taskDefinitionArn"],
        desiredCount=2,
        launchType="FARGATE",
        networkConfiguration=awsvpc,
        loadBalancers=[{"targetGroupArn": m["tg"], "containerName": "web", "containerPort": 8080}],
    )["service"]
    m["service"] = service["serviceArn"]
    # No run_task: moto 5.2 answers 500 for an awsvpc networkConfiguration (its NetworkInterface has no
    # private_dns_name) and refuses awsvpc without one, so ECS tasks are covered by recorded payloads.

    # --- EKS cluster and node group -------------------------------------------------------------------
    eks_role = _role(c["iam"], "eks-cluster-role", "eks.amazonaws.com")
    node_role = _role(c["iam"], "eks-node-role", "ec2.amazonaws.com")
    cluster = eks.create_cluster(
        name="web-eks",
        version="1.29",
        roleArn=eks_role,
        resourcesVpcConfig={
            "subnetIds": private,
            "securityGroupIds": [m["sg:eks-sg"]],
            "endpointPublicAccess": True,
            "endpointPrivateAccess": True,
            "publicAccessCidrs": ["203.0.113.0/24"],
        },
        tags={"env": "prod"},
    )["cluster"]
    m["eks"] = cluster["arn"]
    nodegroup = eks.create_nodegroup(
        clusterName="web-eks",
        nodegroupName="web-nodes",
        subnets=private,
        nodeRole=node_role,
        instanceTypes=["m6i.large"],
        scalingConfig={"minSize": 2, "maxSize": 6, "desiredSize": 3},
        capacityType="ON_DEMAND",
    )["nodegroup"]
    m["nodegroup"] = nodegroup["nodegroupArn"]

    # --- ECR ----------------------------------------------------------------------------------------------
    repo = ecr.create_repository(
        repositoryName="web",
        imageTagMutability="IMMUTABLE",
        imageScanningConfiguration={"scanOnPush": True},
        encryptionConfiguration={"encryptionType": "AES256"},
    )["repository"]
    m["ecr"] = repo["repositoryArn"]
    m["ecr:uri"] = repo["repositoryUri"]
    log.info("seeded the compute web tier in %s: %s resources", region, len(m))
    return m
