"""Relationships declared from a property that holds the target's id (an ARN), across services.

A Lambda function stores its role's ARN, a launch template its AMI id, an event source mapping its
queue's ARN. Each :class:`Reference` names the source label and property, and how a value becomes
the target's node id (``resolve``; None skips the value). ``edges_from_properties`` turns the rows
of a unit into these edges, so the unit that owns the source writes them (and cleans them up) like
its own, and an edge to a node nobody wrote is skipped and counted, never invented.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from graph.rows import EdgeRow, NodeRow
from graph.schema.model import RelType

Resolve = Callable[[str, NodeRow], str | None]
_LAMBDA_ARN = re.compile(r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d+:function:[A-Za-z0-9_-]+")


def as_is(value: str, row: NodeRow) -> str | None:
    return value or None


def lambda_function(value: str, row: NodeRow) -> str | None:
    """An unqualified Lambda function ARN (``...:function:name``), from a qualified one or an integration URI."""
    found = _LAMBDA_ARN.search(value)
    return found.group(0) if found else None


def stream_table(value: str, row: NodeRow) -> str | None:
    """A DynamoDB table ARN from a stream ARN; an SQS queue ARN as is."""
    if ":dynamodb:" in value:
        return value.split("/stream/")[0]
    return value if ":sqs:" in value else None


def ami(value: str, row: NodeRow) -> str | None:
    region = str(row.props.get("region") or "")
    partition = "aws-cn" if region.startswith("cn-") else "aws-us-gov" if region.startswith("us-gov-") else "aws"
    return f"arn:{partition}:ec2:{region}::image/{value}" if value.startswith("ami-") else None


def instance_profile(value: str, row: NodeRow) -> str | None:
    if value.startswith("arn:"):
        return value
    return f"arn:aws:iam::{row.props.get('account')}:instance-profile/{value}" if value else None


def s3_origin(value: str, row: NodeRow) -> str | None:
    """The bucket an S3 origin domain names (bucket.s3.amazonaws.com, bucket.s3.REGION..., website endpoints)."""
    name, sep, _ = value.partition(".s3")
    return f"arn:aws:s3:::{name}" if sep and name else None


def kms_key(value: str, row: NodeRow) -> str | None:
    """A key ARN as is; a bare key id becomes the key's ARN in the row's account and region."""
    if value.startswith("arn:"):
        return value if ":key/" in value else None  # alias ARNs name no key node
    region, account = row.props.get("region"), row.props.get("account")
    return f"arn:aws:kms:{region}:{account}:key/{value}" if value and not value.startswith("alias/") else None


def queue(value: str, row: NodeRow) -> str | None:
    return value if ":sqs:" in value else None


def topic(value: str, row: NodeRow) -> str | None:
    return value if ":sns:" in value else None


def acm_certificate(value: str, row: NodeRow) -> str | None:
    """An ACM certificate ARN as is; an IAM server certificate ARN names no ACM certificate."""
    return value if ":acm:" in value and ":certificate/" in value else None


def rds_instance(value: str, row: NodeRow) -> str | None:
    """A DB instance ARN as is; an identifier becomes the ARN in the row's account and region."""
    if value.startswith("arn:"):
        return value
    region, account = row.props.get("region"), row.props.get("account")
    return f"arn:aws:rds:{region}:{account}:db:{value}" if value else None


def _ec2_id(kind: str, prefix: str) -> Resolve:
    def resolve(value: str, row: NodeRow) -> str | None:
        if not value.startswith(prefix):
            return None
        return f"arn:aws:ec2:{row.props.get('region')}:{row.props.get('account')}:{kind}/{value}"

    return resolve


@dataclass(frozen=True)
class Reference:
    rel: RelType
    property: str
    resolve: Resolve = as_is


def _ref(type_: str, source: str, target: str, prop: str, description: str, resolve: Resolve = as_is) -> Reference:
    return Reference(RelType(type_, source, target, f"{description} (from {prop})."), prop, resolve)


