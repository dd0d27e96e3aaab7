"""Positive and negative fixture graphs for every AWS property rule (paths are in cases_paths)."""

from __future__ import annotations

from collections.abc import Callable

from queries.findings.rules_aws_network import PORT_RULES
from tests.queries.findings.builder import Case, Graph, days_ago

ACCOUNT = "123456789012"
REGION = "us-east-1"


def arn(service: str, resource: str, region: str = REGION) -> str:
    return f"arn:aws:{service}:{region}:{ACCOUNT}:{resource}"


SG = arn("ec2", "security-group/sg-0a1")


def sg_rule(
    g: Graph,
    group: str,
    protocol: str,
    from_port: int | None,
    to_port: int | None,
    cidr: str,
    direction: str = "ingress",
) -> None:
    ports = "all" if from_port is None else f"{from_port}-{to_port}"
    rule = g.node(
        "SecurityGroupRule",
        f"{SG}/{direction}/{protocol}/{ports}/{cidr}",
        account=ACCOUNT,
        region=REGION,
        group_id="sg-0a1",
        direction=direction,
        protocol=protocol,
        from_port=from_port,
        to_port=to_port,
        cidr=cidr,
    )
    g.rel(group, "HAS_RULE", rule)


def security_group(g: Graph, name: str = "app") -> str:
    return g.node("SecurityGroup", SG, group_id="sg-0a1", group_name=name, vpc_id="vpc-1", description="app tier")


def _port_case(rule_id: str, port: int) -> Case:
    def build(bad: bool) -> Graph:
        g = Graph()
        sg = security_group(g)
        sg_rule(g, sg, "tcp", 443, 443, "0.0.0.0/0")
        sg_rule(g, sg, "tcp", port, port, "10.0.0.0/8")
        sg_rule(g, sg, "-1", None, None, "0.0.0.0/0", direction="egress")
        if bad:
            sg_rule(g, sg, "tcp", port - 1, port + 1, "::/0")
        return g

    return Case(rule_id, SG, build)


PORT_CASES = [_port_case(rule.id, int(dict(rule.params)["port"])) for rule in PORT_RULES]  # type: ignore[call-overload]


def _all_open(bad: bool) -> Graph:
    g = Graph()
    sg = security_group(g)
    sg_rule(g, sg, "tcp", 443, 443, "0.0.0.0/0")
    sg_rule(g, sg, "-1", None, None, "10.0.0.0/8")
    if bad:
        sg_rule(g, sg, "-1", None, None, "0.0.0.0/0")
    return g


def _default_group(bad: bool) -> Graph:
    g = Graph()
    default = security_group(g, name="default")
    other = g.node("SecurityGroup", arn("ec2", "security-group/sg-0b2"), group_id="sg-0b2", group_name="web")
    sg_rule(g, other, "tcp", 443, 443, "0.0.0.0/0")
    if bad:
        sg_rule(g, default, "-1", None, None, "0.0.0.0/0", direction="egress")
    return g


NACL = arn("ec2", "network-acl/acl-1")


def _nacl(bad: bool) -> Graph:
    g = Graph()
    acl = g.node("NetworkAcl", NACL, network_acl_id="acl-1", vpc_id="vpc-1", is_default=True)

    def entry(number: int, action: str, protocol: str, cidr: str) -> None:
        e = g.node(
            "NetworkAclEntry",
            f"{NACL}/ingress/{number}",
            account=ACCOUNT,
            region=REGION,
            network_acl_id="acl-1",
            rule_number=number,
            egress=False,
            direction="ingress",
            protocol=protocol,
            rule_action=action,
            cidr=cidr,
        )
        g.rel(acl, "HAS_ENTRY", e)

    entry(100, "allow", "-1", "0.0.0.0/0")
    entry(32767, "deny", "-1", "0.0.0.0/0")
    if not bad:
        entry(50, "deny", "-1", "0.0.0.0/0")
    return g


