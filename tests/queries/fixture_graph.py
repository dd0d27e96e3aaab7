"""A small hand-written estate across AWS, Azure and GCP, written through the real GraphWriter.

Shapes the analysis queries care about: an internet-facing load balancer in front of two instances
whose security group is admitted by the database's group; a KMS key several things depend on; a
public subnet whose ACL denies SSH; an Azure VM behind two NSGs with a private endpoint to a Key
Vault in its network; a GCP instance with firewall rules (one deny) next to a Cloud SQL instance.
"""

from __future__ import annotations

from datetime import UTC, datetime

from graph.neo4j.client import Graph
from graph.rows import EdgeRow, NodeRow, PropValue
from graph.schema import SCHEMA
from graph.write import GraphWriter, SyncStamp

AWS = ("aws", "111111111111", "us-east-1")
AZ = ("azure", "sub-1", "westeurope")
GCP = ("gcp", "proj-1", "us-central1")

# short name -> (label, scope, extra properties)
NODES: dict[str, tuple[str, tuple[str, str, str], dict[str, PropValue]]] = {
    "vpc1": ("VPC", AWS, {"cidr_block": "10.0.0.0/16"}),
    "sn-pub": ("Subnet", AWS, {"cidr_block": "10.0.1.0/24"}),
    "sn-priv": ("Subnet", AWS, {"cidr_block": "10.0.2.0/24"}),
    "igw1": ("InternetGateway", AWS, {}),
    "rt-pub": ("RouteTable", AWS, {}),
    "acl1": ("NetworkAcl", AWS, {}),
    "web-sg": ("SecurityGroup", AWS, {"group_name": "web-sg"}),
    "app-sg": ("SecurityGroup", AWS, {"group_name": "app-sg"}),
    "db-sg": ("SecurityGroup", AWS, {"group_name": "db-sg"}),
    "alb": ("LoadBalancer", AWS, {"scheme": "internet-facing", "lb_type": "application", "tags": ("app=shop",)}),
    "l443": ("Listener", AWS, {"protocol": "HTTPS", "port": 443}),
    "tg": ("TargetGroup", AWS, {"port": 8080}),
    "bastion": ("EC2Instance", AWS, {"instance_type": "t3.large", "public_ip": "1.2.3.4", "tags": ("team=ops",)}),
    "web1": ("EC2Instance", AWS, {"instance_type": "t3.micro", "tags": ("app=shop", "team=web")}),
    "web2": ("EC2Instance", AWS, {"instance_type": "t3.large", "tags": ("app=shop",)}),
    "db1": ("RDSInstance", AWS, {"engine": "postgres", "tags": ("app=shop",)}),
    "kms1": ("KMSKey", AWS, {}),
    "vol1": ("EBSVolume", AWS, {"size": 100, "encrypted": True}),
    "vol2": ("EBSVolume", AWS, {"size": 20, "encrypted": False}),
    "vm1": ("AzureVirtualMachine", AZ, {"vm_size": "Standard_B2s", "tags": ("app=crm",)}),
    "nic1": ("AzureNetworkInterface", AZ, {}),
    "pip1": ("AzurePublicIPAddress", AZ, {"ip_address": "20.0.0.1"}),
    "vnet1": ("AzureVirtualNetwork", AZ, {}),
    "asn1": ("AzureSubnet", AZ, {}),
    "nsg-sub": ("AzureNetworkSecurityGroup", AZ, {}),
    "nsg-nic": ("AzureNetworkSecurityGroup", AZ, {}),
    "pe1": ("AzurePrivateEndpoint", AZ, {}),
    "kv1": ("AzureKeyVault", AZ, {"tags": ("app=crm",)}),
    "gi1": ("GCPComputeInstance", GCP, {"machine_type": "e2-medium", "public_ip": "35.0.0.1"}),
    "gsub": ("GCPSubnetwork", GCP, {}),
    "gnet": ("GCPNetwork", GCP, {}),
    "fw-ssh": (
        "GCPFirewall",
        GCP,
        {
            "direction": "INGRESS",
            "priority": 1000,
            "action": "allow",
            "rules": ("tcp:22",),
            "source_ranges": ("0.0.0.0/0",),
        },
    ),
    "fw-web": (
        "GCPFirewall",
        GCP,
        {
            "direction": "INGRESS",
            "priority": 1000,
            "action": "allow",
            "rules": ("tcp:80-81",),
            "source_ranges": ("0.0.0.0/0",),
        },
    ),
    "fw-deny": (
        "GCPFirewall",
        GCP,
        {
            "direction": "INGRESS",
            "priority": 900,
            "action": "deny",
            "rules": ("tcp:81",),
            "source_ranges": ("0.0.0.0/0",),
        },
    ),
    "gsql": ("GCPCloudSQLInstance", GCP, {"database_version": "POSTGRES_15"}),
}

