"""What fails when one resource of the demo estate fails: the hand-worked truth set for blast radius.

Written from the estates' design (``estate_aws*.py``, ``azure_estate.py``/``estate_azure.py``,
``gcp_estate.py``/``estate_gcp.py``, size S seed 1 as ``devclouds.demo.prepare_demo`` builds it) BEFORE
the code that answers it (the derived dependency edges of ``graph.schema.dependency_edges`` and the walk
of ``queries.blast``), and not changed to fit that code's answers. ``make eval-deps`` and
``tests/queries/test_dependency_truth.py`` score it.

Each :class:`Scenario` names a target and every casualty: a resource that loses something it uses,
``down`` (it cannot work) or ``degraded`` (it keeps working with less: a target group that keeps another
healthy target, a function that loses one of its event sources), and whether it is a ``direct`` consumer
of the target (no other casualty between them). Structural containment (rules, ACL entries, route tables,
subnets, security groups, addresses, interfaces, IAM policies, connectors such as event source mappings,
subscriptions and EventBridge rules) is never a casualty. The set is exact: a casualty not listed is a wrong answer.

Resources are named by cloud, account, region, kind and name, since the clouds' ids of the AWS share
change with every run. A :class:`Ref` with ``count`` > 1 stands for that many same-named resources (the
instances of one launch); as a target it means any one of them. A ``name`` of None stands for resources
of the kind whose names are generated (a volume id, an Auto Scaling instance), matched after the named ones.

Each :class:`AccessScenario` names a store and every identity (IAM role or user) and workload running as
one that IAM lets act on it, with actions its grants allow: effective access, resource-type aware (an action
on ``*`` reaches only the kinds it acts on). The set is exact as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["ACCESS_SCENARIOS", "SCENARIOS", "AccessScenario", "Accessor", "Casualty", "Ref", "Scenario", "Status"]

Status = Literal["down", "degraded"]

A1 = "123456789012"  # the estate's first AWS account (moto's default), with the shared services
A2 = "210987654321"  # the second AWS account, reached by assuming a role
USE1, EUW1 = "us-east-1", "eu-west-1"
AZ = "0b1f6471-1bf0-4dda-aec3-cb9272f09590"  # the Azure production subscription
WEU = "westeurope"
GPROD, GDATA = "acme-prod", "acme-data"


@dataclass(frozen=True)
class Ref:
    """Resources by cloud, account, region, kind and name (None: generated names, matched last)."""

    cloud: str
    account: str
    region: str
    kind: str
    name: str | None
    count: int = 1


@dataclass(frozen=True)
class Casualty:
    ref: Ref
    status: Status
    direct: bool


@dataclass(frozen=True)
class Scenario:
    key: str
    target: Ref
    casualties: tuple[Casualty, ...]
    why: str


@dataclass(frozen=True)
class Accessor:
    """An identity, or a workload running as one, and actions its grants allow on the store (a subset is enough)."""

    ref: Ref
    actions: tuple[str, ...]


@dataclass(frozen=True)
class AccessScenario:
    """Who can act on ``target`` through IAM: exactly these identities and workloads (effective access)."""

    key: str
    target: Ref
    accessors: tuple[Accessor, ...]
    why: str


def aws(kind: str, name: str | None, account: str = A1, region: str = USE1, count: int = 1) -> Ref:
    return Ref("aws", account, region, kind, name, count)


def azure(kind: str, name: str) -> Ref:
    return Ref("azure", AZ, WEU, kind, name)


# A zonal GCP resource's region is its zone's region (us-central1-a -> us-central1); the zone is stored beside it.
ZONAL = "us-central1"


def gcp(kind: str, name: str, project: str, region: str) -> Ref:
    return Ref("gcp", project, region, kind, name)


def down(ref: Ref, direct: bool = False) -> Casualty:
    return Casualty(ref, "down", direct)


def degraded(ref: Ref, direct: bool = False) -> Casualty:
    return Casualty(ref, "degraded", direct)


def _tier_front(prefix: str, account: str, region: str, status: Status) -> tuple[Casualty, ...]:
    """The tier's target group, its listener and its load balancer, all in ``status``."""
    return tuple(
        Casualty(ref, status, False)
        for ref in (
            aws("TargetGroup", f"{prefix}-alb", account, region),
            aws("Listener", f"{prefix}-alb HTTP:80", account, region),
            aws("LoadBalancer", f"{prefix}-alb", account, region),
        )
    )


