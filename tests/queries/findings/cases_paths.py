"""Positive and negative fixture graphs for the toxic-combination (path) rules."""

from __future__ import annotations

from tests.queries.findings.builder import Case, Graph
from tests.queries.findings.cases_aws import ACCOUNT, REGION, SG, admin_policy, arn, security_group, sg_rule
from tests.queries.findings.cases_azure_gcp import NSG, az, network_security_group, nsg_rule, project, service_account

INSTANCE = arn("ec2", "instance/i-0exposed")
PROFILE = f"arn:aws:iam::{ACCOUNT}:instance-profile/app"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app-ec2"
BUCKET = "arn:aws:s3:::estate-sensitive"


def _instance_with_role(g: Graph, public_ip: str | None, role_policy: str) -> str:
    instance = g.node(
        "EC2Instance",
        INSTANCE,
        instance_id="i-0exposed",
        state="running",
        public_ip=public_ip,
        iam_instance_profile_arn=PROFILE,
    )
    profile = g.node("IAMInstanceProfile", PROFILE, instance_profile_name="app")
    role = g.node("IAMRole", ROLE, role_name="app-ec2", trusts_any_principal=False)
    g.rel(instance, "USES_INSTANCE_PROFILE", profile)
    g.rel(profile, "CONTAINS_ROLE", role)
    g.rel(role, "HAS_POLICY", role_policy)
    return instance


def _exposed(g: Graph, instance: str, world: bool) -> None:
    sg = security_group(g, name="web")
    sg_rule(g, sg, "tcp", 443, 443, "0.0.0.0/0" if world else "10.0.0.0/8")
    g.rel(instance, "MEMBER_OF_SECURITY_GROUP", sg)


def _internet_admin(bad: bool) -> Graph:
    g = Graph()
    instance = _instance_with_role(g, "54.1.2.3", admin_policy(g, True))
    _exposed(g, instance, world=bad)
    return g


def _lb_admin(bad: bool) -> Graph:
    g = Graph()
    instance = _instance_with_role(g, None, admin_policy(g, True))
    lb_id = arn("elasticloadbalancing", "loadbalancer/app/admin-alb/1")
    lb = g.node("LoadBalancer", lb_id, load_balancer_name="admin-alb", scheme="internet-facing" if bad else "internal")
    listener = g.node("Listener", lb_id + "/l80", protocol="HTTP", port=80, load_balancer_arn=lb_id)
    tg = g.node("TargetGroup", arn("elasticloadbalancing", "targetgroup/admin/1"), target_type="instance", port=8080)
    g.rel(listener, "PART_OF", lb)
    g.rel(listener, "FORWARDS_TO", tg)
    g.rel(tg, "TARGETS", instance, port=8080)
    return g


def _statement_policy(g: Graph, policy_id: str, actions: list[str], resources: list[str]) -> tuple[str, str]:
    """A managed policy with one Allow statement; returns (policy, statement)."""
    policy = g.node(
        "IAMPolicy",
        policy_id,
        policy_name=policy_id.rsplit("/", 1)[-1],
        is_inline=False,
        is_aws_managed=False,
        attachment_count=1,
    )
    statement = g.node(
        "IAMPolicyStatement",
        f"{policy_id}/statement/0",
        account=ACCOUNT,
        region="global",
        policy_arn=policy_id,
        index=0,
        effect="Allow",
        actions=actions,
        resources=resources,
        has_condition=False,
        is_admin=False,
    )
    g.rel(policy, "HAS_STATEMENT", statement)
    return policy, statement


FUNCTION = arn("lambda", "function:public-webhook")
SECRET = arn("secretsmanager", "secret:prod/db-password-AbCdEf")


def _function_secrets(bad: bool) -> Graph:
    g = Graph()
    function = g.node(
        "LambdaFunction",
        FUNCTION,
        function_name="public-webhook",
        function_url_auth_type="NONE" if bad else "AWS_IAM",
        role_arn=f"arn:aws:iam::{ACCOUNT}:role/webhook",
    )
    role = g.node("IAMRole", f"arn:aws:iam::{ACCOUNT}:role/webhook", role_name="webhook")
    actions = ["secretsmanager:GetSecretValue"]
    policy, statement = _statement_policy(
        g, f"arn:aws:iam::{ACCOUNT}:policy/read-secrets", actions, [arn("secretsmanager", "secret:prod/*")]
    )
    g.rel(function, "USES_ROLE", role)
    g.rel(role, "HAS_POLICY", policy)
    secret = g.node("SecretsManagerSecret", SECRET, secret_name="prod/db-password", rotation_enabled=True)
    g.node("SecretsManagerSecret", arn("secretsmanager", "secret:dev/other-XyZ"), secret_name="dev/other")
    g.rel(statement, "ALLOWS_ACCESS_TO", secret, actions=actions)  # as graph.links derives it (prod/* matches)
    return g


def _instance_data(bad: bool) -> Graph:
    g = Graph()
    policy, statement = _statement_policy(
        g,
        f"arn:aws:iam::{ACCOUNT}:policy/sensitive-reader",
        ["s3:GetObject"],
        [f"{BUCKET}/*" if bad else "arn:aws:s3:::estate-public-*/*"],
    )
    instance = _instance_with_role(g, "54.1.2.3", policy)
    _exposed(g, instance, world=True)
    bucket = g.node(
        "S3Bucket", BUCKET, bucket_name="estate-sensitive", region=REGION, tags=["data-classification=sensitive"]
    )
    if bad:  # graph.links derives the grant only when the statement's pattern matches the bucket
        g.rel(statement, "ALLOWS_ACCESS_TO", bucket, actions=["s3:GetObject"])
    return g