EDGES: tuple[tuple[str, str, str], ...] = (
    ("sn-pub", "IN_VPC", "vpc1"),
    ("sn-priv", "IN_VPC", "vpc1"),
    ("igw1", "ATTACHED_TO", "vpc1"),
    ("rt-pub", "IN_VPC", "vpc1"),
    ("rt-pub", "ASSOCIATED_WITH", "sn-pub"),
    ("acl1", "ASSOCIATED_WITH", "sn-pub"),
    ("web-sg", "IN_VPC", "vpc1"),
    ("app-sg", "IN_VPC", "vpc1"),
    ("db-sg", "IN_VPC", "vpc1"),
    ("alb", "IN_SUBNET", "sn-pub"),
    ("alb", "MEMBER_OF_SECURITY_GROUP", "web-sg"),
    ("l443", "PART_OF", "alb"),
    ("l443", "FORWARDS_TO", "tg"),
    ("tg", "TARGETS", "web1"),
    ("tg", "TARGETS", "web2"),
    ("bastion", "IN_SUBNET", "sn-pub"),
    ("bastion", "MEMBER_OF_SECURITY_GROUP", "web-sg"),
    ("web1", "IN_SUBNET", "sn-priv"),
    ("web2", "IN_SUBNET", "sn-priv"),
    ("web1", "MEMBER_OF_SECURITY_GROUP", "app-sg"),
    ("web2", "MEMBER_OF_SECURITY_GROUP", "app-sg"),
    ("db1", "IN_SUBNET", "sn-priv"),
    ("db1", "MEMBER_OF_SECURITY_GROUP", "db-sg"),
    ("db1", "ENCRYPTED_BY", "kms1"),
    ("vol1", "ATTACHED_TO", "web1"),
    ("vol1", "ENCRYPTED_BY", "kms1"),
    ("vol2", "ATTACHED_TO", "web2"),
    ("vm1", "HAS_NETWORK_INTERFACE", "nic1"),
    ("nic1", "HAS_PUBLIC_IP", "pip1"),
    ("nic1", "IN_SUBNET", "asn1"),
    ("asn1", "IN_VNET", "vnet1"),
    ("asn1", "PROTECTED_BY", "nsg-sub"),
    ("nic1", "PROTECTED_BY", "nsg-nic"),
    ("pe1", "IN_SUBNET", "asn1"),
    ("pe1", "CONNECTS_TO", "kv1"),
    ("gi1", "IN_SUBNETWORK", "gsub"),
    ("gsub", "IN_NETWORK", "gnet"),
    ("gsql", "IN_NETWORK", "gnet"),
    ("fw-ssh", "APPLIES_TO", "gi1"),
    ("fw-web", "APPLIES_TO", "gi1"),
    ("fw-deny", "APPLIES_TO", "gi1"),
    ("fw-ssh", "IN_NETWORK", "gnet"),
    ("fw-web", "IN_NETWORK", "gnet"),
    ("fw-deny", "IN_NETWORK", "gnet"),
)