def single(
    rule_id: str, label: str, id_: str, bad: dict[str, object], good: dict[str, object], **common: object
) -> Case:
    """A rule about one node: ``bad`` properties trigger it, ``good`` ones do not."""

    def build(is_bad: bool) -> Graph:
        g = Graph()
        g.node(label, id_, **common, **(bad if is_bad else good))
        return g

    return Case(rule_id, id_, build)


BUCKET = "arn:aws:s3:::estate-reports"
_BUCKET = {"bucket_name": "estate-reports"}
_PAB_ON = {
    "block_public_acls": True,
    "ignore_public_acls": True,
    "block_public_policy": True,
    "restrict_public_buckets": True,
}
_PAB_OFF = {k: False for k in _PAB_ON}
RDS = arn("rds", "db:orders-db")
_RDS = {"db_instance_identifier": "orders-db", "engine": "postgres", "endpoint_port": 5432}
CLUSTER = arn("rds", "cluster:orders")
_CLUSTER = {"db_cluster_identifier": "orders", "engine": "aurora-postgresql"}
QUEUE = arn("sqs", "jobs")
_QUEUE = {"queue_name": "jobs", "queue_url": f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/jobs"}
TOPIC = arn("sns", "alerts")
KEY = arn("kms", "key/1234abcd-12ab-34cd-56ef-1234567890ab")
_KEY = {
    "key_id": "1234abcd-12ab-34cd-56ef-1234567890ab",
    "key_manager": "CUSTOMER",
    "key_state": "Enabled",
    "key_spec": "SYMMETRIC_DEFAULT",
    "origin": "AWS_KMS",
    "enabled": True,
}
SECRET = arn("secretsmanager", "secret:db-password-AbCdEf")
USER = f"arn:aws:iam::{ACCOUNT}:user/bob"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/partner-access"
FUNCTION = arn("lambda", "function:public-webhook")
EKS = arn("eks", "cluster/public-eks")
ECR = arn("ecr", "repository/app")
DIST = f"arn:aws:cloudfront::{ACCOUNT}:distribution/E123"
API = arn("apigateway", "/apis/a1b2c3")
AMI = arn("ec2", "image/ami-0abc")
VOLUME = arn("ec2", "volume/vol-1")
SNAPSHOT = f"arn:aws:ec2:{REGION}::snapshot/snap-1"
ECS_SERVICE = arn("ecs", "service/prod/web")


def _kms_rotation(bad: bool) -> Graph:
    g = Graph()
    g.node("KMSKey", KEY, **_KEY, rotation_enabled=not bad, aliases=["alias/app-data"])
    # an AWS managed key (alias/aws/...) is rotated by AWS, whatever the API says of it
    g.node(
        "KMSKey",
        arn("kms", "key/ebs-default"),
        **{**_KEY, "key_id": "ebs-default"},
        rotation_enabled=False,
        aliases=["alias/aws/ebs"],
    )
    return g


def _key_pending(bad: bool) -> Graph:
    g = Graph()
    key = g.node("KMSKey", KEY, **{**_KEY, "key_state": "PendingDeletion" if bad else "Enabled", "enabled": False})
    volume = g.node("EBSVolume", VOLUME, volume_id="vol-1", encrypted=True, kms_key_id=KEY)
    g.rel(volume, "ENCRYPTED_BY", key)
    g.node("KMSKey", arn("kms", "key/unused"), **{**_KEY, "key_id": "unused", "key_state": "PendingDeletion"})
    return g


def _access_key(rule_id: str, bad_ages: tuple[int, int | None], good_ages: tuple[int, int | None]) -> Case:
    """An active key created / last used that many days ago (bad and good), beside an old inactive key."""
    key_id = f"arn:aws:iam::{ACCOUNT}:access-key/AKIAEXAMPLE"

    def build(bad: bool) -> Graph:
        created, last_used = bad_ages if bad else good_ages
        g = Graph()
        user = g.node("IAMUser", USER, user_name="bob", console_access=False)
        key = g.node(
            "IAMAccessKey",
            key_id,
            access_key_id="AKIAEXAMPLE",
            user_name="bob",
            status="Active",
            created=days_ago(created),
            last_used=days_ago(last_used) if last_used is not None else None,
        )
        g.rel(key, "BELONGS_TO", user)
        inactive = g.node(
            "IAMAccessKey",
            key_id + "2",
            access_key_id="AKIAOLD",
            user_name="bob",
            status="Inactive",
            created=days_ago(400),
        )
        g.rel(inactive, "BELONGS_TO", user)
        return g

    return Case(rule_id, key_id, build)


POLICY = f"arn:aws:iam::{ACCOUNT}:policy/full-admin"


def admin_policy(g: Graph, admin: bool, policy_id: str = POLICY, **props: object) -> str:
    values = {"policy_name": "full-admin", "is_inline": False, "is_aws_managed": False, "attachment_count": 1, **props}
    policy = g.node("IAMPolicy", policy_id, **values)
    statement = g.node(
        "IAMPolicyStatement",
        f"{policy_id}/statement/0",
        account=ACCOUNT,
        region="global",
        policy_arn=policy_id,
        index=0,
        effect="Allow",
        actions=["*"] if admin else ["s3:GetObject"],
        resources=["*"],
        has_condition=False,
        is_admin=admin,
    )
    g.rel(policy, "HAS_STATEMENT", statement)
    return policy


def _policy_admin(bad: bool) -> Graph:
    g = Graph()
    admin_policy(g, bad)
    admin_policy(
        g, True, "arn:aws:iam::aws:policy/AdministratorAccess", policy_name="AdministratorAccess", is_aws_managed=True
    )
    admin_policy(g, True, f"arn:aws:iam::{ACCOUNT}:policy/unused-admin", attachment_count=0)
    return g


def _admin_user_with_key(bad: bool) -> Graph:
    g = Graph()
    user = g.node("IAMUser", USER, user_name="bob")
    group = g.node("IAMGroup", f"arn:aws:iam::{ACCOUNT}:group/admins", group_name="admins")
    g.rel(user, "MEMBER_OF", group)
    g.rel(group, "HAS_POLICY", admin_policy(g, bad))
    key = g.node(
        "IAMAccessKey",
        f"arn:aws:iam::{ACCOUNT}:access-key/AKIA1",
        access_key_id="AKIA1",
        user_name="bob",
        status="Active",
        created=days_ago(5),
    )
    g.rel(key, "BELONGS_TO", user)
    return g


def _direct_policy(bad: bool) -> Graph:
    g = Graph()
    user = g.node("IAMUser", USER, user_name="bob")
    group = g.node("IAMGroup", f"arn:aws:iam::{ACCOUNT}:group/devs", group_name="devs")
    g.rel(user, "MEMBER_OF", group)
    policy = admin_policy(g, False)
    g.rel(user if bad else group, "HAS_POLICY", policy)
    return g


def _elb_http(bad: bool) -> Graph:
    g = Graph()
    lb_id = arn("elasticloadbalancing", "loadbalancer/app/web/1")
    lb = g.node("LoadBalancer", lb_id, load_balancer_name="web", lb_type="application", scheme="internet-facing")
    listener = g.node(
        "Listener",
        lb_id.replace(":loadbalancer/", ":listener/") + "/80",
        load_balancer_arn=lb_id,
        protocol="HTTP",
        port=80,
        default_action_types=["forward"] if bad else ["redirect"],
    )
    g.rel(listener, "PART_OF", lb)
    internal_id = arn("elasticloadbalancing", "loadbalancer/app/internal/2")
    internal = g.node("LoadBalancer", internal_id, load_balancer_name="internal", scheme="internal")
    plain = g.node("Listener", internal_id + "/l80", protocol="HTTP", port=80, default_action_types=["forward"])
    g.rel(plain, "PART_OF", internal)
    return g


CASES: list[Case] = [
    *PORT_CASES,
    Case("aws-sg-all-open", SG, _all_open),
    Case("aws-sg-default-has-rules", SG, _default_group),
    Case("aws-nacl-admin-ports-open", NACL, _nacl),
    single("aws-ami-public", "AMI", AMI, {"public": True}, {"public": False}, image_id="ami-0abc"),
    single(
        "aws-ebs-volume-unencrypted",
        "EBSVolume",
        VOLUME,
        {"encrypted": False},
        {"encrypted": True, "kms_key_id": KEY},
        volume_id="vol-1",
    ),
    single(
        "aws-ebs-snapshot-unencrypted",
        "EBSSnapshot",
        SNAPSHOT,
        {"encrypted": False},
        {"encrypted": True},
        snapshot_id="snap-1",
    ),
    Case("aws-elb-internet-http-listener", arn("elasticloadbalancing", "loadbalancer/app/web/1"), _elb_http),
    single(
        "aws-ecs-service-public-ip",
        "ECSService",
        ECS_SERVICE,
        {"assign_public_ip": "ENABLED"},
        {"assign_public_ip": "DISABLED"},
        service_name="web",
        cluster_arn=arn("ecs", "cluster/prod"),
        subnet_ids=["subnet-1", "subnet-2"],
    ),
    single(
        "aws-s3-public-policy",
        "S3Bucket",
        BUCKET,
        {"policy_allows_public": True, **_PAB_OFF},
        {"policy_allows_public": True, **_PAB_ON},
        **_BUCKET,
    ),
    single(
        "aws-s3-public-acl",
        "S3Bucket",
        BUCKET,
        {"acl_public": True, **_PAB_OFF},
        {"acl_public": True, **_PAB_ON},
        **_BUCKET,
    ),
    single("aws-s3-public-access-block-off", "S3Bucket", BUCKET, _PAB_OFF, _PAB_ON, **_BUCKET),
    single("aws-s3-no-default-encryption", "S3Bucket", BUCKET, {}, {"encryption_algorithm": "AES256"}, **_BUCKET),
    single(
        "aws-s3-versioning-off", "S3Bucket", BUCKET, {"versioning": "Suspended"}, {"versioning": "Enabled"}, **_BUCKET
    ),
    single(
        "aws-rds-instance-public",
        "RDSInstance",
        RDS,
        {"publicly_accessible": True},
        {"publicly_accessible": False},
        **_RDS,
    ),
    single(
        "aws-rds-cluster-public",
        "RDSCluster",
        CLUSTER,
        {"publicly_accessible": True},
        {"publicly_accessible": False},
        **_CLUSTER,
    ),
    single(
        "aws-rds-instance-unencrypted",
        "RDSInstance",
        RDS,
        {"storage_encrypted": False},
        {"storage_encrypted": True, "kms_key_id": KEY},
        **_RDS,
    ),
    single(
        "aws-rds-cluster-unencrypted",
        "RDSCluster",
        CLUSTER,
        {"storage_encrypted": False},
        {"storage_encrypted": True},
        **_CLUSTER,
    ),
    single(
        "aws-rds-instance-no-backups",
        "RDSInstance",
        RDS,
        {"backup_retention_period": 0},
        {"backup_retention_period": 7},
        **_RDS,
    ),
    single(
        "aws-dynamodb-no-pitr",
        "DynamoDBTable",
        arn("dynamodb", "table/orders"),
        {"point_in_time_recovery": False},
        {"point_in_time_recovery": True},
        table_name="orders",
    ),
    single(
        "aws-sqs-public-policy",
        "SQSQueue",
        QUEUE,
        {"policy_allows_public": True},
        {"policy_allows_public": False},
        **_QUEUE,
    ),
    single("aws-sqs-unencrypted", "SQSQueue", QUEUE, {"sqs_managed_sse": False}, {"sqs_managed_sse": True}, **_QUEUE),
    single(
        "aws-sns-public-policy",
        "SNSTopic",
        TOPIC,
        {"policy_allows_public": True},
        {"policy_allows_public": False},
        topic_name="alerts",
    ),
    single("aws-sns-unencrypted", "SNSTopic", TOPIC, {}, {"kms_key_id": "alias/aws/sns"}, topic_name="alerts"),
    Case("aws-kms-rotation-off", KEY, _kms_rotation),
    Case("aws-kms-key-pending-deletion-in-use", KEY, _key_pending),
    single(
        "aws-secret-rotation-off",
        "SecretsManagerSecret",
        SECRET,
        {"rotation_enabled": False},
        {"rotation_enabled": True, "rotation_days": 30},
        secret_name="db-password",
    ),
    single(
        "aws-iam-user-console-no-mfa",
        "IAMUser",
        USER,
        {"mfa_enabled": False},
        {"mfa_enabled": True, "mfa_device_count": 1},
        user_name="bob",
        console_access=True,
    ),
    _access_key("aws-iam-access-key-not-rotated", (120, 1), (10, 1)),
    _access_key("aws-iam-access-key-unused", (200, 120), (200, 3)),
    single(
        "aws-iam-user-password-unused",
        "IAMUser",
        USER,
        {"password_last_used": days_ago(120)},
        {"password_last_used": days_ago(3)},
        user_name="bob",
        console_access=True,
        created=days_ago(400),
    ),
    Case("aws-iam-user-direct-policy", USER, _direct_policy),
    Case("aws-iam-policy-full-admin", POLICY, _policy_admin),
    Case("aws-iam-admin-user-with-access-key", USER, _admin_user_with_key),
    single(
        "aws-iam-role-trusts-anyone",
        "IAMRole",
        ROLE,
        {"trusts_any_principal": True, "has_condition": False},
        {"trusts_any_principal": True, "has_condition": True},
        role_name="partner-access",
    ),
    single(
        "aws-iam-role-foreign-account-no-condition",
        "IAMRole",
        ROLE,
        {"trusts_foreign_accounts": ["999988887777"], "has_condition": False},
        {"trusts_foreign_accounts": ["999988887777"], "has_condition": True},
        role_name="partner-access",
        trusts_any_principal=False,
    ),
    single(
        "aws-lambda-public-function-url",
        "LambdaFunction",
        FUNCTION,
        {"function_url_auth_type": "NONE"},
        {"function_url_auth_type": "AWS_IAM"},
        function_name="public-webhook",
        function_url="https://abc.lambda-url.us-east-1.on.aws/",
    ),
    single(
        "aws-lambda-deprecated-runtime",
        "LambdaFunction",
        FUNCTION,
        {"runtime": "python3.7"},
        {"runtime": "python3.12"},
        function_name="public-webhook",
    ),
    single(
        "aws-eks-public-endpoint",
        "EKSCluster",
        EKS,
        {"public_access_cidrs": ["0.0.0.0/0"]},
        {"public_access_cidrs": ["203.0.113.0/24"]},
        cluster_name="public-eks",
        endpoint_public_access=True,
    ),
    single(
        "aws-ecr-scan-on-push-off",
        "ECRRepository",
        ECR,
        {"scan_on_push": False},
        {"scan_on_push": True},
        repository_name="app",
    ),
    single(
        "aws-ecr-tags-mutable",
        "ECRRepository",
        ECR,
        {"image_tag_mutability": "MUTABLE"},
        {"image_tag_mutability": "IMMUTABLE"},
        repository_name="app",
    ),
    single(
        "aws-cloudfront-allows-http",
        "CloudFrontDistribution",
        DIST,
        {"viewer_protocol_policy": "allow-all"},
        {"viewer_protocol_policy": "redirect-to-https"},
        distribution_id="E123",
        enabled=True,
    ),
    single(
        "aws-cloudfront-no-waf",
        "CloudFrontDistribution",
        DIST,
        {},
        {"web_acl_id": "arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/1"},
        distribution_id="E123",
        enabled=True,
    ),
    single(
        "aws-apigw-cors-any-origin",
        "APIGatewayHttpApi",
        API,
        {"cors_allow_origins": ["*"]},
        {"cors_allow_origins": ["https://shop.example.com"]},
        api_id="a1b2c3",
        has_cors=True,
    ),
]

BUILDERS: dict[str, Callable[[bool], Graph]] = {case.rule_id: case.build for case in CASES}
