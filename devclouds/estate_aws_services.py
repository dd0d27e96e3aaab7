"""The shared services of the generated AWS estate: one set in the first account's first region.

Around a ``shared`` VPC (public and private subnet, internet and NAT gateways, route tables, a peering
connection to the first app tier's VPC and a transit gateway): KMS keys, S3 buckets, DynamoDB with a
stream, SQS, SNS, Lambda (event source mappings, function URLs), Secrets Manager, RDS (with a read
replica, and a ledger database used across the peering and the transit gateway: ``estate_aws_peering``),
EventBridge (``estate_aws_events``), EBS volumes, a snapshot and an image, a launch template and an Auto
Scaling group, ECS, EKS, ECR, an internet-facing ALB and an NLB on an Elastic IP, CloudFront, Route53 and API
Gateway; IAM comes from ``estate_aws_identity``. Every deliberate misconfiguration is recorded on the
manifest; everything else is clean on the same dimensions (encrypted, private, rotated, authenticated).
"""

from __future__ import annotations

import io
import logging
import zipfile
from typing import Any

from devclouds.estate_aws_compute import WORLD, Net, TaskConfig, seed_compute
from devclouds.estate_aws_events import seed_events
from devclouds.estate_aws_identity import Identity, seed_identity
from devclouds.estate_aws_peering import seed_peering
from devclouds.estate_aws_storage import seed_storage
from devclouds.estate_manifest import Collected
from ingest.providers.aws.ec2 import arn

log = logging.getLogger(__name__)

CLOUD = "aws"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return {'ok': True}\n")
    return buffer.getvalue()


def seed_services(acc: Any, region: str, peer_vpc: str, out: Collected) -> None:
    """``acc`` is the estate's account handle (``estate_aws._Account``); ``peer_vpc`` the first tier's VPC."""
    account = acc.account
    ec2 = acc.client("ec2", region)
    net = _network(ec2, region, account, peer_vpc, out)
    kms = acc.client("kms", region)
    key = kms.create_key(Description="estate data key")["KeyMetadata"]
    kms.enable_key_rotation(KeyId=key["KeyId"])
    kms.create_alias(AliasName="alias/estate-data", TargetKeyId=key["KeyId"])
    out.add(CLOUD, "KMSKey", key["Arn"], "estate data key")
    legacy = kms.create_key(Description="legacy key without rotation")["KeyMetadata"]
    out.add(CLOUD, "KMSKey", legacy["Arn"], "legacy key")
    out.misconfig(
        "kms-key-rotation-disabled",
        CLOUD,
        "KMSKey",
        legacy["Arn"],
        "A customer managed symmetric key without automatic rotation.",
    )
    storage = seed_storage(acc, region, key["Arn"], out)
    identity = seed_identity(
        acc.client("iam", region),
        account,
        storage.sensitive_bucket,
        out,
        uploads_bucket=storage.uploads_bucket,
        invoices_queue=storage.invoices_queue_arn,
    )
    fn = _serverless(acc, region, identity, key["Arn"], storage.queue_arn, storage.stream_arn, out)
    storage.notify(fn)
    seed_events(
        acc, region, identity.invoice_role, storage.uploads_bucket, storage.invoices_queue_arn, storage.queue_arn, out
    )
    _databases(acc, region, net, key["Arn"], out)
    seed_peering(acc, net, peer_vpc, out)
    task_config = TaskConfig(
        environment=(("INVOICES_QUEUE_URL", storage.invoices_queue_url), ("LOG_LEVEL", "info")),
        secrets=(("DB_PASSWORD", storage.secret_arn),),
    )
    seed_compute(acc, net, identity, key["Arn"], out, task_config)
    log.info("seeded the estate's shared services in %s/%s", account, region)