# (prefix, account, region, web instances, app instances) of the four generated AWS tiers
_TIERS = (
    ("payments-us1-000", A1, USE1, 2, 1),
    ("checkout-eu1-000", A1, EUW1, 2, 1),
    ("payments-us1-000", A2, USE1, 3, 3),
    ("identity-eu1-000", A2, EUW1, 2, 1),
)


def _tier_db(prefix: str, account: str, region: str, webs: int, apps: int) -> Scenario:
    return Scenario(
        f"aws-tier-db-{prefix}-{account}",
        aws("RDSInstance", f"{prefix}-db", account, region),
        (
            down(aws("EC2Instance", f"{prefix}-app", account, region, apps), direct=True),
            down(aws("EC2Instance", f"{prefix}-web", account, region, webs)),
            *_tier_front(prefix, account, region, "down"),
        ),
        "The db group admits tcp/5432 only from the app group: every app instance loses its database; the web "
        "instances reach the app tier only (tcp/8080 from the web group), the target group holds the web "
        "instances, the listener forwards to it and the load balancer serves through the listener.",
    )


_ADMIN_CHAIN = (
    down(aws("TargetGroup", "admin-tg")),
    down(aws("Listener", "admin-alb HTTP:80")),
    down(aws("LoadBalancer", "admin-alb")),
    down(aws("Route53Record", "admin.estate.example.", region="global")),
)
_SHARED_VPC_WORKLOADS = (
    down(aws("EC2Instance", "exposed-app"), direct=True),
    down(aws("EC2Instance", "admin-worker"), direct=True),
    down(aws("EC2Instance", None), direct=True),  # the Auto Scaling group's instance, in the private subnet
    down(aws("ECSService", "web-svc"), direct=True),
    down(aws("EKSNodeGroup", "workers"), direct=True),
)
_SHARED_VPC_FRONTS = (
    *_ADMIN_CHAIN,
    down(aws("Route53Record", "app.estate.example.", region="global")),
    down(aws("AutoScalingGroup", "worker-asg")),
)