REFERENCES: tuple[Reference, ...] = (
    _ref(
        "LAUNCHED_FROM",
        "EC2Instance",
        "AMI",
        "image_id",
        "The instance was launched from this account-owned image",
        ami,
    ),
    _ref(
        "USES_INSTANCE_PROFILE",
        "EC2Instance",
        "IAMInstanceProfile",
        "iam_instance_profile_arn",
        "The instance runs with this profile's role",
        instance_profile,
    ),
    _ref("ENCRYPTED_BY", "EBSVolume", "KMSKey", "kms_key_id", "The volume is encrypted with this key", kms_key),
    _ref("ENCRYPTED_BY", "EBSSnapshot", "KMSKey", "kms_key_id", "The snapshot is encrypted with this key", kms_key),
    _ref(
        "ORIGIN",
        "CloudFrontDistribution",
        "S3Bucket",
        "origins",
        "The distribution fetches from this bucket",
        s3_origin,
    ),
    _ref("USES_ROLE", "LambdaFunction", "IAMRole", "role_arn", "The function runs as this role"),
    _ref("USES_ROLE", "ECSTaskDefinition", "IAMRole", "task_role_arn", "The tasks' containers run as this role"),
    _ref(
        "USES_EXECUTION_ROLE",
        "ECSTaskDefinition",
        "IAMRole",
        "execution_role_arn",
        "ECS pulls images and secrets for the tasks with this role",
    ),
    _ref("USES_ROLE", "ECSService", "IAMRole", "role_arn", "The service registers targets with this role"),
    _ref("USES_ROLE", "EKSCluster", "IAMRole", "role_arn", "The control plane runs as this role"),
    _ref("USES_ROLE", "EKSNodeGroup", "IAMRole", "node_role_arn", "The nodes run as this role"),
    _ref("USES_IMAGE", "LaunchTemplate", "AMI", "image_id", "Instances launch from this account-owned image", ami),
    _ref(
        "USES_INSTANCE_PROFILE",
        "LaunchTemplate",
        "IAMInstanceProfile",
        "iam_instance_profile_arn",
        "Instances run with this profile",
        instance_profile,
    ),
    _ref(
        "READS_FROM",
        "LambdaEventSourceMapping",
        "SQSQueue",
        "event_source_arn",
        "The mapping feeds the function from this queue",
        stream_table,
    ),
    _ref(
        "READS_FROM",
        "LambdaEventSourceMapping",
        "DynamoDBTable",
        "event_source_arn",
        "The mapping feeds the function from this table's stream",
        stream_table,
    ),
    _ref(
        "ENCRYPTED_BY",
        "LambdaFunction",
        "KMSKey",
        "kms_key_arn",
        "Environment variables are encrypted with this key",
        kms_key,
    ),
    _ref("ENCRYPTED_BY", "ECRRepository", "KMSKey", "kms_key_arn", "Images are encrypted with this key", kms_key),
    _ref(
        "DELIVERS_TO",
        "SNSSubscription",
        "LambdaFunction",
        "lambda_function_arn",
        "The subscription invokes this function",
        lambda_function,
    ),
    _ref(
        "ROTATED_BY",
        "SecretsManagerSecret",
        "LambdaFunction",
        "rotation_lambda_arn",
        "This function rotates the secret",
        lambda_function,
    ),
    _ref(
        "INVOKES",
        "APIGatewayRestApi",
        "LambdaFunction",
        "lambda_arns",
        "An integration invokes this function",
        lambda_function,
    ),
    _ref(
        "INVOKES",
        "APIGatewayHttpApi",
        "LambdaFunction",
        "integration_targets",
        "An integration invokes this function",
        lambda_function,
    ),
    _ref(
        "NOTIFIES",
        "S3Bucket",
        "LambdaFunction",
        "notification_targets",
        "The bucket's event notifications invoke this function",
        lambda_function,
    ),
    _ref(
        "NOTIFIES",
        "S3Bucket",
        "SQSQueue",
        "notification_targets",
        "The bucket's event notifications are sent to this queue",
        queue,
    ),
    _ref(
        "NOTIFIES",
        "S3Bucket",
        "SNSTopic",
        "notification_targets",
        "The bucket's event notifications are published to this topic",
        topic,
    ),
    _ref(
        "REPLICA_OF",
        "RDSInstance",
        "RDSInstance",
        "read_replica_source",
        "This read replica copies that instance",
        rds_instance,
    ),
    _ref(
        "USES_CERTIFICATE",
        "Listener",
        "ACMCertificate",
        "certificate_arns",
        "The listener serves TLS with this certificate",
        acm_certificate,
    ),
    _ref(
        "USES_ELASTIC_IP",
        "LoadBalancer",
        "ElasticIP",
        "elastic_ip_allocation_ids",
        "The network load balancer's zone address is this Elastic IP",
        _ec2_id("elastic-ip", "eipalloc-"),
    ),
    _ref(
        "USES_NETWORK_INTERFACE",
        "ECSTask",
        "NetworkInterface",
        "network_interface_id",
        "The task's awsvpc network interface",
        _ec2_id("network-interface", "eni-"),
    ),
)

NODES: tuple[()] = ()
RELATIONSHIPS: tuple[RelType, ...] = tuple(ref.rel for ref in REFERENCES)

_BY_LABEL: dict[str, list[Reference]] = {}
for _reference in REFERENCES:
    _BY_LABEL.setdefault(_reference.rel.source, []).append(_reference)


def edges_from_properties(nodes: Iterable[NodeRow]) -> tuple[EdgeRow, ...]:
    """The declared references of ``nodes`` as edges (one per resolvable value)."""
    edges: list[EdgeRow] = []
    for row in nodes:
        for ref in _BY_LABEL.get(row.label, ()):
            raw = row.props.get(ref.property)
            values = raw if isinstance(raw, tuple) else (raw,) if isinstance(raw, str) else ()
            targets = {target for value in values if (target := ref.resolve(value, row))}
            edges += [EdgeRow(ref.rel.type, row.label, row.id, ref.rel.target, t) for t in sorted(targets)]
    return tuple(edges)