def _network(ec2: Any, region: str, account: str, peer_vpc: str, out: Collected) -> Net:
    vpc = ec2.create_vpc(CidrBlock="10.250.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "Name", "Value": "shared-vpc"}])
    out.add(CLOUD, "VPC", arn(region, account, f"vpc/{vpc}"), "shared-vpc", {"Name": "shared-vpc"})
    subnets = {}
    for n, (kind, zone) in enumerate((("public", "a"), ("private", "b"))):
        sn = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.250.{n}.0/24", AvailabilityZone=f"{region}{zone}")["Subnet"]
        subnets[kind] = sn["SubnetId"]
        sn_arn = sn.get("SubnetArn") or arn(region, account, f"subnet/{sn['SubnetId']}")
        out.add(CLOUD, "Subnet", sn_arn, f"shared-{kind}")
        out.edge("IN_VPC", "Subnet", sn_arn, "VPC", arn(region, account, f"vpc/{vpc}"))
    net = Net(vpc, subnets["public"], subnets["private"], region, account)
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    igw_arn = arn(region, account, f"internet-gateway/{igw}")
    out.edge("ATTACHED_TO", "InternetGateway", igw_arn, "VPC", arn(region, account, f"vpc/{vpc}"))
    nat_eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=net.public, AllocationId=nat_eip)["NatGateway"]["NatGatewayId"]
    nat_arn = arn(region, account, f"natgateway/{nat}")
    out.edge("USES_ELASTIC_IP", "NATGateway", nat_arn, "ElasticIP", arn(region, account, f"elastic-ip/{nat_eip}"))
    pcx = ec2.create_vpc_peering_connection(VpcId=vpc, PeerVpcId=peer_vpc)["VpcPeeringConnection"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx["VpcPeeringConnectionId"])
    pcx_arn = arn(region, account, f"vpc-peering-connection/{pcx['VpcPeeringConnectionId']}")
    out.add(CLOUD, "VPCPeeringConnection", pcx_arn, "shared-to-tier")
    out.edge("REQUESTER_VPC", "VPCPeeringConnection", pcx_arn, "VPC", arn(region, account, f"vpc/{vpc}"))
    out.edge("ACCEPTER_VPC", "VPCPeeringConnection", pcx_arn, "VPC", arn(region, account, f"vpc/{peer_vpc}"))
    tgw = ec2.create_transit_gateway(Description="estate hub")["TransitGateway"]
    tgw_arn = tgw.get("TransitGatewayArn") or arn(region, account, f"transit-gateway/{tgw['TransitGatewayId']}")
    out.add(CLOUD, "TransitGateway", tgw_arn, "estate hub")
    attachment = ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw["TransitGatewayId"], VpcId=vpc, SubnetIds=[net.private]
    )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    att_arn = arn(region, account, f"transit-gateway-attachment/{attachment}")
    out.add(CLOUD, "TransitGatewayAttachment", att_arn, "shared-vpc-attachment")
    out.edge("ATTACHED_TO", "TransitGatewayAttachment", att_arn, "TransitGateway", tgw_arn)
    public_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock=WORLD, GatewayId=igw)
    ec2.associate_route_table(RouteTableId=public_rt, SubnetId=net.public)
    out.edge("ROUTES_TO", "RouteTable", arn(region, account, f"route-table/{public_rt}"), "InternetGateway", igw_arn)
    private_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    rt_arn = arn(region, account, f"route-table/{private_rt}")
    ec2.create_route(RouteTableId=private_rt, DestinationCidrBlock=WORLD, NatGatewayId=nat)
    ec2.create_route(
        RouteTableId=private_rt,
        DestinationCidrBlock="10.0.0.0/16",
        VpcPeeringConnectionId=pcx["VpcPeeringConnectionId"],
    )
    ec2.create_route(
        RouteTableId=private_rt, DestinationCidrBlock="10.200.0.0/16", TransitGatewayId=tgw["TransitGatewayId"]
    )
    ec2.associate_route_table(RouteTableId=private_rt, SubnetId=net.private)
    out.edge("ROUTES_TO", "RouteTable", rt_arn, "NATGateway", nat_arn)
    out.edge("ROUTES_TO", "RouteTable", rt_arn, "VPCPeeringConnection", pcx_arn)
    out.edge("ROUTES_TO", "RouteTable", rt_arn, "TransitGateway", tgw_arn)
    return net