SCENARIOS: tuple[Scenario, ...] = (
    *(_tier_db(*tier) for tier in _TIERS),
    Scenario(
        "aws-tier-app-single",
        aws("EC2Instance", "payments-us1-000-app"),
        (
            down(aws("EC2Instance", "payments-us1-000-web", count=2), direct=True),
            *_tier_front("payments-us1-000", A1, USE1, "down"),
        ),
        "The only app instance of the tier: both web instances reach nothing else on tcp/8080.",
    ),
    Scenario(
        "aws-tier-app-one-of-three",
        aws("EC2Instance", "payments-us1-000-app", A2, USE1, count=3),
        (
            degraded(aws("EC2Instance", "payments-us1-000-web", A2, USE1, 3), direct=True),
            *_tier_front("payments-us1-000", A2, USE1, "degraded"),
        ),
        "One of three app instances behind the same rule: the web instances keep two, so they and what "
        "serves them are degraded.",
    ),
    Scenario(
        "aws-tier-web-one-of-two",
        aws("EC2Instance", "payments-us1-000-web", count=2),
        (
            degraded(aws("TargetGroup", "payments-us1-000-alb"), direct=True),
            degraded(aws("Listener", "payments-us1-000-alb HTTP:80")),
            degraded(aws("LoadBalancer", "payments-us1-000-alb")),
        ),
        "The target group keeps its other healthy web instance.",
    ),
    Scenario(
        "aws-tier-web-one-of-two-eu",
        aws("EC2Instance", "checkout-eu1-000-web", A1, EUW1, count=2),
        (
            degraded(aws("TargetGroup", "checkout-eu1-000-alb", A1, EUW1), direct=True),
            degraded(aws("Listener", "checkout-eu1-000-alb HTTP:80", A1, EUW1)),
            degraded(aws("LoadBalancer", "checkout-eu1-000-alb", A1, EUW1)),
        ),
        "As in us-east-1: one of two targets.",
    ),
    Scenario(
        "aws-tier-target-group",
        aws("TargetGroup", "payments-us1-000-alb"),
        (
            down(aws("Listener", "payments-us1-000-alb HTTP:80"), direct=True),
            down(aws("LoadBalancer", "payments-us1-000-alb")),
        ),
        "The listener's only forward action goes to the target group; the load balancer has one listener.",
    ),
    Scenario(
        "aws-tier-load-balancer",
        aws("LoadBalancer", "identity-eu1-000-alb", A2, EUW1),
        (down(aws("Listener", "identity-eu1-000-alb HTTP:80", A2, EUW1), direct=True),),
        "The listener is part of the load balancer; nothing in the estate resolves to this load balancer.",
    ),
    Scenario(
        "aws-admin-worker",
        aws("EC2Instance", "admin-worker"),
        tuple(Casualty(c.ref, c.status, c.ref.kind == "TargetGroup") for c in _ADMIN_CHAIN),
        "admin-worker is admin-tg's only target; admin-alb's listener forwards there and the alias record "
        "admin.estate.example resolves to admin-alb.",
    ),
    Scenario(
        "aws-admin-alb",
        aws("LoadBalancer", "admin-alb"),
        (
            down(aws("Listener", "admin-alb HTTP:80"), direct=True),
            down(aws("Route53Record", "admin.estate.example.", region="global"), direct=True),
        ),
        "The alias record and the listener need the load balancer.",
    ),
    Scenario(
        "aws-sqs-orders",
        aws("SQSQueue", "orders"),
        (degraded(aws("LambdaFunction", "order-worker"), direct=True),),
        "order-worker reads the queue through an event source mapping; it keeps its DynamoDB stream and its "
        "APIs, so it is degraded, and its callers lose nothing.",
    ),
    Scenario(
        "aws-sns-order-events",
        aws("SNSTopic", "order-events"),
        (
            degraded(aws("SQSQueue", "orders"), direct=True),
            degraded(aws("LambdaFunction", "order-worker")),
        ),
        "The topic's SQS subscription feeds the orders queue, which feeds order-worker: both lose that input.",
    ),
    Scenario(
        "aws-dynamodb-orders",
        aws("DynamoDBTable", "orders"),
        (degraded(aws("LambdaFunction", "order-worker"), direct=True),),
        "order-worker reads the table's stream through an event source mapping.",
    ),
    Scenario(
        "aws-sqs-dlq",
        aws("SQSQueue", "orders-dlq"),
        (degraded(aws("SQSQueue", "orders"), direct=True),),
        "The orders queue loses its dead-letter queue (failed messages have nowhere to go); it still delivers.",
    ),
    Scenario(
        "aws-lambda-order-worker",
        aws("LambdaFunction", "order-worker"),
        (
            down(aws("APIGatewayRestApi", "orders-api"), direct=True),
            down(aws("APIGatewayHttpApi", "events-api"), direct=True),
        ),
        "Both APIs integrate only with order-worker. The uploads bucket notifies it but is its producer, not "
        "a consumer.",
    ),
    Scenario(
        "aws-rds-orders-db",
        aws("RDSInstance", "orders-db"),
        (
            down(aws("RDSInstance", "orders-db-replica"), direct=True),
            *_SHARED_VPC_WORKLOADS,
            *_SHARED_VPC_FRONTS,
        ),
        "The orders-db group admits tcp/5432 from the shared VPC's 10.250.0.0/16: every workload in its subnets "
        "reaches it (the two instances, the Auto Scaling instance, the ECS service, the EKS node group); the "
        "read replica needs its source; admin-worker serves admin-alb, exposed-app serves app.estate.example "
        "through its Elastic IP, and the Auto Scaling group keeps no other instance.",
    ),
    Scenario(
        "aws-rds-legacy-db",
        aws("RDSInstance", "legacy-db"),
        (),
        "Its group admits 3306 from 0.0.0.0/0 only: a rule open to everyone names no consumer, and nothing "
        "else uses it.",
    ),
    Scenario(
        "aws-kms-estate-data",
        aws("KMSKey", "alias/estate-data"),
        (
            *(
                down(ref, direct=True)
                for ref in (
                    aws("S3Bucket", "estate-123456789012-sensitive"),
                    aws("RDSInstance", "orders-db"),
                    aws("RDSInstance", "orders-db-replica"),
                    aws("RDSInstance", "reporting-db"),
                    aws("DynamoDBTable", "orders"),
                    aws("SQSQueue", "orders"),
                    aws("SNSTopic", "order-events"),
                    aws("SecretsManagerSecret", "orders/db-password"),
                    aws("LambdaFunction", "order-worker"),
                    aws("LambdaFunction", "public-webhook"),
                    aws("EBSVolume", None),  # admin-worker's data volume
                )
            ),
            *(Casualty(c.ref, c.status, False) for c in _SHARED_VPC_WORKLOADS),
            *_SHARED_VPC_FRONTS,
            down(aws("APIGatewayRestApi", "orders-api")),
            down(aws("APIGatewayHttpApi", "events-api")),
        ),
        "The key encrypts the sensitive bucket, the three RDS instances, the table, the queue, the topic, the "
        "secret, both functions' environments and admin-worker's data volume. exposed-app reads the sensitive "
        "bucket (its role's sensitive-reader statement names it), admin-worker needs its volume, the shared "
        "VPC's workloads use orders-db, and the APIs call order-worker.",
    ),
    Scenario(
        "aws-kms-aws-ebs-eu",
        aws("KMSKey", "alias/aws/ebs", A2, EUW1),
        (
            down(aws("EBSVolume", None, A2, EUW1, count=3), direct=True),
            down(aws("EC2Instance", "identity-eu1-000-web", A2, EUW1, 2)),
            down(aws("EC2Instance", "identity-eu1-000-app", A2, EUW1)),
            *_tier_front("identity-eu1-000", A2, EUW1, "down"),
        ),
        "Every instance's root volume is encrypted with the account's default EBS key: the volumes become "
        "unreadable and every instance of the tier stops.",
    ),
    Scenario(
        "aws-s3-sensitive",
        aws("S3Bucket", "estate-123456789012-sensitive"),
        (
            down(aws("EC2Instance", "exposed-app"), direct=True),
            down(aws("Route53Record", "app.estate.example.", region="global")),
        ),
        "exposed-app's role app-ec2 reads the bucket (sensitive-reader names it); app.estate.example resolves "
        "to exposed-app's Elastic IP. admin-ec2's '*' statement names no resource: a permission, not a use.",
    ),
    Scenario(
        "aws-s3-uploads",
        aws("S3Bucket", "estate-123456789012-uploads"),
        (
            down(aws("CloudFrontDistribution", None, region="global"), direct=True),
            degraded(aws("LambdaFunction", "order-worker"), direct=True),
            degraded(aws("SQSQueue", "orders"), direct=True),
            degraded(aws("SNSTopic", "order-events"), direct=True),
            down(aws("LambdaFunction", "invoice-writer"), direct=True),
        ),
        "The uploads distribution's only origin is the bucket; its notifications feed order-worker, the orders "
        "queue and the order-events topic, which lose that input. invoice-writer's INVOICES_BUCKET variable "
        "names the bucket and its role's invoice-store statement lets it write there: it cannot work without it.",
    ),
    # EventBridge, configuration references and effective IAM access
    Scenario(
        "aws-events-orders-bus",
        aws("EventBridgeBus", "orders-bus"),
        (
            degraded(aws("SQSQueue", "invoices"), direct=True),
            degraded(aws("LambdaFunction", "invoice-writer")),
        ),
        "The enabled rule order-placed sends the bus's OrderPlaced events to the invoices queue, which feeds "
        "invoice-writer through an event source mapping: both lose that input. The disabled rule orders-replay "
        "targets the orders queue and carries nothing, so the orders queue loses nothing.",
    ),
    Scenario(
        "aws-events-default-bus",
        aws("EventBridgeBus", "default"),
        (degraded(aws("LambdaFunction", "invoice-writer"), direct=True),),
        "The scheduled rule nightly-invoices on the default bus invokes invoice-writer once a day; the function "
        "keeps its queue.",
    ),
    Scenario(
        "aws-sqs-invoices",
        aws("SQSQueue", "invoices"),
        (
            degraded(aws("LambdaFunction", "invoice-writer"), direct=True),
            down(aws("ECSService", "web-svc"), direct=True),
        ),
        "invoice-writer reads the queue through an event source mapping (one input of two); web-svc's task "
        "definition names the queue's URL in INVOICES_QUEUE_URL and its task role may send to it.",
    ),
    Scenario(
        "aws-secret-orders-db-password",
        aws("SecretsManagerSecret", "orders/db-password"),
        (down(aws("ECSService", "web-svc"), direct=True),),
        "web-svc's task definition injects the secret as DB_PASSWORD: its tasks cannot start without it.",
    ),
    Scenario(
        "aws-lambda-invoice-writer",
        aws("LambdaFunction", "invoice-writer"),
        (),
        "invoice-writer consumes the bus, the schedule and the queue; nothing consumes it. The rules that "
        "target it and the queue that feeds it are its producers, not casualties.",
    ),
    Scenario(
        "aws-ledger-db-across-vpcs",
        aws("RDSInstance", "ledger-db"),
        (
            down(aws("EC2Instance", "payments-us1-000-app"), direct=True),
            down(aws("EC2Instance", "spoke-worker"), direct=True),
            down(aws("EC2Instance", "payments-us1-000-web", count=2)),
            *_tier_front("payments-us1-000", A1, USE1, "down"),
        ),
        "ledger-db (shared VPC) admits tcp/5432 from the first tier's app group across the shared-to-tier "
        "peering (the tier's private subnet routes 10.250.0.0/16 to it, the shared private table routes "
        "10.0.0.0/16 back), and from spoke-vpc, attached to the estate hub transit gateway with routes both "
        "ways: the tier's only app instance and spoke-worker lose their database, then the tier's web instances "
        "and front as when the app fails. It also admits partner-vpc, peered by shared-to-partner, but no shared "
        "table routes 10.201.0.0/16 back (the public table sends it to the internet gateway): partner-batch "
        "does not use it.",
    ),
    Scenario(
        "aws-peering-without-return-route",
        aws("EC2Instance", "partner-batch"),
        (),
        "partner-batch's group admits tcp/8080 from the shared private subnet over the active shared-to-partner "
        "peering, but the shared private table has no route to 10.201.0.0/16 (its default route goes to the NAT "
        "gateway): no workload of the shared VPC can reach it.",
    ),
    Scenario(
        "aws-exposed-app",
        aws("EC2Instance", "exposed-app"),
        (down(aws("Route53Record", "app.estate.example.", region="global"), direct=True),),
        "The A record's value is the Elastic IP associated with exposed-app.",
    ),
    # Azure: the base estate (vnet-prod) and the generated three-tier copies, each in its own VNet
    Scenario(
        "azure-vm-app-1",
        azure("AzureVirtualMachine", "vm-app-1"),
        (
            down(azure("AzureVirtualMachine", "vm-web-1"), direct=True),
            down(azure("AzureVirtualMachine", "vm-web-2"), direct=True),
            down(azure("AzureLoadBalancerBackendPool", "web-pool")),
            down(azure("AzureLoadBalancer", "lb-web")),
            degraded(azure("AzureApplicationGateway", "agw-prod"), direct=True),
        ),
        "nsg-app admits 8080 from the web subnet: vm-app-1 is the web VMs' only app server in vnet-prod, so both "
        "go down with lb-web's only pool; agw-prod routes to vm-app-1's NIC and to app-prod-web, and keeps one.",
    ),
    Scenario(
        "azure-vm-web-1",
        azure("AzureVirtualMachine", "vm-web-1"),
        (
            degraded(azure("AzureLoadBalancerBackendPool", "web-pool"), direct=True),
            degraded(azure("AzureLoadBalancer", "lb-web")),
        ),
        "web-pool keeps vm-web-2.",
    ),
    Scenario(
        "azure-app-service-plan",
        azure("AzureAppServicePlan", "asp-prod"),
        (
            down(azure("AzureWebApp", "app-prod-web"), direct=True),
            down(azure("AzureWebApp", "func-prod-orders"), direct=True),
            degraded(azure("AzureApplicationGateway", "agw-prod")),
        ),
        "Both sites run on the plan; agw-prod keeps its route to vm-app-1.",
    ),
    Scenario(
        "azure-storage-account",
        azure("AzureStorageAccount", "stprodassets"),
        (down(azure("AzureWebApp", "func-prod-orders"), direct=True),),
        "func-prod-orders' managed identity holds Storage Blob Data Reader on the account; the private "
        "endpoint is a connector, not a casualty.",
    ),
    Scenario(
        "azure-sql-server",
        azure("AzureSqlServer", "sql-prod-orders"),
        (
            down(azure("AzureSqlDatabase", "orders"), direct=True),
            down(azure("AzureSqlDatabase", "master"), direct=True),
        ),
        "The databases live on the server; its firewall rules are structural. No workload's network names it.",
    ),
    Scenario(
        "azure-key-vault",
        azure("AzureKeyVault", "kv-prod-secrets"),
        (),
        "No role assignment, endpoint or workload names the vault.",
    ),
    Scenario(
        "azure-copy-data-single",
        azure("AzureVirtualMachine", "vm-payments-0000-data-1"),
        (
            down(azure("AzureVirtualMachine", "vm-payments-0000-app-1"), direct=True),
            down(azure("AzureVirtualMachine", "vm-payments-0000-web-1")),
        ),
        "The copy's data NSG admits 1433 from its app subnet, the app NSG 8080 from its web subnet; one VM each.",
    ),
    Scenario(
        "azure-copy-data-one-of-three",
        azure("AzureVirtualMachine", "vm-search-0001-data-1"),
        (
            degraded(azure("AzureVirtualMachine", "vm-search-0001-app-1"), direct=True),
            degraded(azure("AzureVirtualMachine", "vm-search-0001-app-2"), direct=True),
            degraded(azure("AzureVirtualMachine", "vm-search-0001-web-1")),
            degraded(azure("AzureVirtualMachine", "vm-search-0001-web-2")),
        ),
        "The app VMs keep two data VMs; the web VMs use degraded app servers.",
    ),
    Scenario(
        "azure-copy-app-one-of-three",
        azure("AzureVirtualMachine", "vm-checkout-0002-app-1"),
        (
            degraded(azure("AzureVirtualMachine", "vm-checkout-0002-web-1"), direct=True),
            degraded(azure("AzureVirtualMachine", "vm-checkout-0002-web-2"), direct=True),
        ),
        "The web VMs keep two of three app VMs. The copy's subnets reuse vnet-prod's prefixes in another, "
        "unpeered VNet: nothing in vnet-prod reaches them.",
    ),
    # GCP
    Scenario(
        "gcp-cloud-sql-orders-db",
        gcp("GCPCloudSQLInstance", "orders-db", GDATA, "us-central1"),
        (down(gcp("GCPCloudRunService", "orders-api", GDATA, "us-central1"), direct=True),),
        "orders-api runs as the orders-api service account, which holds roles/cloudsql.client on acme-data.",
    ),
    Scenario(
        "gcp-bucket-data-private",
        gcp("GCPStorageBucket", "acme-data-private", GDATA, "us"),
        (down(gcp("GCPCloudFunction", "thumbnailer", GDATA, "us-central1"), direct=True),),
        "thumbnailer runs as a service account holding roles/storage.objectAdmin on the bucket.",
    ),
    Scenario(
        "gcp-backend-service",
        gcp("GCPBackendService", "web-backend", GPROD, "global"),
        (
            down(gcp("GCPTargetProxy", "web-proxy", GPROD, "global"), direct=True),
            down(gcp("GCPForwardingRule", "web-fr", GPROD, "global")),
        ),
        "The proxy routes only to web-backend; the forwarding rule targets the proxy.",
    ),
    Scenario(
        "gcp-instance-group",
        gcp("GCPInstanceGroup", "web-ig", GPROD, ZONAL),
        (
            down(gcp("GCPBackendService", "web-backend", GPROD, "global"), direct=True),
            down(gcp("GCPTargetProxy", "web-proxy", GPROD, "global")),
            down(gcp("GCPForwardingRule", "web-fr", GPROD, "global")),
        ),
        "web-backend's only backend is the group.",
    ),
    Scenario(
        "gcp-subnetwork-copy",
        gcp("GCPSubnetwork", "api-subnet-0000", GPROD, "us-central1"),
        tuple(down(gcp("GCPComputeInstance", f"api-0000-{n}", GPROD, ZONAL), direct=True) for n in (1, 2, 3)),
        "The copy's three instances have their only interface in the subnetwork; no rule sources them.",
    ),
    Scenario(
        "gcp-gke-cluster",
        gcp("GCPGKECluster", "prod-gke", GPROD, "us-central1"),
        (down(gcp("GCPGKENodePool", "default-pool", GPROD, "us-central1"), direct=True),),
        "The node pool belongs to the cluster.",
    ),
    Scenario(
        "gcp-bastion",
        gcp("GCPComputeInstance", "bastion-1", GPROD, ZONAL),
        (),
        "Nothing routes to the bastion; only the internet reaches it (ssh from 0.0.0.0/0).",
    ),
    Scenario(
        "gcp-web-1",
        gcp("GCPComputeInstance", "web-1", GPROD, ZONAL),
        (
            degraded(gcp("GCPInstanceGroup", "web-ig", GPROD, ZONAL), direct=True),
            degraded(gcp("GCPBackendService", "web-backend", GPROD, "global")),
            degraded(gcp("GCPTargetProxy", "web-proxy", GPROD, "global")),
            degraded(gcp("GCPForwardingRule", "web-fr", GPROD, "global")),
            *(
                degraded(gcp("GCPComputeInstance", name, GPROD, ZONAL), direct=True)
                for name in (
                    "web-2",
                    "web-0003-1",
                    "web-0003-2",
                    "web-0004-1",
                    "web-0004-2",
                    "web-0004-3",
                    "web-0007-1",
                    "web-0007-2",
                    "web-0007-3",
                    "web-0007-4",
                )
            ),
        ),
        "web-ig keeps web-2. allow-web-sa-to-db admits tcp:5432 from tag web to the web-sa service account's "
        "instances: every web-tagged instance reaches the other web-sa instances (the web copies run as web-sa "
        "too), so losing one of eleven degrades them. allow-internal (10.0.0.0/8) names no consumer.",
    ),
)


