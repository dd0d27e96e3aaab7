"""A synthetic estate of N resources for the query benchmark, written with UNWIND batches (CREATE on an empty graph).

The estate is made of application tiers in the shape discovery produces: per AWS tier an internet-facing
load balancer, listener, target group, four instances with encrypted volumes, a database admitted by the
app security group, a bucket, a queue with a Lambda reading it; every 25 tiers share a VPC with an
internet gateway, public route table, network ACL and subnets. One tier in three is Azure (VM, NIC,
public IP, NSGs with rules, disk, Key Vault behind a private endpoint) or GCP (instances, disks,
firewall rules, network, Cloud SQL). Ids are deterministic; every resource carries the common
properties (provider, account, region, kind, name, tags).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from graph.neo4j.client import Graph
from graph.schema import SCHEMA

Props = dict[str, object]


@dataclass
class Batch:
    nodes: dict[str, list[Props]] = field(default_factory=lambda: defaultdict(list))
    edges: dict[tuple[str, str, str], list[Props]] = field(default_factory=lambda: defaultdict(list))
    resources: int = 0

    def node(self, label: str, node_id: str, scope: tuple[str, str, str], **props: object) -> str:
        kind = SCHEMA.node(label)
        row: Props = {"id": node_id, "account": scope[1], "region": scope[2], **props}
        if kind.resource:
            row.update(provider=scope[0], kind=label, name=props.get("name") or node_id.rsplit("/", 1)[-1])
            self.resources += 1
        self.nodes[label].append(row)
        return node_id

    def edge(self, source: tuple[str, str], type_: str, target: tuple[str, str], **props: object) -> None:
        SCHEMA.relationship(type_, source[0], target[0])
        self.edges[(type_, source[0], target[0])].append({"s": source[1], "t": target[1], "p": props})


SHARED_EVERY = 25


def _aws_vpc(b: Batch, g: int, scope: tuple[str, str, str]) -> dict[str, tuple[str, str]]:
    p = f"aws/{scope[1]}/{scope[2]}/g{g}"
    n = {
        "vpc": ("VPC", b.node("VPC", f"{p}/vpc", scope, cidr_block="10.0.0.0/16")),
        "igw": ("InternetGateway", b.node("InternetGateway", f"{p}/igw", scope)),
        "rt": ("RouteTable", b.node("RouteTable", f"{p}/rt-public", scope)),
        "pub": ("Subnet", b.node("Subnet", f"{p}/subnet-public", scope)),
        "priv": ("Subnet", b.node("Subnet", f"{p}/subnet-private", scope)),
        "acl": ("NetworkAcl", b.node("NetworkAcl", f"{p}/acl", scope)),
        "ami": ("AMI", b.node("AMI", f"{p}/ami", scope)),
    }
    for k in ("igw",):
        b.edge(n[k], "ATTACHED_TO", n["vpc"])
    for k in ("rt", "pub", "priv", "acl"):
        b.edge(n[k], "IN_VPC", n["vpc"])
    b.edge(n["rt"], "ROUTES_TO", n["igw"], destination_cidrs=["0.0.0.0/0"])
    b.edge(n["rt"], "ASSOCIATED_WITH", n["pub"])
    b.edge(n["acl"], "ASSOCIATED_WITH", n["pub"])
    for num, action in ((100, "allow"), (32767, "deny")):
        e = (
            "NetworkAclEntry",
            b.node(
                "NetworkAclEntry",
                f"{p}/acl/in/{num}",
                scope,
                rule_number=num,
                egress=False,
                protocol="-1",
                rule_action=action,
                cidr="0.0.0.0/0",
            ),
        )
        b.edge(n["acl"], "HAS_ENTRY", e)
    return n


def _aws_tier(
    b: Batch, t: int, scope: tuple[str, str, str], vpc: dict[str, tuple[str, str]], rng: random.Random
) -> None:
    p = f"aws/{scope[1]}/{scope[2]}/t{t}"
    tag = (f"app=app{t}", f"team=team{t % 40}")

    def node(label: str, short: str, **props: object) -> tuple[str, str]:
        return label, b.node(label, f"{p}/{short}", scope, tags=list(tag), **props)

    kms = node("KMSKey", "kms")
    lb = node("LoadBalancer", "alb", scheme="internet-facing", lb_type="application")
    lis = node("Listener", "listener-443", protocol="HTTPS", port=443)
    tg = node("TargetGroup", "tg", port=8080)
    web_sg, app_sg, db_sg = (node("SecurityGroup", s) for s in ("web-sg", "app-sg", "db-sg"))
    for sg in (web_sg, app_sg, db_sg):
        b.edge(sg, "IN_VPC", vpc["vpc"])
    r443 = (
        "SecurityGroupRule",
        b.node(
            "SecurityGroupRule",
            f"{p}/web-sg/in/443",
            scope,
            direction="ingress",
            protocol="tcp",
            from_port=443,
            to_port=443,
            cidr="0.0.0.0/0",
        ),
    )
    rdb = (
        "SecurityGroupRule",
        b.node(
            "SecurityGroupRule",
            f"{p}/db-sg/in/5432",
            scope,
            direction="ingress",
            protocol="tcp",
            from_port=5432,
            to_port=5432,
        ),
    )
    b.edge(web_sg, "HAS_RULE", r443)
    b.edge(db_sg, "HAS_RULE", rdb)
    b.edge(rdb, "ALLOWS_FROM", app_sg)
    b.edge(lb, "IN_SUBNET", vpc["pub"])
    b.edge(lb, "MEMBER_OF_SECURITY_GROUP", web_sg)
    b.edge(lis, "PART_OF", lb)
    b.edge(lis, "FORWARDS_TO", tg)
    role = node("IAMRole", "role")
    profile = node("IAMInstanceProfile", "profile")
    policy = node("IAMPolicy", "policy")
    b.edge(profile, "CONTAINS_ROLE", role)
    b.edge(role, "HAS_POLICY", policy)
    for i in range(4):
        ec2 = node(
            "EC2Instance", f"web-{i}", instance_type=rng.choice(("t3.micro", "t3.large", "m5.large")), state="running"
        )
        vol = node("EBSVolume", f"vol-{i}", size=rng.choice((20, 50, 100)), encrypted=True)
        b.edge(tg, "TARGETS", ec2)
        b.edge(ec2, "IN_SUBNET", vpc["priv"])
        b.edge(ec2, "MEMBER_OF_SECURITY_GROUP", app_sg)
        b.edge(vol, "ATTACHED_TO", ec2)
        b.edge(vol, "ENCRYPTED_BY", kms)
        eni = node("NetworkInterface", f"eni-{i}")
        b.edge(eni, "ATTACHED_TO", ec2)
        b.edge(eni, "IN_SUBNET", vpc["priv"])
        b.edge(eni, "MEMBER_OF_SECURITY_GROUP", app_sg)
        b.edge(ec2, "USES_INSTANCE_PROFILE", profile)
        b.edge(ec2, "LAUNCHED_FROM", vpc["ami"])
    db = node("RDSInstance", "db", engine="postgres", publicly_accessible=False)
    b.edge(db, "IN_SUBNET", vpc["priv"])
    b.edge(db, "MEMBER_OF_SECURITY_GROUP", db_sg)
    b.edge(db, "ENCRYPTED_BY", kms)
    bucket = node("S3Bucket", "bucket")
    queue = node("SQSQueue", "queue")
    fn = node("LambdaFunction", "worker", runtime="python3.12")
    esm = node("LambdaEventSourceMapping", "esm")
    worker_role = node("IAMRole", "worker-role")
    b.edge(bucket, "ENCRYPTED_BY", kms)
    b.edge(queue, "ENCRYPTED_BY", kms)
    b.edge(esm, "INVOKES", fn)
    b.edge(esm, "READS_FROM", queue)
    b.edge(fn, "USES_ROLE", worker_role)
    b.edge(worker_role, "HAS_POLICY", policy)
    b.edge(fn, "IN_SUBNET", vpc["priv"])
    b.edge(fn, "MEMBER_OF_SECURITY_GROUP", app_sg)
    if t % 5 == 0:
        bastion = node("EC2Instance", "bastion", instance_type="t3.micro", public_ip=f"3.{t % 250}.{t % 199}.7")
        b.edge(bastion, "IN_SUBNET", vpc["pub"])
        b.edge(bastion, "MEMBER_OF_SECURITY_GROUP", web_sg)


def _azure_tier(b: Batch, t: int, scope: tuple[str, str, str]) -> None:
    p = f"azure/{scope[1]}/t{t}"

    def node(label: str, short: str, **props: object) -> tuple[str, str]:
        return label, b.node(label, f"{p}/{short}", scope, tags=[f"app=app{t}"], **props)

    rg = node("AzureResourceGroup", "rg")
    vnet, sn, nsg = (
        node("AzureVirtualNetwork", "vnet"),
        node("AzureSubnet", "subnet"),
        node("AzureNetworkSecurityGroup", "nsg"),
    )
    b.edge(sn, "IN_VNET", vnet)
    b.edge(sn, "PROTECTED_BY", nsg)
    rule = (
        "AzureSecurityRule",
        b.node(
            "AzureSecurityRule",
            f"{p}/nsg/https",
            scope,
            access="Allow",
            direction="Inbound",
            priority=100,
            protocol="Tcp",
            source_prefixes=["Internet"],
            destination_port_ranges=["443"],
        ),
    )
    b.edge(nsg, "HAS_RULE", rule)
    for i in range(3):
        vm, nic, disk = (
            node("AzureVirtualMachine", f"vm-{i}"),
            node("AzureNetworkInterface", f"nic-{i}"),
            node("AzureDisk", f"disk-{i}"),
        )
        b.edge(vm, "HAS_NETWORK_INTERFACE", nic)
        b.edge(vm, "USES_DISK", disk)
        b.edge(nic, "IN_SUBNET", sn)
        if i == 0:
            pip = node("AzurePublicIPAddress", "pip", ip_address=f"20.{t % 250}.0.1")
            b.edge(nic, "HAS_PUBLIC_IP", pip)
    kv, pe = node("AzureKeyVault", "kv"), node("AzurePrivateEndpoint", "pe")
    b.edge(pe, "IN_SUBNET", sn)
    b.edge(pe, "CONNECTS_TO", kv)
    for short in ("vnet", "nsg", "kv", "pe", "pip", *(f"{k}-{i}" for k in ("vm", "nic", "disk") for i in range(3))):
        label = {
            "vnet": "AzureVirtualNetwork",
            "nsg": "AzureNetworkSecurityGroup",
            "kv": "AzureKeyVault",
            "pe": "AzurePrivateEndpoint",
            "pip": "AzurePublicIPAddress",
            "vm": "AzureVirtualMachine",
            "nic": "AzureNetworkInterface",
            "disk": "AzureDisk",
        }[short.split("-")[0]]
        b.edge((label, f"{p}/{short}"), "IN_RESOURCE_GROUP", rg)


def _gcp_tier(b: Batch, t: int, scope: tuple[str, str, str], project: tuple[str, str]) -> None:
    p = f"gcp/{scope[1]}/t{t}"

    made: list[tuple[str, str]] = []

    def node(label: str, short: str, **props: object) -> tuple[str, str]:
        made.append((label, b.node(label, f"{p}/{short}", scope, tags=[f"app=app{t}"], **props)))
        return made[-1]

    net, sub = node("GCPNetwork", "net"), node("GCPSubnetwork", "subnet")
    fw = node(
        "GCPFirewall",
        "fw-https",
        direction="INGRESS",
        priority=1000,
        action="allow",
        rules=["tcp:443"],
        source_ranges=["0.0.0.0/0"],
    )
    b.edge(sub, "IN_NETWORK", net)
    b.edge(fw, "IN_NETWORK", net)
    for i in range(3):
        vm = node(
            "GCPComputeInstance",
            f"vm-{i}",
            machine_type="e2-medium",
            **({"public_ip": f"35.{t % 250}.0.1"} if i == 0 else {}),
        )
        disk = node("GCPDisk", f"disk-{i}")
        b.edge(vm, "IN_SUBNETWORK", sub)
        b.edge(vm, "ATTACHED_DISK", disk)
        b.edge(fw, "APPLIES_TO", vm)
    sql = node("GCPCloudSQLInstance", "sql")
    b.edge(sql, "IN_NETWORK", net)
    for made_node in made:
        b.edge(made_node, "IN_PROJECT", project)


def batches(resources: int, seed: int = 1, chunk: int = 50_000) -> Iterator[Batch]:
    """Batches of about ``chunk`` resources until ``resources`` are generated (nodes before their edges)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    made = 0
    t = 0
    vpc: dict[str, tuple[str, str]] = {}
    project: tuple[str, str] | None = None
    vpcs = 0
    b = Batch()
    while made + b.resources < resources:
        account = f"1000000000{t % 4:02d}"
        kind = t % 3
        if kind == 0:
            scope = ("aws", account, ("us-east-1", "eu-west-1")[t // 3 % 2])
            if t % (3 * SHARED_EVERY) == 0 or not vpc:
                vpc = _aws_vpc(b, vpcs, scope)  # numbered: a VPC restarted after a batch boundary is a new one
                vpcs += 1
            _aws_tier(b, t, scope, vpc, rng)
        elif kind == 1:
            _azure_tier(b, t, ("azure", f"sub-{t % 4}", "westeurope"))
        else:
            scope = ("gcp", f"proj-{t % 4}", "us-central1")
            if t % (3 * SHARED_EVERY) == 2 or not project:
                project = ("GCPProject", b.node("GCPProject", f"gcp/{scope[1]}/project-{t}", scope))
            _gcp_tier(b, t, scope, project)
        t += 1
        if b.resources >= chunk:
            made += b.resources
            yield b
            b = Batch()
            vpc = {}
            project = None
    if b.resources:
        yield b


def write(graph: Graph, batch: Batch, rows_per_tx: int = 10_000) -> None:
    for label, rows in batch.nodes.items():
        extra = ":Resource" if SCHEMA.node(label).resource else ""
        for i in range(0, len(rows), rows_per_tx):
            graph.run_implicit(
                f"UNWIND $rows AS row CREATE (n:{label}{extra}) SET n = row", {"rows": rows[i : i + rows_per_tx]}
            )
    for (type_, source, target), rows in batch.edges.items():
        for i in range(0, len(rows), rows_per_tx):
            graph.run_implicit(
                f"UNWIND $rows AS row MATCH (a:{source} {{id: row.s}}) MATCH (b:{target} {{id: row.t}}) "
                f"CREATE (a)-[r:{type_}]->(b) SET r = row.p",
                {"rows": rows[i : i + rows_per_tx]},
            )