def _serverless(
    acc: Any, region: str, identity: Identity, key: str, queue: str, stream: str, out: Collected
) -> dict[str, str]:
    lam = acc.client("lambda", region)
    functions: dict[str, str] = {}
    for name in ("order-worker", "public-webhook"):
        fn = lam.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=identity.lambda_role,
            Handler="app.handler",
            Code={"ZipFile": _zip()},
            MemorySize=256,
            Timeout=30,
            KMSKeyArn=key,
            Tags={"team": "orders"},
        )
        functions[name] = fn["FunctionArn"]
        out.add(CLOUD, "LambdaFunction", fn["FunctionArn"], name, {"team": "orders"})
        out.edge("USES_ROLE", "LambdaFunction", fn["FunctionArn"], "IAMRole", identity.lambda_role)
    lam.create_function_url_config(FunctionName="order-worker", AuthType="AWS_IAM")
    lam.create_function_url_config(FunctionName="public-webhook", AuthType="NONE")
    out.misconfig(
        "lambda-function-url-without-auth",
        CLOUD,
        "LambdaFunction",
        functions["public-webhook"],
        "The function URL's AuthType is NONE: anyone on the internet may invoke it.",
    )
    for source, label in ((queue, "SQSQueue"), (stream, "DynamoDBTable")):
        extra = {"StartingPosition": "LATEST"} if label == "DynamoDBTable" else {}
        esm = lam.create_event_source_mapping(EventSourceArn=source, FunctionName="order-worker", BatchSize=5, **extra)
        esm_id = (
            esm.get("EventSourceMappingArn")
            or f"arn:aws:lambda:{region}:{acc.account}:event-source-mapping:{esm['UUID']}"
        )
        target = source.split("/stream/")[0]
        out.add(CLOUD, "LambdaEventSourceMapping", esm_id, esm["UUID"])
        out.edge("READS_FROM", "LambdaEventSourceMapping", esm_id, label, target)
        out.edge("INVOKES", "LambdaEventSourceMapping", esm_id, "LambdaFunction", functions["order-worker"])
    uri = f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{functions['order-worker']}/invocations"
    rest = acc.client("apigateway", region)
    api_id = rest.create_rest_api(name="orders-api", endpointConfiguration={"types": ["REGIONAL"]})["id"]
    root = next(r["id"] for r in rest.get_resources(restApiId=api_id)["items"] if r.get("path") == "/")
    res = rest.create_resource(restApiId=api_id, parentId=root, pathPart="orders")["id"]
    rest.put_method(restApiId=api_id, resourceId=res, httpMethod="GET", authorizationType="AWS_IAM")
    rest.put_integration(
        restApiId=api_id, resourceId=res, httpMethod="GET", type="AWS_PROXY", integrationHttpMethod="POST", uri=uri
    )
    rest_arn = f"arn:aws:apigateway:{region}::/restapis/{api_id}"
    out.add(CLOUD, "APIGatewayRestApi", rest_arn, "orders-api")
    out.edge("INVOKES", "APIGatewayRestApi", rest_arn, "LambdaFunction", functions["order-worker"])
    v2 = acc.client("apigatewayv2", region)
    http_id = v2.create_api(Name="events-api", ProtocolType="HTTP")["ApiId"]
    integration = v2.create_integration(
        ApiId=http_id, IntegrationType="AWS_PROXY", IntegrationUri=functions["order-worker"], PayloadFormatVersion="2.0"
    )
    v2.create_route(ApiId=http_id, RouteKey="POST /events", Target=f"integrations/{integration['IntegrationId']}")
    http_arn = f"arn:aws:apigateway:{region}::/apis/{http_id}"
    out.add(CLOUD, "APIGatewayHttpApi", http_arn, "events-api")
    out.edge("INVOKES", "APIGatewayHttpApi", http_arn, "LambdaFunction", functions["order-worker"])
    return functions