DB = arn("rds", "db:reporting-db")


def _public_db(bad: bool) -> Graph:
    g = Graph()
    db = g.node(
        "RDSInstance",
        DB,
        db_instance_identifier="reporting-db",
        engine="postgres",
        endpoint_port=5432,
        publicly_accessible=True,
    )
    sg = security_group(g, name="db")
    sg_rule(g, sg, "tcp", 5432, 5432, "0.0.0.0/0" if bad else "10.0.0.0/8")
    sg_rule(g, sg, "tcp", 443, 443, "0.0.0.0/0")
    g.rel(db, "MEMBER_OF_SECURITY_GROUP", sg)
    return g


ANY_ROLE = f"arn:aws:iam::{ACCOUNT}:role/open-to-anyone"


def _anyone_admin(bad: bool) -> Graph:
    g = Graph()
    role = g.node("IAMRole", ANY_ROLE, role_name="open-to-anyone", trusts_any_principal=True, has_condition=False)
    g.rel(role, "HAS_POLICY", admin_policy(g, bad))
    return g


VM = az("microsoft.compute/virtualmachines", "vm-bastion")


def _azure_vm(bad: bool) -> Graph:
    g = Graph()
    vm = g.node("AzureVirtualMachine", VM, resource_group="rg-app", vm_size="Standard_B2s")
    nic = g.node(
        "AzureNetworkInterface", az("microsoft.network/networkinterfaces", "nic-bastion"), resource_group="rg-app"
    )
    pip = g.node(
        "AzurePublicIPAddress",
        az("microsoft.network/publicipaddresses", "pip-bastion"),
        ip_address="20.1.2.3",
        resource_group="rg-app",
    )
    subnet = g.node(
        "AzureSubnet", az("microsoft.network/virtualnetworks", "vnet/subnets/snet-app"), resource_group="rg-app"
    )
    nsg = network_security_group(g)
    nsg_rule(g, nsg, "allow-ssh", 100, "Allow", "*", ["22"])
    nsg_rule(g, nsg, "allow-rdp", 120, "Allow", "Internet", ["3389"])
    if not bad:  # a higher-priority Deny shadows both
        nsg_rule(g, nsg, "deny-admin", 90, "Deny", "Internet", ["22", "3389"])
    g.rel(vm, "HAS_NETWORK_INTERFACE", nic)
    g.rel(nic, "HAS_PUBLIC_IP", pip)
    g.rel(nic, "IN_SUBNET", subnet)
    g.rel(subnet, "PROTECTED_BY", nsg)
    return g


GCP_INSTANCE = "//compute.googleapis.com/projects/prod-project/zones/europe-west1-b/instances/bastion"


def _gcp_instance(bad: bool) -> Graph:
    g = Graph()
    p = project(g)
    sa = service_account(g, "bastion@prod-project.iam.gserviceaccount.com")
    g.rel(sa, "HAS_ROLE", p, roles=["roles/editor" if bad else "roles/logging.logWriter"])
    instance = g.node(
        "GCPComputeInstance",
        GCP_INSTANCE,
        zone="europe-west1-b",
        public_ip="34.1.2.3",
        service_accounts=["bastion@prod-project.iam.gserviceaccount.com"],
    )
    firewall = g.node(
        "GCPFirewall",
        "//compute.googleapis.com/projects/prod-project/global/firewalls/ssh",
        direction="INGRESS",
        action="allow",
        rules=["tcp:22"],
        source_ranges=["0.0.0.0/0"],
        disabled=False,
        open_to_internet=True,
    )
    g.rel(firewall, "APPLIES_TO", instance)
    g.rel(instance, "RUNS_AS", sa)
    return g


GCP_FUNCTION = "//cloudfunctions.googleapis.com/projects/prod-project/locations/europe-west1/functions/hook"


def _gcp_function(bad: bool) -> Graph:
    g = Graph()
    p = project(g)
    sa = service_account(g, "hook@prod-project.iam.gserviceaccount.com")
    g.rel(sa, "HAS_ROLE", p, roles=["roles/owner"])
    function = g.node("GCPCloudFunction", GCP_FUNCTION, is_public=bad, ingress_settings="ALLOW_ALL")
    g.rel(function, "RUNS_AS", sa)
    return g


PATH_CASES: list[Case] = [
    Case("aws-path-internet-instance-admin-role", INSTANCE, _internet_admin),
    Case("aws-path-public-lb-admin-instance", INSTANCE, _lb_admin),
    Case("aws-path-public-function-reads-secrets", FUNCTION, _function_secrets),
    Case("aws-path-internet-instance-reaches-data", INSTANCE, _instance_data),
    Case("aws-path-public-database-open-port", DB, _public_db),
    Case("aws-path-anyone-can-assume-admin-role", ANY_ROLE, _anyone_admin),
    Case("azure-path-internet-vm-admin-port", VM, _azure_vm),
    Case("gcp-path-internet-instance-broad-service-account", GCP_INSTANCE, _gcp_instance),
    Case("gcp-path-public-function-broad-service-account", GCP_FUNCTION, _gcp_function),
]

__all__ = ["NSG", "PATH_CASES", "SG"]