# Parts of resources (not Resource nodes): (label, id, parent short name, relationship, properties)
PARTS: tuple[tuple[str, str, str, str, dict[str, PropValue]], ...] = (
    (
        "NetworkAclEntry",
        "acl1/ingress/90",
        "acl1",
        "HAS_ENTRY",
        {
            "rule_number": 90,
            "egress": False,
            "protocol": "6",
            "rule_action": "deny",
            "cidr": "0.0.0.0/0",
            "from_port": 22,
            "to_port": 22,
        },
    ),
    (
        "NetworkAclEntry",
        "acl1/ingress/100",
        "acl1",
        "HAS_ENTRY",
        {"rule_number": 100, "egress": False, "protocol": "-1", "rule_action": "allow", "cidr": "0.0.0.0/0"},
    ),
    (
        "NetworkAclEntry",
        "acl1/ingress/32767",
        "acl1",
        "HAS_ENTRY",
        {"rule_number": 32767, "egress": False, "protocol": "-1", "rule_action": "deny", "cidr": "0.0.0.0/0"},
    ),
    (
        "SecurityGroupRule",
        "web-sg/in/tcp/22",
        "web-sg",
        "HAS_RULE",
        {"direction": "ingress", "protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "0.0.0.0/0"},
    ),
    (
        "SecurityGroupRule",
        "web-sg/in/tcp/443",
        "web-sg",
        "HAS_RULE",
        {"direction": "ingress", "protocol": "tcp", "from_port": 443, "to_port": 443, "cidr": "0.0.0.0/0"},
    ),
    (
        "SecurityGroupRule",
        "db-sg/in/tcp/5432",
        "db-sg",
        "HAS_RULE",
        {"direction": "ingress", "protocol": "tcp", "from_port": 5432, "to_port": 5432, "peer_group_id": "app-sg"},
    ),
    (
        "AzureSecurityRule",
        "nsg-sub/ssh-rdp",
        "nsg-sub",
        "HAS_RULE",
        {
            "access": "Allow",
            "direction": "Inbound",
            "priority": 100,
            "protocol": "Tcp",
            "source_prefixes": ("Internet",),
            "destination_port_ranges": ("22", "3389"),
        },
    ),
    (
        "AzureSecurityRule",
        "nsg-nic/ssh",
        "nsg-nic",
        "HAS_RULE",
        {
            "access": "Allow",
            "direction": "Inbound",
            "priority": 200,
            "protocol": "Tcp",
            "source_prefixes": ("*",),
            "destination_port_ranges": ("22",),
        },
    ),
    (
        "AzureSecurityRule",
        "nsg-nic/deny-all",
        "nsg-nic",
        "HAS_RULE",
        {
            "access": "Deny",
            "direction": "Inbound",
            "priority": 4096,
            "protocol": "*",
            "source_prefixes": ("Internet",),
            "destination_port_ranges": ("*",),
        },
    ),
)


def rid(short: str) -> str:
    """The fixture's id for a short name (ids only need to be unique strings)."""
    label, (provider, account, _), _ = NODES[short]
    return f"{provider}:{account}:{label}:{short}"


def build(graph: Graph) -> None:
    """Write the fixture estate (the graph must be empty)."""
    labels = {short: label for short, (label, _, _) in NODES.items()}
    nodes = [
        NodeRow(label, rid(short), {"name": short, "account": scope[1], "region": scope[2], **props})
        for short, (label, scope, props) in NODES.items()
    ]
    edges = [EdgeRow(t, labels[s], rid(s), labels[d], rid(d)) for s, t, d in EDGES]
    for label, part_id, parent, rel, props in PARTS:
        _, scope, _ = NODES[parent]
        nodes.append(NodeRow(label, part_id, {"account": scope[1], "region": scope[2], **props}))
        edges.append(EdgeRow(rel, labels[parent], rid(parent), label, part_id))
    edges.append(EdgeRow("ALLOWS_FROM", "SecurityGroupRule", "db-sg/in/tcp/5432", "SecurityGroup", rid("app-sg")))
    edges.append(
        EdgeRow(
            "ROUTES_TO",
            "RouteTable",
            rid("rt-pub"),
            "InternetGateway",
            rid("igw1"),
            {"destination_cidrs": ("0.0.0.0/0",), "states": ("active",)},
        )
    )
    writer = GraphWriter(graph, SCHEMA)
    stamp = SyncStamp(generation=1, at=datetime(2026, 1, 1, tzinfo=UTC))
    assert writer.nodes(nodes, stamp) == len(nodes)
    assert writer.edges(edges, stamp).written == len(edges)