def _iam(kind: str, name: str) -> Ref:
    return aws(kind, name, region="global")


_ADMINS = (
    Accessor(_iam("IAMRole", "admin-ec2"), ("*",)),
    Accessor(aws("EC2Instance", "admin-worker"), ("*",)),
    Accessor(_iam("IAMUser", "alice"), ("*",)),
)

ACCESS_SCENARIOS: tuple[AccessScenario, ...] = (
    AccessScenario(
        "aws-access-uploads-bucket",
        aws("S3Bucket", "estate-123456789012-uploads"),
        (
            Accessor(_iam("IAMRole", "invoice-writer"), ("s3:PutObject",)),
            Accessor(aws("LambdaFunction", "invoice-writer"), ("s3:PutObject",)),
            Accessor(_iam("IAMRole", "partner-access"), ("s3:Get*",)),
            *_ADMINS,
        ),
        "invoice-store names the bucket's objects (invoice-writer's role, and the function running as it); "
        "partner-read allows s3:Get* on every resource, full-admin every action (admin-ec2, the instance "
        "running as it, and alice through the admins group). deployer's lambda and ecr actions on '*' do not "
        "act on buckets.",
    ),
    AccessScenario(
        "aws-access-invoice-writer-function",
        aws("LambdaFunction", "invoice-writer"),
        (Accessor(_iam("IAMUser", "deploy-bot"), ("lambda:UpdateFunctionCode",)), *_ADMINS),
        "deployer's lambda:UpdateFunctionCode on '*' reaches functions (not its ecr:PutImage); partner-read's "
        "s3:Get* on '*' does not act on functions.",
    ),
    AccessScenario(
        "aws-access-invoices-queue",
        aws("SQSQueue", "invoices"),
        (
            Accessor(_iam("IAMRole", "web-task"), ("sqs:SendMessage",)),
            Accessor(aws("ECSService", "web-svc"), ("sqs:SendMessage",)),
            *_ADMINS,
        ),
        "web-invoices lets the web-task role send to the queue (only over TLS: the condition stays on the edge); "
        "web-svc runs its tasks as that role.",
    ),
)