def _databases(acc: Any, region: str, net: Net, key: str, out: Collected) -> None:
    ec2, rds = acc.client("ec2", region), acc.client("rds", region)
    groups = {}
    for name, port, source in (("orders-db", 5432, "10.250.0.0/16"), ("legacy-db", 3306, WORLD)):
        groups[name] = ec2.create_security_group(GroupName=name, Description=name, VpcId=net.vpc)["GroupId"]
        ec2.authorize_security_group_ingress(
            GroupId=groups[name],
            IpPermissions=[{"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": source}]}],
        )
        out.add(CLOUD, "SecurityGroup", arn(region, net.account, f"security-group/{groups[name]}"), name)
    out.misconfig(
        "sg-database-port-open-to-world",
        CLOUD,
        "SecurityGroup",
        arn(region, net.account, f"security-group/{groups['legacy-db']}"),
        "MySQL (3306) is open to 0.0.0.0/0.",
    )
    subnet_group = rds.create_db_subnet_group(
        DBSubnetGroupName="shared-db", DBSubnetGroupDescription="shared", SubnetIds=[net.public, net.private]
    )["DBSubnetGroup"]["DBSubnetGroupArn"]
    out.add(CLOUD, "RDSSubnetGroup", subnet_group, "shared-db")
    for subnet in (net.public, net.private):
        out.edge("IN_SUBNET", "RDSSubnetGroup", subnet_group, "Subnet", arn(region, net.account, f"subnet/{subnet}"))
    dbs: dict[str, str] = {}
    for ident, engine, encrypted, public, group in (
        ("orders-db", "postgres", True, False, "orders-db"),
        ("legacy-db", "mysql", False, False, "legacy-db"),
        ("reporting-db", "postgres", True, True, "orders-db"),
    ):
        db = rds.create_db_instance(
            DBInstanceIdentifier=ident,
            DBInstanceClass="db.t3.micro",
            Engine=engine,
            AllocatedStorage=20,
            MasterUsername="app",
            MasterUserPassword="not-a-real-password",
            DBSubnetGroupName="shared-db",
            VpcSecurityGroupIds=[groups[group]],
            StorageEncrypted=encrypted,
            PubliclyAccessible=public,
            **({"KmsKeyId": key} if encrypted else {}),
        )["DBInstance"]
        dbs[ident] = db["DBInstanceArn"]
        out.add(CLOUD, "RDSInstance", db["DBInstanceArn"], ident)
        out.edge("IN_SUBNET_GROUP", "RDSInstance", db["DBInstanceArn"], "RDSSubnetGroup", subnet_group)
        if encrypted:
            out.edge("ENCRYPTED_BY", "RDSInstance", db["DBInstanceArn"], "KMSKey", key)
    out.misconfig(
        "rds-storage-not-encrypted",
        CLOUD,
        "RDSInstance",
        dbs["legacy-db"],
        "The database's storage is not encrypted at rest.",
    )
    out.misconfig(
        "rds-publicly-accessible",
        CLOUD,
        "RDSInstance",
        dbs["reporting-db"],
        "The database's endpoint resolves to a public address.",
    )
    replica = rds.create_db_instance_read_replica(
        DBInstanceIdentifier="orders-db-replica",
        SourceDBInstanceIdentifier="orders-db",
        DBInstanceClass="db.t3.micro",
    )["DBInstance"]
    out.add(CLOUD, "RDSInstance", replica["DBInstanceArn"], "orders-db-replica")
    out.edge("REPLICA_OF", "RDSInstance", replica["DBInstanceArn"], "RDSInstance", dbs["orders-db"])
