"""Words people use for resources, mapped to the schema's labels (and to the properties that answer them).

The prompt lists the glossary entries a question touches; the parser uses the same entries to read
"EC2" as ``EC2Instance`` or "buckets" as every provider's bucket label. A test checks every label
named here is declared in ``graph.schema``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.schema import SCHEMA, Schema
from graph.schema.model import EntryPoint


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # lower-case; matched as whole words, plural "s" optional
    labels: tuple[str, ...]
    note: str = ""


def _entry_text(label: str, entry: EntryPoint) -> str:
    if entry.prop is None:
        return f"every {label}"
    if entry.equals is None:
        return f"{label}.{entry.prop} IS NOT NULL"
    value = f"'{entry.equals}'" if isinstance(entry.equals, str) else str(entry.equals).lower()
    return f"{label}.{entry.prop} = {value}"


def exposure_note(schema: Schema = SCHEMA) -> str:
    """What "public" means: the kinds declared exposed to the internet, and the rules that open a network to it."""
    entries = "; ".join(_entry_text(label, entry) for label, entry in schema.entry_points())
    return (
        f"public / internet-facing resources: {entries}. Open inbound rules: a SecurityGroupRule with direction "
        "'ingress' and cidr '0.0.0.0/0' or '::/0'; AzureSecurityRule.open_to_internet; GCPFirewall.open_to_internet"
    )


GLOSSARY: tuple[Term, ...] = (
    Term(("ec2", "ec2 instance"), ("EC2Instance",)),
    Term(
        ("vm", "virtual machine", "server", "instance", "compute instance"),
        ("EC2Instance", "AzureVirtualMachine", "GCPComputeInstance"),
    ),
    Term(
        ("bucket", "storage bucket", "object storage"),
        ("S3Bucket", "AzureStorageAccount", "GCPStorageBucket"),
        "public buckets: S3Bucket.policy_allows_public or acl_public; AzureStorageAccount.allow_blob_public_access; "
        "GCPStorageBucket.is_public",
    ),
    Term(("s3", "s3 bucket"), ("S3Bucket",)),
    Term(("storage account",), ("AzureStorageAccount",)),
    Term(("vpc",), ("VPC",)),
    Term(("network", "virtual network", "vnet"), ("VPC", "AzureVirtualNetwork", "GCPNetwork")),
    Term(("subnet", "subnetwork"), ("Subnet", "AzureSubnet", "GCPSubnetwork")),
    Term(
        ("firewall", "firewall rule"),
        ("SecurityGroup", "AzureNetworkSecurityGroup", "GCPFirewall"),
        "inbound rules: (:SecurityGroup)-[:HAS_RULE]->(:SecurityGroupRule {direction: 'ingress'}), "
        "(:AzureNetworkSecurityGroup)-[:HAS_RULE]->(:AzureSecurityRule)",
    ),
    Term(("security group", "sg"), ("SecurityGroup",)),
    Term(("nsg", "network security group"), ("AzureNetworkSecurityGroup",)),
    Term(("rds", "rds database"), ("RDSInstance", "RDSCluster")),
    Term(("sql database", "sql db"), ("AzureSqlDatabase", "GCPCloudSQLInstance", "RDSInstance")),
    Term(("managed disk",), ("AzureDisk",)),
    Term(("key", "encryption key"), ("KMSKey", "AzureKeyVault")),
    Term(("box", "machine", "host"), ("EC2Instance", "AzureVirtualMachine", "GCPComputeInstance")),
    Term(("lambda function",), ("LambdaFunction",)),
    Term(
        ("database", "db"),
        (
            "RDSInstance",
            "RDSCluster",
            "DynamoDBTable",
            "AzureSqlDatabase",
            "AzureCosmosDBAccount",
            "GCPCloudSQLInstance",
        ),
    ),
    Term(("dynamodb", "table"), ("DynamoDBTable",)),
    Term(
        ("load balancer", "lb", "alb", "nlb", "elb"),
        ("LoadBalancer", "AzureLoadBalancer", "AzureApplicationGateway", "GCPForwardingRule"),
    ),
    Term(("lambda", "function", "serverless function", "cloud function"), ("LambdaFunction", "GCPCloudFunction")),
    Term(("queue", "sqs"), ("SQSQueue",)),
    Term(("topic", "sns"), ("SNSTopic",)),
    Term(("kms", "kms key"), ("KMSKey",)),
    Term(("key vault", "vault"), ("AzureKeyVault",)),
    Term(("secret",), ("SecretsManagerSecret", "AzureKeyVault")),
    Term(("role", "iam role"), ("IAMRole",)),
    Term(("iam user", "user"), ("IAMUser",)),
    Term(("policy", "iam policy"), ("IAMPolicy",)),
    Term(
        ("kubernetes", "k8s", "eks", "aks", "gke", "kubernetes cluster"),
        ("EKSCluster", "AzureAKSCluster", "GCPGKECluster"),
    ),
    Term(("disk", "volume", "ebs"), ("EBSVolume", "AzureDisk", "GCPDisk")),
    Term(("ecs", "container service"), ("ECSService", "ECSCluster")),
    Term(("cloudfront", "cdn", "distribution"), ("CloudFrontDistribution",)),
    Term(("dns", "route53", "dns record"), ("Route53Record", "Route53HostedZone")),
    Term(("nat", "nat gateway"), ("NATGateway",)),
    Term(("internet gateway", "igw"), ("InternetGateway",)),
    Term(("elastic ip", "eip", "public ip address"), ("ElasticIP", "AzurePublicIPAddress")),
    Term(("resource group",), ("AzureResourceGroup",)),
    Term(("project",), ("GCPProject",)),
    Term(("service account",), ("GCPServiceAccount",)),
    Term(("web app", "app service"), ("AzureWebApp",)),
    Term(("cloud run",), ("GCPCloudRunService",)),
    Term(
        ("public", "internet", "exposed", "open to the world"),
        (),
        exposure_note(),
    ),
    Term(
        ("admin port", "ssh", "rdp", "management port"),
        (),
        "admin ports are 22 (SSH) and 3389 (RDP): SecurityGroupRule.from_port <= 22 <= to_port",
    ),
    Term(
        ("cost", "costliest", "expensive", "spend"),
        (),
        "monthly cost estimate: the resource property monthly_cost_usd (float, USD)",
    ),
    Term(("region",), (), "every resource has region (e.g. us-east-1, westeurope, europe-west1)"),
    Term(("account", "subscription"), (), "every resource has account: AWS account, Azure subscription, GCP project"),
)


def _longest_first(term: Term) -> list[str]:
    return sorted(term.words, key=len, reverse=True)


_PATTERNS = tuple(
    (term, re.compile(r"\b(?:" + "|".join(re.escape(w) + "(?:e?s)?" for w in _longest_first(term)) + r")\b", re.I))
    for term in GLOSSARY
)


def terms_in(question: str) -> tuple[Term, ...]:
    """Glossary entries the question mentions, in glossary order."""
    return tuple(term for term, pattern in _PATTERNS if pattern.search(question))


def labels_in(question: str, schema: Schema = SCHEMA) -> tuple[str, ...]:
    """Labels the question names, directly ("EC2Instance", "dynamodbtable") or through the glossary."""
    found: dict[str, None] = {}
    lowered = question.lower()
    for kind in schema.nodes:
        if re.search(r"\b" + re.escape(kind.label.lower()) + r"s?\b", lowered):
            found[kind.label] = None
    for term in terms_in(question):
        for label in term.labels:
            found[label] = None
    return tuple(found)


def most_specific(question: str, schema: Schema = SCHEMA) -> tuple[str, ...]:
    """The labels of the longest matching phrase (so "s3 buckets" means S3Bucket, not every bucket)."""
    lowered = question.lower()
    direct = [k.label for k in schema.nodes if re.search(r"\b" + re.escape(k.label.lower()) + r"s?\b", lowered)]
    if direct:
        return tuple(direct)
    best: tuple[int, tuple[str, ...]] = (0, ())
    for term, pattern in _PATTERNS:
        if not term.labels:
            continue
        for match in pattern.finditer(question):
            length = len(match.group(0))
            if length > best[0]:
                best = (length, term.labels)
    return best[1]
